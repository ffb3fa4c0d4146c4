"""The edge's limits (DESIGN, Mail: "Edge limits that fit a reception centre"): the WAF rate rule on /login/*
lets a crowd behind one address sign in, and every block the ACL makes answers as the API refuses (429,
Retry-After, the API's error body), never a bare 403 and never a challenge, whose bodiless 202 reads as "code
sent". docs/edge-limits.md has the arithmetic behind the default."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from migris.http.responses import ErrorAnswer

from devserver.template import ROOT

PARAMETER = "LoginEdgeRequests"
WAF_LOWEST_LIMIT = 10  # WAFv2's lowest RateBasedStatement limit
WAF_HIGHEST_LIMIT = 2_000_000_000
DESIGN_HIGHEST_AT_LEAST = 100_000  # DESIGN, Rules: every limit accepts values up to at least 100000
# The sizing in docs/edge-limits.md: 500 people behind one address in an hour, a burst bringing 40% of them in
# one window, 5 requests to /login/* each (the sign-in screen's passkey autofill options, ask, a resend, verify,
# one mistyped code).
PEOPLE_BEHIND_ONE_ADDRESS = 500
BURST_SHARE = 0.4
REQUESTS_PER_SIGN_IN = 5
EDGE_BODY_CODE = "edge_rate_limited"
EDGE_MESSAGE = "Too many sign-ins from your network. Try again in a few minutes."
FORBIDDEN_ACTIONS = {"Challenge", "Captcha"}
EDGE_DOC = ROOT / "docs" / "edge-limits.md"


def acl(cfn: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = cfn["Resources"]["LoginWebAcl"]["Properties"]
    return properties


def rate_rule(cfn: dict[str, Any]) -> dict[str, Any]:
    (rule,) = [rule for rule in acl(cfn)["Rules"] if "RateBasedStatement" in rule["Statement"]]
    return rule


def block_actions(cfn: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Block the ACL can take: each rule's and the default action's."""
    actions = [rule["Action"] for rule in acl(cfn)["Rules"] if "Action" in rule]
    actions.append(acl(cfn)["DefaultAction"])
    return [action["Block"] for action in actions if "Block" in action]


def keys_anywhere(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys_anywhere(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys_anywhere(inner)


def test_the_parameter_takes_wafs_range_and_the_designs(sam_template):
    spec = sam_template["Parameters"][PARAMETER]
    assert "LoginRateLimit" not in sam_template["Parameters"]
    assert spec["Type"] == "Number"
    assert int(spec["MinValue"]) == WAF_LOWEST_LIMIT
    assert DESIGN_HIGHEST_AT_LEAST <= int(spec["MaxValue"]) <= WAF_HIGHEST_LIMIT
    assert int(spec["MinValue"]) <= int(spec["Default"]) <= int(spec["MaxValue"])


def test_the_default_lets_a_reception_centre_sign_in(sam_template):
    """The busiest window of an hour in which 500 people behind one address sign in stays under the limit."""
    busiest_window = math.ceil(PEOPLE_BEHIND_ONE_ADDRESS * BURST_SHARE * REQUESTS_PER_SIGN_IN)
    default = int(sam_template["Parameters"][PARAMETER]["Default"])
    assert default >= busiest_window
    # Even all 500 at once pass within the hour: the rule lets `default` through in each 300 s window.
    windows_for_everyone = math.ceil(PEOPLE_BEHIND_ONE_ADDRESS * REQUESTS_PER_SIGN_IN / default)
    assert windows_for_everyone * 300 <= 3600


def test_the_doc_gives_the_templates_default(sam_template):
    default = sam_template["Parameters"][PARAMETER]["Default"]
    text = EDGE_DOC.read_text(encoding="utf-8")
    assert re.search(rf"`{PARAMETER}`[^\n]*\b{default}\b", text), f"{EDGE_DOC.name} does not give {default}"


def test_the_rate_rule_counts_login_requests_against_the_parameter(cfn):
    rate = rate_rule(cfn)["Statement"]["RateBasedStatement"]
    assert rate["Limit"] == {"Ref": PARAMETER}
    assert rate["EvaluationWindowSec"] == 300


def test_every_block_answers_429_with_retry_after_and_the_api_error_body(cfn):
    blocks = block_actions(cfn)
    assert len(blocks) == len(acl(cfn)["Rules"])  # both rules block; the default action allows
    window = str(rate_rule(cfn)["Statement"]["RateBasedStatement"]["EvaluationWindowSec"])
    bodies = acl(cfn)["CustomResponseBodies"]
    for block in blocks:
        response = block["CustomResponse"]
        assert response["ResponseCode"] == 429
        headers = {header["Name"].lower(): header["Value"] for header in response["ResponseHeaders"]}
        assert headers["retry-after"] == window  # wait out the window the count looks back over
        assert headers["cache-control"] == "no-store"  # as every answer of the API
        assert "content-type" not in headers  # WAF refuses it: the body's ContentType says it
        assert response["CustomResponseBodyKey"] in bodies


def test_the_edge_body_is_the_apis_error_in_json(cfn):
    for key, body in acl(cfn)["CustomResponseBodies"].items():
        assert body["ContentType"] == "APPLICATION_JSON", key
        parsed = json.loads(body["Content"])
        assert parsed == {"error": {"code": EDGE_BODY_CODE, "message": EDGE_MESSAGE}}
        assert ErrorAnswer.model_validate(parsed).error.code == EDGE_BODY_CODE


def test_no_waf_resource_ever_challenges_or_asks_for_a_captcha(cfn):
    """A challenge answers a POST with a bodiless 202, which the pages would read as "code sent"."""
    waf = {name: r for name, r in cfn["Resources"].items() if r["Type"].startswith("AWS::WAFv2::")}
    assert "LoginWebAcl" in waf
    for name, resource in waf.items():
        used = FORBIDDEN_ACTIONS & set(keys_anywhere(resource))
        assert not used, f"{name} uses {sorted(used)}"
