"""template.yaml, translated offline by the SAM translator, holds the rules that moto cannot prove: moto checks
IAM actions but neither resources nor conditions, so these assertions are the proof of least privilege."""

from __future__ import annotations

from typing import Any

import pytest

PERSON_FACING_FUNCTIONS = ["StartLoginFunction", "VerifyCodeFunction", "SaveProfileFunction"]
TABLES = ["CodesTable", "SessionsTable", "AccountsTable"]
NAME_ATTRIBUTES = {"given_name", "family_name"}

DESIGN_DEFAULTS = {
    "CodeTtlSeconds": 3600,
    "CodeLength": 8,
    "CodeMaxAttempts": 5,
    "ResendCooldownSeconds": 60,
    "MaxCodesPerHour": 5,
    "MaxCodesPerDay": 10,
    "LockoutThreshold": 10,
    "SessionIdleSeconds": 1800,
    "SessionMaxSeconds": 43200,
}


def resources_of(cfn, kind):
    return {k: v for k, v in cfn["Resources"].items() if v["Type"] == kind}


def role_statements(cfn, function: str) -> list[dict[str, Any]]:
    role_ref = cfn["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
    role = cfn["Resources"][role_ref]["Properties"]
    statements = []
    for policy in role.get("Policies", []):
        statements.extend(policy["PolicyDocument"]["Statement"])
    return statements


def actions(statement) -> list[str]:
    value = statement["Action"]
    return [value] if isinstance(value, str) else list(value)


def resources(statement) -> list[Any]:
    value = statement["Resource"]
    return value if isinstance(value, list) else [value]


def targets_table(statement, table: str) -> bool:
    return any(r == {"Fn::GetAtt": [table, "Arn"]} or table in repr(r) for r in resources(statement))


def all_statements(cfn):
    for name, role in resources_of(cfn, "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                yield name, statement


def test_every_function_runs_python313_on_arm64_with_the_layer(cfn):
    functions = resources_of(cfn, "AWS::Lambda::Function")
    assert set(PERSON_FACING_FUNCTIONS) <= set(functions)
    for function in functions.values():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.13"
        assert properties["Architectures"] == ["arm64"]
        assert properties["TracingConfig"] == {"Mode": "Active"}
        assert len(properties["Layers"]) == 1


def test_each_function_has_its_own_role(cfn):
    roles = [cfn["Resources"][f]["Properties"]["Role"]["Fn::GetAtt"][0] for f in PERSON_FACING_FUNCTIONS]
    assert len(set(roles)) == len(roles)


def test_no_wildcard_dynamodb_or_scan_anywhere(cfn):
    for role, statement in all_statements(cfn):
        for action in actions(statement):
            assert action != "*" and not action.endswith(":*"), f"{role} grants {action}"
            assert action not in {"dynamodb:Scan", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate"}, role


def test_dynamodb_grants_name_their_tables(cfn):
    for role, statement in all_statements(cfn):
        if any(a.startswith("dynamodb:") for a in actions(statement)):
            assert "*" not in resources(statement), f"{role} grants DynamoDB on every table"


@pytest.mark.parametrize("function", PERSON_FACING_FUNCTIONS)
def test_person_facing_roles_never_put_or_delete_accounts(cfn, function):
    for statement in role_statements(cfn, function):
        if targets_table(statement, "AccountsTable"):
            forbidden = {"dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
            assert not forbidden & set(actions(statement)), f"{function}: {statement}"


@pytest.mark.parametrize("function", PERSON_FACING_FUNCTIONS)
def test_person_facing_account_updates_are_limited_to_an_attribute_allow_list_without_names(cfn, function):
    for statement in role_statements(cfn, function):
        if targets_table(statement, "AccountsTable") and "dynamodb:UpdateItem" in actions(statement):
            allowed = statement["Condition"]["ForAllValues:StringEquals"]["dynamodb:Attributes"]
            assert "pk" in allowed
            assert not NAME_ATTRIBUTES & set(allowed), f"{function} may write names"


def test_start_login_never_touches_accounts(cfn):
    for statement in role_statements(cfn, "StartLoginFunction"):
        assert not targets_table(statement, "AccountsTable")
        assert not targets_table(statement, "SessionsTable")


def test_pepper_is_readable_only_by_the_functions_that_hash_codes(cfn):
    readers = {
        f
        for f in PERSON_FACING_FUNCTIONS
        if any("secretsmanager:GetSecretValue" in actions(s) for s in role_statements(cfn, f))
    }
    assert readers == {"StartLoginFunction", "VerifyCodeFunction"}
    for f in readers:
        for s in role_statements(cfn, f):
            if "secretsmanager:GetSecretValue" in actions(s):
                assert resources(s) == [{"Ref": "CodePepperSecret"}]


def test_mail_is_sent_only_by_start_login(cfn):
    for f in PERSON_FACING_FUNCTIONS:
        sends = any("ses:SendEmail" in actions(s) for s in role_statements(cfn, f))
        assert sends == (f == "StartLoginFunction")


@pytest.mark.parametrize("table", TABLES)
def test_tables_expire_items_bill_on_demand_and_recover(cfn, table):
    properties = cfn["Resources"][table]["Properties"]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_the_api_is_a_rest_api(cfn):
    assert resources_of(cfn, "AWS::ApiGateway::RestApi")
    assert not resources_of(cfn, "AWS::ApiGatewayV2::Api")


def test_limits_are_parameters_with_the_design_defaults(sam_template):
    parameters = sam_template["Parameters"]
    for name, default in DESIGN_DEFAULTS.items():
        spec = parameters[name]
        assert spec["Type"] == "Number"
        assert int(spec["Default"]) == default
        assert int(spec["MinValue"]) == (0 if name == "ResendCooldownSeconds" else 1)
        assert float(spec.get("MaxValue", float("inf"))) >= 100000


def test_every_limit_reaches_the_functions(sam_template):
    variables = sam_template["Globals"]["Function"]["Environment"]["Variables"]
    referenced = {v["Ref"] for v in variables.values() if isinstance(v, dict) and "Ref" in v}
    assert set(DESIGN_DEFAULTS) <= referenced


def test_waf_rate_rule_guards_the_login_routes(cfn):
    acl = cfn["Resources"]["LoginWebAcl"]
    assert acl["Condition"] == "WafEnabled"
    (rule,) = acl["Properties"]["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert rate["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/login/"
    assert "Block" in rule["Action"]
    association = cfn["Resources"]["LoginWebAclAssociation"]
    assert association["Condition"] == "WafEnabled"


def test_ses_configuration_set_reports_bounces_and_complaints(cfn):
    destination = cfn["Resources"]["SesBounceComplaintEvents"]["Properties"]["EventDestination"]
    assert set(destination["MatchingEventTypes"]) == {"bounce", "complaint"}
    options = cfn["Resources"]["SesConfigurationSet"]["Properties"]["SuppressionOptions"]
    assert set(options["SuppressedReasons"]) == {"BOUNCE", "COMPLAINT"}


def test_outputs_name_the_api_and_tables(sam_template):
    assert {"ApiUrl", "CodesTableName", "SessionsTableName", "AccountsTableName"} <= set(sam_template["Outputs"])
