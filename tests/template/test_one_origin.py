"""One origin (issue 10, item 5): CloudFront serves the pages from a private bucket and the API under the same
host, so the __Host-session cookie, the Origin rule and the pages' relative API paths work as on the local stack.
Checked on template.yaml as the SAM translator turns it into CloudFormation."""

from __future__ import annotations

import copy
import fnmatch
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from tests.helpers import api_paths, resources_of

ROOT = Path(__file__).resolve().parents[2]

# AWS managed policies, by the ids CloudFormation takes.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
API_PATH_PATTERNS = {"/login/*", "/profile", "/profile/*", "/logout", "/sessions", "/sessions/*", "/staff/*"}
CLIENT_ADDRESS_HEADER = "true-client-ip"
ORIGIN_VERIFY_HEADER = "x-origin-verify"


def distribution(cfn) -> dict[str, Any]:
    (config,) = [
        d["Properties"]["DistributionConfig"] for d in resources_of(cfn, "AWS::CloudFront::Distribution").values()
    ]
    return config


def origin(cfn, origin_id: str) -> dict[str, Any]:
    (found,) = [o for o in distribution(cfn)["Origins"] if o["Id"] == origin_id]
    return found


def behaviours(cfn) -> list[dict[str, Any]]:
    return distribution(cfn)["CacheBehaviors"]


def behaviour_for(cfn, path: str) -> dict[str, Any]:
    """The behaviour CloudFront picks for a path: the first pattern that matches (CloudFront's `*` spans `/`,
    as fnmatch's does), else the default."""
    for candidate in behaviours(cfn):
        if fnmatch.fnmatchcase(path, candidate["PathPattern"]):
            return candidate
    return distribution(cfn)["DefaultCacheBehavior"]


def sub_text(value: Any) -> str:
    """The text of a plain string or of an Fn::Sub."""
    if isinstance(value, str):
        return value
    sub = value["Fn::Sub"]
    return sub if isinstance(sub, str) else sub[0]


def web_acl_rules(cfn) -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in cfn["Resources"]["LoginWebAcl"]["Properties"]["Rules"]}


def evaluate(cfn, expression: Any, parameters: dict[str, str]) -> Any:
    """CloudFormation's condition functions over given parameter values (defaults otherwise)."""
    if isinstance(expression, dict):
        ((key, argument),) = expression.items()
        if key == "Ref":
            return parameters.get(argument, str(cfn["Parameters"][argument].get("Default", "")))
        if key == "Condition":
            return evaluate(cfn, cfn["Conditions"][argument], parameters)
        values = [evaluate(cfn, item, parameters) for item in argument]
        if key == "Fn::Equals":
            return values[0] == values[1]
        if key == "Fn::Not":
            return not values[0]
        if key == "Fn::And":
            return all(values)
        if key == "Fn::Or":
            return any(values)
        raise AssertionError(f"no evaluator for {key}")
    return expression


def condition(cfn, name: str, **parameters: str) -> bool:
    return bool(evaluate(cfn, cfn["Conditions"][name], parameters))


def rule_holds(cfn, rule: dict[str, Any], **parameters: str) -> bool:
    if "RuleCondition" in rule and not evaluate(cfn, rule["RuleCondition"], parameters):
        return True
    return all(evaluate(cfn, assertion["Assert"], parameters) for assertion in rule["Assertions"])


def deploys(cfn, **parameters: str) -> bool:
    """Whether the template's Rules let a stack be made with these parameters."""
    return all(rule_holds(cfn, rule, **parameters) for rule in cfn.get("Rules", {}).values())


def dependencies(value: Any, resources: set[str]) -> set[str]:
    """The resources a property value refers to: Ref, GetAtt and Sub's ${Name} / ${Name.Attribute}."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, argument in value.items():
            if key == "Ref" and argument in resources:
                found.add(argument)
            elif key == "Fn::GetAtt":
                name = argument[0] if isinstance(argument, list) else argument.split(".", 1)[0]
                found.add(name)
            elif key == "Fn::Sub":
                text, variables = (argument, {}) if isinstance(argument, str) else argument
                for token in text.split("${")[1:]:
                    name = token.split("}", 1)[0].split(".", 1)[0]
                    if name in resources and name not in variables:
                        found.add(name)
                found |= dependencies(variables, resources)
            else:
                found |= dependencies(argument, resources)
    elif isinstance(value, list):
        for item in value:
            found |= dependencies(item, resources)
    return found


def dependency_cycle(cfn) -> list[str] | None:
    """A cycle among the template's resources, as CloudFormation would refuse it, or None."""
    resources = set(cfn["Resources"])
    graph = {}
    for name, resource in cfn["Resources"].items():
        depends_on = resource.get("DependsOn", [])
        graph[name] = dependencies(resource.get("Properties", {}), resources) | set(
            [depends_on] if isinstance(depends_on, str) else depends_on
        )
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for neighbour in sorted(graph[node]):
            if state.get(neighbour) == "open":
                return [*path[path.index(neighbour) :], neighbour]
            if neighbour not in state and (cycle := visit(neighbour)):
                return cycle
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


# --- the API paths go to the API, uncached, with every method ---


def test_each_api_path_pattern_has_its_behaviour(cfn):
    assert {b["PathPattern"] for b in behaviours(cfn)} >= API_PATH_PATTERNS


@pytest.mark.parametrize("pattern", sorted(API_PATH_PATTERNS))
def test_an_api_behaviour_sends_every_method_to_the_api_uncached_over_https(cfn, pattern):
    (behaviour,) = [b for b in behaviours(cfn) if b["PathPattern"] == pattern]
    assert behaviour["TargetOriginId"] == "api"
    assert behaviour["CachePolicyId"] == CACHING_DISABLED
    assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER  # cookies, Origin, Authorization
    assert set(behaviour["AllowedMethods"]) == ALL_METHODS
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert "ForwardedValues" not in behaviour  # the legacy settings would override the policies


def test_every_route_of_the_rest_api_reaches_the_api_through_the_distribution(cfn):
    for path in api_paths(cfn):
        assert behaviour_for(cfn, path)["TargetOriginId"] == "api", f"{path} would be looked up in the bucket"


WEB_FILES = sorted(f"/{p.relative_to(ROOT / 'web').as_posix()}" for p in (ROOT / "web").rglob("*") if p.is_file())


@pytest.mark.parametrize("page", ["/", *WEB_FILES])
def test_the_pages_are_served_from_the_bucket(cfn, page):
    assert behaviour_for(cfn, page)["TargetOriginId"] == "web"


def test_the_api_origin_is_this_rest_apis_stage_over_https(cfn):
    api = origin(cfn, "api")
    assert sub_text(api["DomainName"]) == "${MigrisApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    (stage,) = resources_of(cfn, "AWS::ApiGateway::Stage")
    assert sub_text(api["OriginPath"]) == f"/${{{stage}}}"  # the stage's name: /v1
    config = api["CustomOriginConfig"]
    assert config["OriginProtocolPolicy"] == "https-only"
    assert config["OriginSSLProtocols"] == ["TLSv1.2"]


def test_the_distribution_serves_the_pages_from_the_bucket_by_default(cfn):
    default = distribution(cfn)["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == "web"
    assert default["CachePolicyId"] == CACHING_OPTIMIZED
    assert default["ResponseHeadersPolicyId"] == {"Ref": "WebSecurityHeaders"}
    assert set(default["AllowedMethods"]) == {"GET", "HEAD"}
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert distribution(cfn)["DefaultRootObject"] == "index.html"


def test_no_error_page_replaces_the_apis_answers(cfn):
    """Error responses are distribution-wide: a 403/404 -> index.html mapping would turn the API's JSON errors
    (401, 403 origin_mismatch, 404) into a page with 200."""
    assert not distribution(cfn).get("CustomErrorResponses")


# --- the bucket is private, encrypted and readable only by the distribution ---


def test_the_bucket_is_private_and_encrypted(cfn):
    bucket = cfn["Resources"]["WebBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]  # no ACLs
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert "WebsiteConfiguration" not in bucket and "AccessControl" not in bucket


def test_only_this_distribution_may_read_the_bucket(cfn):
    (policy,) = resources_of(cfn, "AWS::S3::BucketPolicy").values()
    assert policy["Properties"]["Bucket"] == {"Ref": "WebBucket"}
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert sub_text(allow["Resource"]) == "${WebBucket.Arn}/*"
    source = sub_text(allow["Condition"]["StringEquals"]["AWS:SourceArn"])
    assert source == "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${WebDistribution}"
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_cloudfront_signs_its_bucket_requests_with_origin_access_control(cfn):
    web = origin(cfn, "web")
    assert web["DomainName"] == {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]}
    assert web["OriginAccessControlId"] == {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]}
    assert web["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy OAI
    config = cfn["Resources"]["WebOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (config["OriginAccessControlOriginType"], config["SigningBehavior"], config["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )


# --- the pages' security headers ---


def security_headers(cfn) -> dict[str, Any]:
    policy = cfn["Resources"]["WebSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    return policy["SecurityHeadersConfig"]


def csp_directives(cfn) -> dict[str, list[str]]:
    text = security_headers(cfn)["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    directives = {}
    for part in text.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_the_pages_carry_hsts_nosniff_and_frame_deny(cfn):
    headers = security_headers(cfn)
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 31536000 and hsts["Override"]
    assert headers["ContentTypeOptions"]["Override"]
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}


def test_the_content_security_policy_allows_only_self(cfn):
    directives = csp_directives(cfn)
    assert directives["default-src"] == ["'none'"]
    for name in ("script-src", "style-src", "connect-src"):
        assert directives[name] == ["'self'"], name
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["img-src"] == ["'self'", "data:"]  # the pages' empty favicon is a data: URL
    every_source = {source for name, sources in directives.items() if name != "img-src" for source in sources}
    assert every_source <= {"'self'", "'none'"}  # no 'unsafe-inline', no scheme or host, no wildcard


def test_the_pages_have_no_inline_script_or_style_the_policy_would_block():
    for page in (ROOT / "web").rglob("*.html"):
        html = page.read_text(encoding="utf-8").lower()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"{page.name}: inline script"
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=|javascript:", html), f"{page.name}: inline style/handler"


def test_the_referrer_policy_keeps_the_origin_header_on_the_pages_own_posts(cfn):
    """Under `no-referrer` browsers send `Origin: null` on a same-origin POST (Fetch, "append a request Origin
    header"), which the service refuses as foreign: no sign-in cookie, 403 on cookie-authenticated changes."""
    policy = security_headers(cfn)["ReferrerPolicy"]
    assert policy["Override"]
    assert policy["ReferrerPolicy"] in {"same-origin", "strict-origin", "strict-origin-when-cross-origin"}


# --- the alias is optional ---


def test_the_custom_domain_parameters_default_to_none(sam_template):
    parameters = sam_template["Parameters"]
    for name in ("DomainName", "CertificateArn", "HostedZoneId", "CloudFrontWebAclArn"):
        assert parameters[name]["Default"] == "", name


def test_without_a_domain_the_distribution_uses_its_own_name_and_certificate(cfn):
    assert not condition(cfn, "HasDomainName")
    assert not condition(cfn, "HasCertificate")
    assert not condition(cfn, "HasHostedZone")
    assert deploys(cfn)
    config = distribution(cfn)
    assert config["Aliases"] == {"Fn::If": ["HasDomainName", [{"Ref": "DomainName"}], {"Ref": "AWS::NoValue"}]}
    (name, with_certificate, without) = config["ViewerCertificate"]["Fn::If"]
    assert name == "HasCertificate"
    assert without == {"CloudFrontDefaultCertificate": True}
    assert with_certificate["AcmCertificateArn"] == {"Ref": "CertificateArn"}
    assert with_certificate["SslSupportMethod"] == "sni-only"
    assert with_certificate["MinimumProtocolVersion"].startswith("TLSv1.2")


CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666"


def test_a_domain_is_an_alias_with_its_us_east_1_certificate(cfn, sam_template):
    certificate = CERTIFICATE
    assert condition(cfn, "HasDomainName", DomainName="www.migracija.lt", CertificateArn=certificate)
    assert condition(cfn, "HasCertificate", DomainName="www.migracija.lt", CertificateArn=certificate)
    assert deploys(cfn, DomainName="www.migracija.lt", CertificateArn=certificate)
    assert not deploys(cfn, DomainName="www.migracija.lt")  # a domain without its certificate is refused
    assert not deploys(cfn, CertificateArn=certificate)  # and a certificate without a domain
    pattern = sam_template["Parameters"]["CertificateArn"]["AllowedPattern"]
    assert re.fullmatch(pattern, certificate)
    assert not re.fullmatch(pattern, certificate.replace("us-east-1", "eu-north-1"))  # CloudFront takes no other


NEW_DOMAIN = {"DomainName": "prasymai.migracija.lt", "CertificateArn": CERTIFICATE}


def test_a_domain_is_the_sites_origin_for_every_function(cfn, sam_template):
    """Issue 24: the functions' WebOrigin (the Origin rule, the passkeys' RP ID, mailed links, VIISP's postbackUrl)
    is https://<DomainName>, so a new domain works end to end; without one it is the WebOrigin given."""
    from devserver.template import Template

    derived = {"Fn::If": ["HasDomainName", {"Fn::Sub": "https://${DomainName}"}, {"Ref": "WebOrigin"}]}
    for name, function in resources_of(cfn, "AWS::Lambda::Function").items():
        if name != "MailDeliveryCapFunction":  # the deploy-time helper has no environment of the service's
            assert function["Properties"]["Environment"]["Variables"]["WEB_ORIGIN"] == derived, name
    assert deploys(cfn, **NEW_DOMAIN)
    assert Template.load(NEW_DOMAIN).function_environment()["WEB_ORIGIN"] == "https://prasymai.migracija.lt"
    given = {"WebOrigin": "https://d111111abcdef8.cloudfront.net"}
    assert deploys(cfn, **given)
    assert Template.load(given).function_environment()["WEB_ORIGIN"] == "https://d111111abcdef8.cloudfront.net"


@pytest.mark.parametrize(
    "web_origin",
    [
        "https://www.example.lt",  # another site's origin
        "https://prasymai.migracija.lt",  # the same origin: Rules cannot join strings to see it, so refused too
        "http://localhost:3000",
    ],
)
def test_a_web_origin_given_beside_a_domain_is_refused_before_anything_is_made(cfn, web_origin):
    """Rules run before CloudFormation makes anything: a WebOrigin other than the default beside DomainName stops
    the deploy there, rather than being silently replaced by the domain's origin."""
    assert not deploys(cfn, **NEW_DOMAIN, WebOrigin=web_origin)
    assert not deploys(cfn, **NEW_DOMAIN, WebOrigin=web_origin, Environment="prod")


def test_the_rule_leaves_web_origin_only_at_its_default(cfn, sam_template):
    (assertion,) = cfn["Rules"]["TheSiteOriginIsItsDomain"]["Assertions"]
    assert assertion["Assert"] == {
        "Fn::Equals": [{"Ref": "WebOrigin"}, sam_template["Parameters"]["WebOrigin"]["Default"]]
    }
    assert deploys(cfn, **NEW_DOMAIN, WebOrigin=sam_template["Parameters"]["WebOrigin"]["Default"])


def test_the_dns_records_are_written_only_with_a_hosted_zone(cfn):
    records = cfn["Resources"]["SiteAliasRecords"]
    assert records["Condition"] == "HasHostedZone"
    assert condition(cfn, "HasHostedZone", DomainName="www.migracija.lt", HostedZoneId="Z0123456789ABC")
    assert not condition(cfn, "HasHostedZone", DomainName="www.migracija.lt")
    assert not deploys(cfn, HostedZoneId="Z0123456789ABC")  # a zone without a name to write
    kinds = set()
    for record in records["Properties"]["RecordSets"]:
        assert record["Name"] == {"Ref": "DomainName"}
        assert record["AliasTarget"]["DNSName"] == {"Fn::GetAtt": ["WebDistribution", "DomainName"]}
        assert record["AliasTarget"]["HostedZoneId"] == "Z2FDTNDATAQYW2"  # CloudFront's alias zone
        kinds.add(record["Type"])
    assert kinds == {"A", "AAAA"}


def test_a_cloudfront_web_acl_is_attached_only_when_given(cfn):
    assert distribution(cfn)["WebACLId"] == {
        "Fn::If": ["HasCloudFrontWebAcl", {"Ref": "CloudFrontWebAclArn"}, {"Ref": "AWS::NoValue"}]
    }
    assert not condition(cfn, "HasCloudFrontWebAcl")


# --- WAF counts the client's address, and the API is not reachable around the distribution ---


def test_the_rate_rule_keys_on_the_address_the_distribution_writes(cfn):
    rate = web_acl_rules(cfn)["login-rate-per-client"]["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "FORWARDED_IP"
    assert rate["ForwardedIPConfig"]["HeaderName"].lower() == CLIENT_ADDRESS_HEADER
    assert rate["ForwardedIPConfig"]["FallbackBehavior"] == "MATCH"
    assert rate["ForwardedIPConfig"]["HeaderName"].lower() != "x-forwarded-for"  # its first entry is the client's
    scope = [inner["ByteMatchStatement"] for inner in rate["ScopeDownStatement"]["OrStatement"]["Statements"]]
    assert [match["SearchString"] for match in scope] == ["/login/", "/activity/", "/recovery/"]  # every public route


def test_the_distribution_writes_the_viewers_address_over_the_clients_header(cfn):
    function = cfn["Resources"]["ClientAddressFunction"]["Properties"]
    assert function["FunctionConfig"]["Runtime"].startswith("cloudfront-js-")
    assert function["AutoPublish"] is True
    assert f"request.headers['{CLIENT_ADDRESS_HEADER}'] = {{ value: event.viewer.ip }}" in function["FunctionCode"]
    for behaviour in behaviours(cfn):
        if behaviour["TargetOriginId"] == "api":
            assert behaviour["FunctionAssociations"] == [
                {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": ["ClientAddressFunction", "FunctionARN"]}}
            ]


def test_requests_around_the_distribution_are_refused_but_staff_calls(cfn):
    rules = web_acl_rules(cfn)
    guard = rules["only-through-the-distribution"]
    assert guard["Priority"] < rules["login-rate-per-client"]["Priority"]
    assert "Block" in guard["Action"]
    without_secret, not_staff = guard["Statement"]["AndStatement"]["Statements"]
    secret = without_secret["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert secret["FieldToMatch"] == {"SingleHeader": {"Name": ORIGIN_VERIFY_HEADER}}
    assert secret["PositionalConstraint"] == "EXACTLY"
    (sent,) = [h for h in origin(cfn, "api")["OriginCustomHeaders"] if h["HeaderName"] == ORIGIN_VERIFY_HEADER]
    assert sub_text(secret["SearchString"]) == sub_text(sent["HeaderValue"])
    assert sub_text(sent["HeaderValue"]) == "{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}"
    staff = [s["ByteMatchStatement"] for s in not_staff["NotStatement"]["Statement"]["OrStatement"]["Statements"]]
    for match in staff:
        assert match["PositionalConstraint"] == "STARTS_WITH"
        assert sub_text(match["SearchString"]).endswith("/staff/")
        # /v1/staff/../login/email is not a staff call
        assert [t["Type"] for t in match["TextTransformations"]] == ["URL_DECODE", "NORMALIZE_PATH"]


def test_the_acl_still_guards_the_api_stage(cfn):
    association = cfn["Resources"]["LoginWebAclAssociation"]
    assert association["Condition"] == "WafEnabled"
    assert cfn["Resources"]["LoginWebAcl"]["Properties"]["Scope"] == "REGIONAL"
    assert "restapis/${MigrisApi}/stages/" in sub_text(association["Properties"]["ResourceArn"])


# --- outputs, and why WebOrigin is not derived from the distribution ---


def test_the_outputs_give_the_site_url_bucket_and_distribution(sam_template):
    outputs = sam_template["Outputs"]
    site = outputs["SiteUrl"]["Value"]["Fn::If"]
    assert site[0] == "HasDomainName"
    assert sub_text(site[1]) == "https://${DomainName}"
    assert sub_text(site[2]) == "https://${WebDistribution.DomainName}"
    assert outputs["WebBucketName"]["Value"] == {"Ref": "WebBucket"}
    assert outputs["DistributionId"]["Value"] == {"Ref": "WebDistribution"}


def test_the_template_has_no_dependency_cycle(cfn):
    assert dependency_cycle(cfn) is None


def test_the_functions_cannot_take_their_origin_from_the_distribution(sam_template):
    """Why docs/deploying.md asks for WebOrigin: a function environment naming the distribution closes a
    cycle (function -> distribution -> API origin -> REST API -> function)."""
    changed = copy.deepcopy(sam_template)
    changed["Globals"]["Function"]["Environment"]["Variables"]["WEB_ORIGIN"] = {
        "Fn::Sub": "https://${WebDistribution.DomainName}"
    }
    for logical_id, resource in changed["Resources"].items():
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = f"s3://artifacts/{logical_id}.zip"
    translator = Translator({}, Parser(), boto_session=boto3.session.Session(region_name="eu-north-1"))
    translated = translator.translate(changed, parameter_values={}, get_managed_policy_map=dict)
    cycle = dependency_cycle(translated)
    assert cycle is not None and "WebDistribution" in cycle and "MigrisApi" in cycle
