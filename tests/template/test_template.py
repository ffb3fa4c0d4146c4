"""template.yaml, translated offline by the SAM translator, holds the rules that moto cannot prove: moto checks
IAM actions but neither resources nor conditions, so these assertions are the proof of least privilege."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.helpers import api_paths, resources_of

PERSON_FACING_FUNCTIONS = [
    "StartLoginFunction",
    "VerifyCodeFunction",
    "ViispCallbackFunction",
    "SaveProfileFunction",
    "FirstFillFunction",
    "PasskeysFunction",
]
ALL_FUNCTIONS = [
    *PERSON_FACING_FUNCTIONS,
    "StaffFunction",
    "SendMailFunction",
    "CompleteRecoveriesFunction",
    "EraseAccountFunction",
]
# The erase function's allow-list names every attribute of an account: it REMOVEs them (the tombstone), which IAM
# cannot tell from a SET. What it writes is pinned in tests/template/test_erasure_template.py; the tests of who
# may set names, level or language look at the others.
ERASER = "EraseAccountFunction"
WRITERS = [function for function in ALL_FUNCTIONS if function != ERASER]
TABLES = ["CodesTable", "SessionsTable", "AccountsTable", "ViispTicketsTable", "PasskeysTable"]
# The passkeys table expires its challenges only: a passkey item has no expires_at.
EXPIRING_TABLES = ["CodesTable", "SessionsTable", "ViispTicketsTable", "PasskeysTable"]
NAME_ATTRIBUTES = {"given_name", "family_name"}
STAFF_PATHS = {
    "/staff/users/search",
    "/staff/users/{user_id}",
    "/staff/users/{user_id}/sessions/revoke",
    "/staff/users/{user_id}/identity/unlink",
    "/staff/users/{user_id}/audit",
    "/staff/users/{user_id}/email",
    "/staff/users/{user_id}/email/cancel",
}
DYNAMODB_WRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
}

DESIGN_DEFAULTS = {
    "CodeTtlSeconds": 3600,
    "CodeLength": 8,
    "CodeMaxAttempts": 5,
    "ResendCooldownSeconds": 60,
    "MaxCodesPerHour": 5,
    "MaxCodesPerDay": 10,
    "MaxCodesPerAddressPerDay": 20,
    "LockoutThreshold": 10,
    "SessionIdleSeconds": 1800,
    "SessionMaxSeconds": 43200,
    "MxLookupMillis": 1000,
}


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
    assert set(ALL_FUNCTIONS) <= set(functions)
    for name, function in functions.items():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.13"
        assert properties["Architectures"] == ["arm64"]
        assert properties["TracingConfig"] == {"Mode": "Active"}
        # The deploy-time helper is inline code of the standard library alone.
        assert len(properties.get("Layers", [])) == (0 if name == "MailDeliveryCapFunction" else 1), name


def role_of(cfn, function: str) -> str:
    return cfn["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]


def attribute_allow_list(statement) -> set[str]:
    return set(statement["Condition"]["ForAllValues:StringEquals"]["dynamodb:Attributes"])


def account_update_statements(cfn, function: str):
    return [
        s
        for s in role_statements(cfn, function)
        if targets_table(s, "AccountsTable") and "dynamodb:UpdateItem" in actions(s)
    ]


def integrated_function(operation) -> str:
    """The function a route's integration calls (through its `live` alias: AutoPublishAlias)."""
    uri = operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
    target = uri.rsplit("/functions/${", 1)[1].split("}", 1)[0]
    return target.removesuffix(".Arn").removesuffix("Aliaslive")


def resource_policy(cfn) -> list[dict[str, Any]]:
    return cfn["Resources"]["MigrisApi"]["Properties"]["Body"]["x-amazon-apigateway-policy"]["Statement"]


def test_each_function_has_its_own_role(cfn):
    roles = [role_of(cfn, f) for f in ALL_FUNCTIONS]
    assert len(set(roles)) == len(roles)


# --- IAM rule 1: AWS_IAM on every staff method, and only there; API Gateway invokes with its own permission ---


def test_every_staff_method_demands_aws_iam_and_no_other_does(cfn):
    for path, item in api_paths(cfn).items():
        for method, operation in item.items():
            iam = operation.get("security") == [{"AWS_IAM": []}]
            assert iam == (path in STAFF_PATHS), f"{method.upper()} {path}"
    assert set(api_paths(cfn)) >= STAFF_PATHS


def test_staff_methods_do_not_invoke_the_function_with_the_callers_credentials(cfn):
    # SAM's default for AWS_IAM is CALLER_CREDENTIALS, which would need lambda:InvokeFunction on every caller.
    for path in STAFF_PATHS:
        for operation in api_paths(cfn)[path].values():
            assert "credentials" not in operation["x-amazon-apigateway-integration"]


# --- IAM rule 2: the resource policy lets only the template's staff role invoke /staff/* ---


def test_the_resource_policy_denies_staff_routes_to_every_principal_but_the_staff_role(cfn):
    statements = resource_policy(cfn)
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Principal"] == "*"
    assert deny["Action"] == "execute-api:Invoke"
    assert deny["Resource"] == "execute-api:/*/*/staff/*"
    (condition,) = deny["Condition"].items()
    assert condition[0] == "ArnNotEquals"
    assert condition[1]["aws:PrincipalArn"] == {"Fn::GetAtt": ["StaffRole", "Arn"]}


def test_the_resource_policy_lets_everyone_reach_the_public_and_session_routes(cfn):
    allows = [s for s in resource_policy(cfn) if s["Effect"] == "Allow"]
    assert [(s["Principal"], s["Resource"]) for s in allows] == [("*", "execute-api:/*")]


# --- IAM rule 3: the staff role may only invoke /staff/*, and a managed policy (an Output) lets staff assume it ---


def test_the_staff_role_may_invoke_only_the_staff_routes_of_this_api(cfn):
    role = cfn["Resources"]["StaffRole"]["Properties"]
    assert "Policies" not in role and "ManagedPolicyArns" not in role
    attached = [
        resource["Properties"]
        for resource in cfn["Resources"].values()
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": "StaffRole"} in resource["Properties"]["Roles"]
    ]
    assert [policy["Roles"] for policy in attached] == [[{"Ref": "StaffRole"}]]
    statements = [st for policy in attached for st in policy["PolicyDocument"]["Statement"]]
    assert [actions(st) for st in statements] == [["execute-api:Invoke"]]
    (resource,) = resources(statements[0])
    assert "${MigrisApi}/*/*/staff/*" in resource["Fn::Sub"]
    trusted = role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"]["Fn::Sub"]
    assert trusted.endswith(":iam::${AWS::AccountId}:root")


def test_no_iam_resource_has_a_fixed_name(cfn):
    """A fixed name needs CAPABILITY_NAMED_IAM (`sam deploy --guided` sends CAPABILITY_IAM) and is global to the
    account: a second stack of the same name in another region would collide."""
    for kind, name_property in [("AWS::IAM::Role", "RoleName"), ("AWS::IAM::ManagedPolicy", "ManagedPolicyName")]:
        for logical_id, resource in resources_of(cfn, kind).items():
            assert name_property not in resource["Properties"], logical_id


def test_the_staff_access_policy_grants_only_assuming_the_staff_role_and_is_an_output(cfn, sam_template):
    policy = cfn["Resources"]["StaffAccessPolicy"]
    assert policy["Type"] == "AWS::IAM::ManagedPolicy"
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert set(actions(statement)) <= {"sts:AssumeRole", "sts:SetSourceIdentity"}
    assert resources(statement) == [{"Fn::GetAtt": ["StaffRole", "Arn"]}]
    outputs = sam_template["Outputs"]
    assert outputs["StaffAccessPolicyArn"]["Value"] == {"Ref": "StaffAccessPolicy"}
    assert outputs["StaffRoleArn"]["Value"] == {"Fn::GetAtt": ["StaffRole", "Arn"]}


# --- IAM rule 4: the staff routes run in their own function, with its own role ---


def test_staff_routes_run_only_in_the_staff_function_and_it_serves_nothing_else(cfn):
    for path, item in api_paths(cfn).items():
        for operation in item.values():
            assert (integrated_function(operation) == "StaffFunction") == (path in STAFF_PATHS), path


# --- IAM rule 5: names are written by the staff role, and once by the first fill; no PATCH role writes them ---


def test_only_the_staff_first_fill_and_viisp_account_creation_roles_may_write_names(cfn):
    writers = {
        f for f in WRITERS for s in account_update_statements(cfn, f) if NAME_ATTRIBUTES & attribute_allow_list(s)
    }
    # The first fill writes the names a person gives once; the VIISP callback the names VIISP gives when it
    # creates the account or links an identity to an e-mail account; staff change them afterwards.
    assert writers == {"StaffFunction", "FirstFillFunction", "ViispCallbackFunction"}


def test_only_staff_and_a_viisp_link_change_the_level_after_an_account_is_made(cfn):
    writers = {f for f in WRITERS for s in account_update_statements(cfn, f) if "level" in attribute_allow_list(s)}
    # VerifyCode (level 1) and the VIISP callback (level 3) set it when they create an account
    # (attribute_not_exists in code); later, staff change it, and the VIISP callback raises an e-mail account to
    # 3 when the person links the identity VIISP vouched for (docs/limits-and-iam.md, "IAM: who may write what").
    assert writers == {"StaffFunction", "VerifyCodeFunction", "ViispCallbackFunction"}


def test_only_the_profile_role_writes_the_language_of_mails(cfn):
    writers = {f for f in WRITERS for s in account_update_statements(cfn, f) if "language" in attribute_allow_list(s)}
    # PATCH /profile is the one place the person chooses it (issue 10); nothing else keeps a language.
    assert writers == {"SaveProfileFunction"}


def test_the_staff_role_writes_only_names_level_session_epoch_linked_identity_and_recovery_on_accounts(cfn):
    accounts, reservation = account_update_statements(cfn, "StaffFunction")
    # The session epoch: a revoke ends every session of the person by moving it (migris.domain.sessions). The
    # identity's attributes: an unlink removes them. A recovery's start (and a staff cancel): the recovery, its
    # place in the recoveries_due index, and the pending e-mail change it drops; never the address itself.
    allowed = {"pk", "given_name", "family_name", "level", "session_epoch", "updated_at", "version"}
    allowed |= {"personal_code", "eidas_id", "identity_country"}
    allowed |= {"recovery", "recovery_queue", "recovery_due_at", "pending_email", "pending_email_id"}
    # The account's audit key: made with its first sealed event (a name change, a recovery), in that event's write.
    allowed |= {"audit_key"}
    assert attribute_allow_list(accounts) == allowed
    assert "email" not in allowed
    assert accounts["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["user#*"]
    # The new address's uniqueness item is reserved naming the recovery, never an account: it cannot write user_id.
    assert attribute_allow_list(reservation) == {"pk", "reserved_by", "recovery_id", "created_at"}
    assert reservation["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["email#*"]


def test_the_recovery_function_moves_addresses_but_writes_no_name_or_level(cfn):
    (statement,) = account_update_statements(cfn, "CompleteRecoveriesFunction")
    allowed = attribute_allow_list(statement)
    assert {"email", "session_epoch", "recovery", "recovered_at", "user_id", "reserved_by"} <= allowed
    assert not allowed & {"given_name", "family_name", "level", "personal_code", "eidas_id", "phone_number"}
    events = cfn["Resources"]["CompleteRecoveriesFunction"]["Properties"]
    del events  # the translated template keeps the schedule as its own rule
    rules = resources_of(cfn, "AWS::Events::Rule")
    (rule,) = [r for r in rules.values() if "CompleteRecoveriesFunction" in repr(r["Properties"]["Targets"])]
    assert rule["Properties"]["ScheduleExpression"] == "rate(1 minute)"


def test_only_roles_that_write_sealed_audit_events_set_the_audit_key(cfn):
    writers = {
        f for f in ALL_FUNCTIONS for s in account_update_statements(cfn, f) if "audit_key" in attribute_allow_list(s)
    }
    # Staff name changes and a VIISP link's names are sealed under it; the erasure removes it (its own grant).
    assert writers == {"StaffFunction", "ViispCallbackFunction", "EraseAccountFunction"}


# --- IAM rule 6: person-facing roles update accounts only through an attribute allow-list, never PutItem ---


@pytest.mark.parametrize("function", ALL_FUNCTIONS)
def test_no_role_puts_items_into_accounts(cfn, function):
    for statement in role_statements(cfn, function):
        if targets_table(statement, "AccountsTable"):
            assert not {"dynamodb:PutItem", "dynamodb:BatchWriteItem"} & set(actions(statement)), statement


@pytest.mark.parametrize("function", ALL_FUNCTIONS)
def test_every_account_update_is_limited_to_an_attribute_allow_list(cfn, function):
    for statement in account_update_statements(cfn, function):
        assert actions(statement) == ["dynamodb:UpdateItem"], "the allow-list condition must not cover other actions"
        assert "pk" in attribute_allow_list(statement)
        assert statement["Condition"]["StringEqualsIfExists"]["dynamodb:ReturnValues"] == ["NONE"]


def test_only_the_profile_and_staff_roles_delete_from_accounts_and_only_uniqueness_items(cfn):
    deleters = {}
    for function in ALL_FUNCTIONS:
        for statement in role_statements(cfn, function):
            if targets_table(statement, "AccountsTable") and "dynamodb:DeleteItem" in actions(statement):
                deleters[function] = statement
    assert set(deleters) == {
        "SaveProfileFunction",
        "StaffFunction",
        "CompleteRecoveriesFunction",
        "EraseAccountFunction",
    }
    for function, kinds in (
        ("SaveProfileFunction", ["email#*"]),
        ("StaffFunction", ["personal_code#*", "eidas#*"]),
        ("CompleteRecoveriesFunction", ["email#*"]),
        ("EraseAccountFunction", ["email#*", "personal_code#*", "eidas#*"]),
    ):
        # An e-mail change releases the old address; a staff unlink the identity it takes off an account; a
        # recovery's cancel or lapse frees the address it reserved, and its completion releases the old one; an
        # erasure both. No role deletes an account item (`user#`): an erased one stays as its tombstone.
        statement = deleters[function]
        assert actions(statement) == ["dynamodb:DeleteItem"]
        assert statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == kinds


# --- IAM rule 7: the audit table is append-only and only the staff role touches it ---


def test_no_role_may_update_or_delete_audit_events(cfn):
    for role, statement in all_statements(cfn):
        if targets_table(statement, "AuditTable"):
            assert not {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} & set(
                actions(statement)
            ), role


def test_only_the_staff_role_reads_the_audit_table_and_only_it_and_the_event_makers_append(cfn):
    touching = {role for role, statement in all_statements(cfn) if targets_table(statement, "AuditTable")}
    # Besides staff: a VIISP link's event; a recovery cancelled by the old address's link (SaveProfile), or
    # lapsed unconfirmed (the recovery function). Each appends only.
    appenders = ("ViispCallbackFunction", "SaveProfileFunction", "CompleteRecoveriesFunction")
    assert touching == {role_of(cfn, f) for f in ("StaffFunction", *appenders)}
    # The person's export reads their own account's events (Query), and nothing else.
    exported = {
        a for s in role_statements(cfn, "SaveProfileFunction") if targets_table(s, "AuditTable") for a in actions(s)
    }
    assert exported == {"dynamodb:Query", "dynamodb:PutItem"}  # PutItem: the recovery's cancel link's event
    granted = {a for s in role_statements(cfn, "StaffFunction") if targets_table(s, "AuditTable") for a in actions(s)}
    assert granted == {"dynamodb:PutItem", "dynamodb:Query"}
    # A link's event (actor self:viisp) lands with the link; the callback can neither read nor rewrite events.
    for function in appenders:
        linked = {a for s in role_statements(cfn, function) if targets_table(s, "AuditTable") for a in actions(s)}
        assert linked - {"dynamodb:Query"} == {"dynamodb:PutItem"}, function  # Query: the export, checked above


def test_the_audit_table_keeps_its_events(cfn):
    table = cfn["Resources"]["AuditTable"]
    assert table["DeletionPolicy"] == "RetainExceptOnCreate"
    assert "TimeToLiveSpecification" not in table["Properties"]
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    keys = {k["AttributeName"]: k["KeyType"] for k in table["Properties"]["KeySchema"]}
    assert keys == {"subject": "HASH", "sk": "RANGE"}


# --- the person's activity: appended by the functions that do what it tells of, read by the person's own ---


def test_the_activity_is_appended_never_rewritten_and_read_only_by_the_persons_function(cfn):
    readers, deleters = set(), set()
    for role, statement in all_statements(cfn):
        if targets_table(statement, "ActivityTable"):
            granted = set(actions(statement))
            assert not {"dynamodb:UpdateItem", "dynamodb:BatchWriteItem"} & granted, role
            if "dynamodb:Query" in granted:
                readers.add(role)
            if "dynamodb:DeleteItem" in granted:
                deleters.add(role)
    # The person reads their own lines; the erasure lists them to delete them, and only it deletes.
    assert readers == {role_of(cfn, "SaveProfileFunction"), role_of(cfn, "EraseAccountFunction")}
    assert deleters == {role_of(cfn, "EraseAccountFunction")}


def test_the_activity_is_deleted_by_its_ttl_after_its_time(cfn):
    table = cfn["Resources"]["ActivityTable"]
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    keys = {k["AttributeName"]: k["KeyType"] for k in table["Properties"]["KeySchema"]}
    assert keys == {"user_id": "HASH", "sk": "RANGE"}
    assert table["DeletionPolicy"] == "RetainExceptOnCreate"


# Each function's DynamoDB actions, table by table, exactly as its code calls them (a TransactWriteItems item is
# authorised as the action it names: Put, Update, Delete). No Scan anywhere; BatchGetItem only where one read
# takes several items (a code box with its counters, and at verify the address's uniqueness item with them). A
# code send reads nothing: one UpdateItem (migris.dal.codes).
DYNAMODB_ACTIONS = {
    "StartLoginFunction": {
        "CodesTable": {"UpdateItem"},
        "SessionsTable": {"GetItem"},  # a known device (device#* only)
    },
    "VerifyCodeFunction": {
        "CodesTable": {"BatchGetItem", "UpdateItem", "DeleteItem"},
        "AccountsTable": {"BatchGetItem", "GetItem", "UpdateItem", "ConditionCheckItem"},
        # Sessions are put; known devices (device#*) read, kept, set and the least recently used ended.
        "SessionsTable": {"PutItem", "GetItem", "UpdateItem", "DeleteItem", "BatchGetItem", "Query"},
        "ActivityTable": {"PutItem"},
    },
    "ViispCallbackFunction": {
        "AccountsTable": {"GetItem", "UpdateItem", "ConditionCheckItem"},
        # A link starts only for a live session (its idle clock restarted, an ended one deleted).
        "SessionsTable": {"PutItem", "DeleteItem", "GetItem", "UpdateItem", "BatchGetItem", "Query"},
        "ViispTicketsTable": {"PutItem", "UpdateItem"},  # put at the start, used at the callback
        "AuditTable": {"PutItem"},
        "ActivityTable": {"PutItem"},
    },
    "SaveProfileFunction": {
        "CodesTable": {"BatchGetItem", "UpdateItem", "DeleteItem"},
        "AccountsTable": {"GetItem", "UpdateItem", "DeleteItem"},
        "SessionsTable": {"UpdateItem", "DeleteItem", "Query", "BatchGetItem", "GetItem"},
        "PasskeysTable": {"Query", "DeleteItem", "UpdateItem"},  # "not me" removes the passkeys added since
        "ActivityTable": {"PutItem", "Query"},  # GET /activity, the person's own partition
        "AuditTable": {"PutItem", "Query"},  # a recovery cancelled by the old address's link; the person's export
    },
    "FirstFillFunction": {
        "CodesTable": {"UpdateItem"},
        "AccountsTable": {"GetItem", "UpdateItem"},
        "SessionsTable": {"UpdateItem", "DeleteItem"},
        "ActivityTable": {"PutItem"},
    },
    "StaffFunction": {
        "AccountsTable": {"GetItem", "UpdateItem", "DeleteItem"},
        "SessionsTable": {"Query", "BatchGetItem", "DeleteItem", "PutItem"},  # PutItem: recovery#* token pointers
        "AuditTable": {"PutItem", "Query"},
        "PasskeysTable": {"Query", "DeleteItem", "UpdateItem"},
        "ActivityTable": {"PutItem"},
    },
    "EraseAccountFunction": {
        "AccountsTable": {"GetItem", "UpdateItem", "DeleteItem"},
        "SessionsTable": {"UpdateItem", "DeleteItem", "Query"},
        "PasskeysTable": {"Query", "DeleteItem"},
        "ActivityTable": {"Query", "DeleteItem"},
    },
    "PasskeysFunction": {
        "PasskeysTable": {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"},
        "SessionsTable": {"PutItem", "GetItem", "UpdateItem", "DeleteItem", "BatchGetItem", "Query"},
        "AccountsTable": {"GetItem", "ConditionCheckItem"},
        "ActivityTable": {"PutItem"},
    },
    "SendMailFunction": {
        "CodesTable": {"GetItem", "UpdateItem"},
        "MailLedgerTable": {"UpdateItem", "DeleteItem"},
    },
    "CompleteRecoveriesFunction": {
        "AccountsTable": {"Query", "GetItem", "UpdateItem", "DeleteItem"},
        "AuditTable": {"PutItem"},
        "PasskeysTable": {"Query", "DeleteItem", "UpdateItem"},
        "SessionsTable": {"Query", "BatchGetItem", "DeleteItem"},
        "ActivityTable": {"PutItem"},
    },
}


def test_each_function_holds_exactly_the_dynamodb_actions_its_code_calls(cfn):
    for function in ALL_FUNCTIONS:
        granted = {
            table: {
                action.removeprefix("dynamodb:")
                for statement in role_statements(cfn, function)
                if targets_table(statement, table)
                for action in actions(statement)
                if action.startswith("dynamodb:")
            }
            for table in [*TABLES, "AuditTable", "ActivityTable", "MailLedgerTable"]
        }
        assert {table: found for table, found in granted.items() if found} == DYNAMODB_ACTIONS[function], function
        assert all("dynamodb:Scan" not in actions(statement) for statement in role_statements(cfn, function))


def test_the_staff_function_only_reads_sessions_and_has_no_code_access(cfn):
    """A revoke counts the person's live sessions (the by_user index, then their items) and ends them by the
    account's session epoch: the staff role never writes a session, nor touches codes. It deletes the known
    devices the epoch ended (device#* only). It reads one secret, the code pepper: the audit is keyed by the keyed
    hash of the user id, and a recovery's link tokens by the pepper too; a recovery's start puts those tokens'
    pointers (recovery#* only) and queues its two mails (priority lane)."""
    session_reads = []
    for statement in role_statements(cfn, "StaffFunction"):
        assert not targets_table(statement, "CodesTable")
        assert not any(a.startswith("ses:") for a in actions(statement))
        if any(a.startswith("secretsmanager:") for a in actions(statement)):
            assert (actions(statement), resources(statement)) == (
                ["secretsmanager:GetSecretValue"],
                [{"Ref": "CodePepperSecret"}],
            )
        if targets_table(statement, "SessionsTable") and actions(statement) == ["dynamodb:DeleteItem"]:
            assert statement["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["device#*"]}}
        elif targets_table(statement, "SessionsTable") and actions(statement) == ["dynamodb:PutItem"]:
            assert statement["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["recovery#*"]}}
        elif targets_table(statement, "SessionsTable"):
            session_reads += [(action, resource) for action in actions(statement) for resource in resources(statement)]
    assert sorted(session_reads, key=repr) == sorted(
        [
            ("dynamodb:Query", {"Fn::Sub": "${SessionsTable.Arn}/index/by_user"}),
            ("dynamodb:BatchGetItem", {"Fn::GetAtt": ["SessionsTable", "Arn"]}),
        ],
        key=repr,
    )


def test_start_login_cannot_reach_any_account_and_reads_only_a_device(cfn):
    # An e-mail sign-in's start reads no account (its answer is the same for a new and a known address): its role
    # cannot, since the VIISP start and link moved out of it (issue 24).
    for statement in role_statements(cfn, "StartLoginFunction"):
        assert not targets_table(statement, "AccountsTable")
        if targets_table(statement, "SessionsTable"):
            # The known device a cookie names: never a session, never more than a read.
            assert actions(statement) == ["dynamodb:GetItem"]
            assert statement["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["device#*"]}}


def test_viisp_tickets_are_stored_and_used_by_the_viisp_function_only(cfn):
    grants = {
        f: {a for s in role_statements(cfn, f) if targets_table(s, "ViispTicketsTable") for a in actions(s)}
        for f in ALL_FUNCTIONS
    }
    # Put at the start; checked and used at the callback in one conditional write.
    assert grants["ViispCallbackFunction"] == {"dynamodb:PutItem", "dynamodb:UpdateItem"}
    assert all(not actions for f, actions in grants.items() if f != "ViispCallbackFunction")


def test_viisp_settings_are_one_secret_made_from_the_parameters_and_read_only_by_the_viisp_functions(cfn):
    readers = {
        f for f in ALL_FUNCTIONS for s in role_statements(cfn, f) if {"Ref": "ViispSettingsSecret"} in resources(s)
    }
    assert readers == {"ViispCallbackFunction"}
    text = cfn["Resources"]["ViispSettingsSecret"]["Properties"]["SecretString"]["Fn::Sub"]
    for parameter in ("ViispPid", "ViispSoapEndpoint", "ViispPortalUrl", "ViispSignatureAlgorithm"):
        assert "${" + parameter + "}" in text
    assert not resources_of(cfn, "AWS::SSM::Parameter")
    assert not [
        f for f in ALL_FUNCTIONS for s in role_statements(cfn, f) if any(a.startswith("ssm:") for a in actions(s))
    ]


def test_the_viisp_callback_writes_identity_names_level_and_session_epoch_but_no_contact_data(cfn):
    (statement,) = account_update_statements(cfn, "ViispCallbackFunction")
    allowed = attribute_allow_list(statement)
    # A link ends the account's other sessions (the epoch moves) as it raises the level.
    assert {"personal_code", "eidas_id", "identity_country", "given_name", "family_name", "level"} <= allowed
    assert "session_epoch" in allowed
    assert not allowed & {"phone_number", "language", "pending_email", "pending_email_id", "email_change_notice"}


def test_the_viisp_callback_creates_accounts_without_put_and_cannot_touch_codes(cfn):
    for statement in role_statements(cfn, "ViispCallbackFunction"):
        assert not targets_table(statement, "CodesTable")
        if targets_table(statement, "AccountsTable"):
            assert "dynamodb:PutItem" not in actions(statement)


def test_pepper_is_readable_only_by_the_functions_that_hash_codes(cfn):
    readers = {
        f
        for f in ALL_FUNCTIONS
        for s in role_statements(cfn, f)
        if "secretsmanager:GetSecretValue" in actions(s) and {"Ref": "CodePepperSecret"} in resources(s)
    }
    # Everyone who makes or checks a code (sign-in codes and e-mail change codes), and the VIISP callback, which
    # keeps a known device as the pepper's keyed hash; staff, whose audit is keyed by the keyed hash of the user id
    # (the VIISP callback appends a link's event under the same) and who key a recovery's link tokens with it; the
    # recovery function, whose lapse appends an audit event.
    assert readers == {
        "StaffFunction",
        "CompleteRecoveriesFunction",
        "StartLoginFunction",
        "VerifyCodeFunction",
        "SaveProfileFunction",
        "FirstFillFunction",
        "ViispCallbackFunction",
        "PasskeysFunction",
    }
    for f in ALL_FUNCTIONS:
        for s in role_statements(cfn, f):
            if "secretsmanager:GetSecretValue" in actions(s):
                # One secret a statement: the pepper, VIISP's settings or key, or the CDN's origin proof.
                assert resources(s) in (
                    [{"Ref": "CodePepperSecret"}],
                    [{"Ref": "ViispSettingsSecret"}],
                    [{"Ref": "ViispServiceKeySecret"}],
                    [{"Ref": "OriginVerifySecret"}],
                )


def test_the_cdn_origin_proof_is_read_only_by_the_functions_that_count_per_network_address(cfn):
    readers = {
        f for f in ALL_FUNCTIONS for s in role_statements(cfn, f) if {"Ref": "OriginVerifySecret"} in resources(s)
    }
    # They take the client's address from True-Client-IP only with the proof (migris.http.body.source_ip).
    # A sign-in (e-mail, passkey, VIISP) records its network in the activity.
    assert readers == {
        "StartLoginFunction",
        "VerifyCodeFunction",
        "PasskeysFunction",
        "ViispCallbackFunction",
        "SaveProfileFunction",
        "FirstFillFunction",
    }


def test_the_viisp_service_key_is_read_only_by_the_viisp_function(cfn):
    readers = {
        f for f in ALL_FUNCTIONS for s in role_statements(cfn, f) if {"Ref": "ViispServiceKeySecret"} in resources(s)
    }
    assert readers == {"ViispCallbackFunction"}


def test_mail_is_queued_by_the_functions_that_cause_it_and_sent_only_by_the_mail_function(cfn):
    senders = {f for f in ALL_FUNCTIONS if any("ses:SendEmail" in actions(s) for s in role_statements(cfn, f))}
    assert senders == {"SendMailFunction"}
    queuers = {
        f: sorted(
            str(resource["Fn::Sub"]).rsplit("-", 1)[-1]
            for s in role_statements(cfn, f)
            if "sqs:SendMessage" in actions(s)
            for resource in resources(s)
            if not str(resource["Fn::Sub"]).endswith("-erasure")  # the erasure's retry, not mail
        )
        for f in ALL_FUNCTIONS
    }
    # Codes go on the bulk lane (a known device's on the priority lane), notices on the priority lane; dead mail
    # only from the mail function.
    assert {f: lanes for f, lanes in queuers.items() if lanes} == {
        "StartLoginFunction": ["bulk", "priority"],
        "FirstFillFunction": ["bulk", "priority"],
        "SaveProfileFunction": ["bulk", "priority"],
        "VerifyCodeFunction": ["priority"],
        "ViispCallbackFunction": ["priority"],
        "PasskeysFunction": ["priority"],
        "StaffFunction": ["priority"],  # a recovery's two mails
        "CompleteRecoveriesFunction": ["priority"],  # the new address told the recovery completed
        "EraseAccountFunction": ["priority"],
        "SendMailFunction": ["dead"],
    }


@pytest.mark.parametrize("table", TABLES)
def test_tables_expire_only_what_is_short_lived_bill_on_demand_and_recover(cfn, table):
    properties = cfn["Resources"][table]["Properties"]
    if table in EXPIRING_TABLES:
        assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    else:  # an account must never vanish because a stray attribute says so
        assert "TimeToLiveSpecification" not in properties
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
    (rule,) = [r for r in acl["Properties"]["Rules"] if "RateBasedStatement" in r["Statement"]]
    rate = rule["Statement"]["RateBasedStatement"]
    # Behind CloudFront the peer is a CloudFront server: count by the client address the distribution writes.
    assert rate["AggregateKeyType"] == "FORWARDED_IP"
    assert rate["ForwardedIPConfig"]["HeaderName"] == "True-Client-IP"
    scope = [inner["ByteMatchStatement"] for inner in rate["ScopeDownStatement"]["OrStatement"]["Statements"]]
    assert [match["SearchString"] for match in scope] == ["/login/", "/activity/", "/recovery/"]  # every public route
    assert "Block" in rule["Action"]
    association = cfn["Resources"]["LoginWebAclAssociation"]
    assert association["Condition"] == "WafEnabled"


def test_ses_configuration_set_reports_bounces_and_complaints(cfn):
    destination = cfn["Resources"]["SesBounceComplaintEvents"]["Properties"]["EventDestination"]
    assert set(destination["MatchingEventTypes"]) == {"bounce", "complaint"}
    options = cfn["Resources"]["SesConfigurationSet"]["Properties"]["SuppressionOptions"]
    assert set(options["SuppressedReasons"]) == {"BOUNCE", "COMPLAINT"}


def test_outputs_name_the_api_and_tables(sam_template):
    names = {"ApiUrl", "CodesTableName", "SessionsTableName", "AccountsTableName", "AuditTableName"}
    assert names <= set(sam_template["Outputs"])


# --- deployable on the first try (issue 12) ---

VIISP_PRODUCTION = {
    "ViispPid": "VSID000000000999",
    "ViispSoapEndpoint": "https://www.epaslaugos.lt/services/services/auth",
    "ViispPortalUrl": "https://www.epaslaugos.lt/portal/external/services/authentication/v2",
}
PRODUCTION_SITE = {
    "DomainName": "www.migracija.lt",
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    "AlarmEmail": "budintis@migracija.lt",
}


def _samconfig() -> dict:
    import tomllib
    from pathlib import Path

    return tomllib.loads((Path(__file__).resolve().parents[2] / "samconfig.toml").read_text(encoding="utf-8"))


def _overrides(environment: str) -> dict[str, str]:
    text = _samconfig()[environment]["deploy"]["parameters"]["parameter_overrides"]
    return dict(pair.split("=", 1) for pair in text.split())


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_each_environment_deploys_with_capability_iam_alone_into_eu_north_1(environment):
    config = _samconfig()[environment]
    assert config["deploy"]["parameters"]["capabilities"] == "CAPABILITY_IAM"
    assert config["global"]["parameters"]["region"] == "eu-north-1"
    assert _overrides(environment)["Environment"] == environment


def test_production_refuses_viisps_test_values_and_takes_real_ones(cfn):
    from tests.template.test_one_origin import deploys

    prod = _overrides("prod")
    assert not any(name.startswith("Viisp") for name in prod), "prod must not carry VIISP values of its own"
    assert not deploys(cfn, **prod, **PRODUCTION_SITE)  # the template's defaults are VIISP's test system
    for name in VIISP_PRODUCTION:
        assert not deploys(cfn, **prod, **PRODUCTION_SITE, **{n: v for n, v in VIISP_PRODUCTION.items() if n != name})
    assert deploys(cfn, **prod, **PRODUCTION_SITE, **VIISP_PRODUCTION)
    assert deploys(cfn, **_overrides("dev"))  # dev may use VIISP's test system, its own name and no alarm mail


@pytest.mark.parametrize("missing", ["DomainName", "AlarmEmail"])
def test_production_needs_its_own_domain_and_someone_the_alarms_reach(cfn, missing):
    from tests.template.test_one_origin import deploys

    given = {**_overrides("prod"), **PRODUCTION_SITE, **VIISP_PRODUCTION}
    given.pop(missing)
    if missing == "DomainName":
        given.pop("CertificateArn")  # (a certificate without its domain is refused by a rule of its own)
    assert not deploys(cfn, **given)


@pytest.mark.parametrize("function", ALL_FUNCTIONS)
def test_each_function_logs_into_its_own_group_with_a_retention(cfn, function):
    group = cfn["Resources"][function]["Properties"]["LoggingConfig"]["LogGroup"]
    (logical_id,) = group.values()
    log_group = cfn["Resources"][logical_id]
    assert log_group["Type"] == "AWS::Logs::LogGroup"
    assert log_group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    others = [f for f in ALL_FUNCTIONS if f != function]
    assert all(cfn["Resources"][f]["Properties"]["LoggingConfig"]["LogGroup"] != group for f in others)


@pytest.mark.parametrize("table", ["AccountsTable", "AuditTable"])
def test_the_tables_that_keep_people_and_their_history_cannot_be_deleted_by_accident(cfn, table):
    resource = cfn["Resources"][table]
    assert resource["Properties"]["DeletionProtectionEnabled"] is True
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("RetainExceptOnCreate", "Retain")


def test_a_first_create_that_fails_leaves_nothing_retained_to_clean_by_hand(cfn):
    """Issue 24: what a stack keeps when it is deleted (tables, log groups, the Elastic IP) is kept only once it
    was created: a failed first create rolls back whole (RetainExceptOnCreate), an update never loses it."""
    retained = {
        name: resource["DeletionPolicy"]
        for name, resource in cfn["Resources"].items()
        # SAM's own function versions (AutoPublishAlias) are retained so a rollback has one to go back to.
        if str(resource.get("DeletionPolicy", "")).startswith("Retain") and resource["Type"] != "AWS::Lambda::Version"
    }
    assert {"AccountsTable", "AuditTable", "PasskeysTable", "ViispOutboundAddressAllocation"} <= set(retained)
    assert set(retained.values()) == {"RetainExceptOnCreate"}, retained


def test_every_function_rolls_back_on_its_own_when_a_release_raises_errors(cfn):
    """Issue 24: each function answers through its `live` alias; CodeDeploy moves 10 % of calls to a new version
    for 5 minutes and rolls back when a release alarm (any function error, any 5xx, in a minute) fires."""
    for function in ALL_FUNCTIONS:
        alias = cfn["Resources"][f"{function}Aliaslive"]
        assert alias["Type"] == "AWS::Lambda::Alias"
        group = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]["DeploymentGroupName"]["Ref"]
        config = cfn["Resources"][group]["Properties"]
        assert config["DeploymentConfigName"]["Fn::Sub"][1] == {"ConfigName": "Canary10Percent5Minutes"}
        alarms = [alarm["Name"]["Ref"] for alarm in config["AlarmConfiguration"]["Alarms"]]
        assert alarms == ["ReleaseFunctionErrorsAlarm", "ReleaseApiServerErrorsAlarm"]
        assert config["AutoRollbackConfiguration"]["Enabled"] is True
        assert "DEPLOYMENT_STOP_ON_ALARM" in config["AutoRollbackConfiguration"]["Events"]


def test_waf_logs_only_what_it_blocked_and_never_a_token(cfn):
    """Issue 24: WAF's log of blocked requests, with every header that carries a session, a device, a passkey
    challenge or the distribution's proof redacted (cookies and Authorization), and the query string."""
    logging = cfn["Resources"]["WafLogging"]
    assert logging["Condition"] == "WafEnabled"
    properties = logging["Properties"]
    assert properties["ResourceArn"] == {"Fn::GetAtt": ["LoginWebAcl", "Arn"]}
    redacted = [field.get("SingleHeader", {}).get("Name", next(iter(field))) for field in properties["RedactedFields"]]
    assert set(redacted) == {"cookie", "authorization", "x-origin-verify", "QueryString"}
    assert properties["LoggingFilter"]["DefaultBehavior"] == "DROP"
    (keep,) = properties["LoggingFilter"]["Filters"]
    assert keep["Behavior"] == "KEEP" and keep["Conditions"] == [{"ActionCondition": {"Action": "BLOCK"}}]
    group = cfn["Resources"]["WafBlockedLogs"]["Properties"]
    assert group["LogGroupName"] == {"Fn::Sub": "aws-waf-logs-${AWS::StackName}"}
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}


# --- alarms: one topic, the signals issue 12 names ---

ALARMED = {
    "ApiServerErrorsAlarm": ("AWS/ApiGateway", "5XXError"),
    "SesBounceRateAlarm": ("AWS/SES", "Reputation.BounceRate"),
    "SesComplaintRateAlarm": ("AWS/SES", "Reputation.ComplaintRate"),
    "MailSendFailedAlarm": ("MIGRIS/SignIn", "MailSendFailed"),
    "ViispUnavailableAlarm": ("MIGRIS/SignIn", "ViispUnavailable"),
}
# What people hit first (issue 24): surges counted over 2 of 3 periods, quotas at 80 % of the account's.
SURGES = {
    "ApiClientErrorsSurgeAlarm": ("AWS/ApiGateway", "4XXError"),
    "CodesRateLimitedSurgeAlarm": ("MIGRIS/SignIn", "CodeRateLimited"),
    "EdgeBlockedSurgeAlarm": ("AWS/WAFV2", "BlockedRequests"),
}
QUOTAS = {
    "LambdaConcurrencyAlarm": ("AWS/Lambda", "ConcurrentExecutions", "LambdaConcurrencyQuota"),
    "SesDailyQuotaAlarm": ("AWS/SES", "Send", "SesDailyQuota"),
}
EVERY_FUNCTION = {
    "FunctionErrorsAlarm": "Errors",
    "ReleaseFunctionErrorsAlarm": "Errors",
    "FunctionThrottlesAlarm": "Throttles",
    "FunctionDurationAlarm": "Duration",
}


def _alarms(cfn):
    return resources_of(cfn, "AWS::CloudWatch::Alarm")


def test_every_alarm_goes_to_the_one_topic_and_back_when_it_clears(cfn):
    alarms = _alarms(cfn)
    assert set(ALARMED) | set(EVERY_FUNCTION) | {"TableReadThrottlesAlarm", "TableWriteThrottlesAlarm"} <= set(alarms)
    for name, alarm in alarms.items():
        if name in RELEASE_ALARMS:  # CodeDeploy reads them; they page nobody
            assert "AlarmActions" not in alarm["Properties"] and "OKActions" not in alarm["Properties"], name
            continue
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["Properties"]["OKActions"] == [{"Ref": "AlarmTopic"}], name
    subscription = cfn["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


@pytest.mark.parametrize(("alarm", "metric"), ALARMED.items())
def test_each_signal_has_its_alarm(cfn, alarm, metric):
    properties = _alarms(cfn)[alarm]["Properties"]
    assert (properties["Namespace"], properties["MetricName"]) == metric


@pytest.mark.parametrize(("alarm", "metric"), SURGES.items())
def test_a_surge_of_what_people_hit_first_pages_only_when_it_lasts(cfn, alarm, metric):
    properties = _alarms(cfn)[alarm]["Properties"]
    assert (properties["Namespace"], properties["MetricName"]) == metric
    assert (properties["DatapointsToAlarm"], properties["EvaluationPeriods"]) == (2, 3)
    assert properties["Period"] == 300


@pytest.mark.parametrize(("alarm", "metric"), QUOTAS.items())
def test_a_quota_alarm_fires_at_80_percent_of_the_accounts_quota(cfn, alarm, metric):
    namespace, name, parameter = metric
    properties = _alarms(cfn)[alarm]["Properties"]
    (share,) = [entry for entry in properties["Metrics"] if entry.get("ReturnData")]
    (read,) = [entry for entry in properties["Metrics"] if "MetricStat" in entry]
    assert (read["MetricStat"]["Metric"]["Namespace"], read["MetricStat"]["Metric"]["MetricName"]) == (namespace, name)
    assert share["Expression"]["Fn::Sub"] == f"100 * {read['Id']} / ${{{parameter}}}"
    assert properties["Threshold"] == 80


# The rollback triggers of a release: within the canary's 5 minutes any one error counts (one-minute periods).
RELEASE_ALARMS = {
    "ReleaseFunctionErrorsAlarm": "FunctionErrorsAlarm",
    "ReleaseApiServerErrorsAlarm": "ApiServerErrorsAlarm",
}
# Alarms that page on one period, each watching a level that lasts rather than counting events, so M of N would
# only delay the page (docs/alarms.md says the same per alarm).
ONE_PERIOD = {
    "DeadMailAlarm": "a dead letter stays until someone purges it; each is a mail that failed for its code's hour",
    "ErasureDeadAlarm": "a dead erasure stays until redriven; each is an account whose items remain",
    "BulkMailWaitAlarm": "the age of the oldest mail: already five minutes of people waiting at the screen",
    "PriorityMailWaitAlarm": "the age of the oldest mail: already five minutes of people waiting at the screen",
    "SesBounceRateAlarm": "SES's reputation rate, smoothed by SES over its own window, read hourly",
    "SesComplaintRateAlarm": "SES's reputation rate, smoothed by SES over its own window, read hourly",
    "SesDailyQuotaAlarm": "a 24-hour total, which a blip cannot move",
}


def _m_of_n(properties) -> tuple[int, int]:
    return properties.get("DatapointsToAlarm", properties["EvaluationPeriods"]), properties["EvaluationPeriods"]


def _periods(properties) -> set[int]:
    if "Period" in properties:
        return {properties["Period"]}
    return {entry["MetricStat"]["Period"] for entry in properties["Metrics"] if "MetricStat" in entry}


def test_every_count_alarm_pages_on_m_of_n_periods_so_one_event_wakes_nobody(cfn):
    """Issue 24: at a million sign-ins a day one failed request, throttle or refusal is noise; a count alarm pages
    only when it lasts (3 of 5 minutes, or a surge's 2 of 3 five-minute periods)."""
    alarms = _alarms(cfn)
    assert set(ONE_PERIOD) | set(RELEASE_ALARMS) <= set(alarms)
    for name, alarm in alarms.items():
        properties = alarm["Properties"]
        if name in RELEASE_ALARMS or name in ONE_PERIOD:
            assert _m_of_n(properties) == (1, 1), name
            continue
        m, n = _m_of_n(properties)
        assert 2 <= m < n, (name, m, n)
        assert _periods(properties) in ({60}, {300}), name


def test_a_release_rolls_back_on_one_error_within_its_canary_and_pages_nobody(cfn):
    alarms = _alarms(cfn)
    for release, paging in RELEASE_ALARMS.items():
        mine, theirs = alarms[release]["Properties"], alarms[paging]["Properties"]
        assert _periods(mine) == {60} and mine["Threshold"] == 1  # seen within the 5-minute canary
        # The same metrics as the paging alarm's, counted on one period.
        strip = ("AlarmDescription", "AlarmActions", "OKActions", "EvaluationPeriods", "DatapointsToAlarm")
        assert {k: v for k, v in mine.items() if k not in strip} == {k: v for k, v in theirs.items() if k not in strip}


def test_the_alarms_doc_says_for_every_alarm_when_it_fires():
    from pathlib import Path

    from devserver.template import load_template

    doc = (Path(__file__).resolve().parents[2] / "docs/alarms.md").read_text(encoding="utf-8")
    rows = {name for line in doc.splitlines() if line.startswith("| `") for name in re.findall(r"`(\w+Alarm)`", line)}
    alarms = {n for n, r in load_template()["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert alarms <= rows, alarms - rows


@pytest.mark.parametrize(
    ("alarm", "metric"),
    [("TableReadThrottlesAlarm", "ReadThrottleEvents"), ("TableWriteThrottlesAlarm", "WriteThrottleEvents")],
)
def test_table_throttle_alarms_watch_every_table_the_mail_ledger_too(cfn, alarm, metric):
    """A throttled mail ledger sends each claim back to its queue: a wave's codes wait with no other sign."""
    watched = {
        entry["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"]
        for entry in _alarms(cfn)[alarm]["Properties"]["Metrics"]
        if "MetricStat" in entry and entry["MetricStat"]["Metric"]["MetricName"] == metric
    }
    assert "MailLedgerTable" in watched
    assert watched == set(resources_of(cfn, "AWS::DynamoDB::Table"))


@pytest.mark.parametrize(("alarm", "metric"), EVERY_FUNCTION.items())
def test_function_alarms_watch_every_function(cfn, alarm, metric):
    watched = {
        entry["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"]
        for entry in _alarms(cfn)[alarm]["Properties"]["Metrics"]
        if "MetricStat" in entry and entry["MetricStat"]["Metric"]["MetricName"] == metric
    }
    assert watched == set(ALL_FUNCTIONS)


def test_the_metrics_the_alarms_and_the_dashboard_read_are_events_the_code_logs(cfn):
    """Every domain event is a metric of the same name (migris.observability.log_event); an alarm or a graph on a
    name the code never logs would stay silent for ever."""
    import json
    from pathlib import Path

    from migris.observability import metric_name

    root = Path(__file__).resolve().parents[2]
    code = "\n".join(path.read_text(encoding="utf-8") for path in (root / "layers/common/migris").rglob("*.py"))
    logged = {metric_name(event) for event in re.findall(r'log_event\(\s*f?"([a-z_{}]+)"', code) if "{" not in event}
    logged |= {metric_name(f"{kind}_sent") for kind in ("code", "notice")}  # mailer: log_event(f"{kind}_sent")
    read = {
        alarm["Properties"]["MetricName"]
        for alarm in _alarms(cfn).values()
        if alarm["Properties"].get("Namespace") == "MIGRIS/SignIn"
    }
    body = json.loads(cfn["Resources"]["SignInDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"])
    for widget in body["widgets"]:
        metrics = widget["properties"]["metrics"]
        assert metrics[0][0] == "MIGRIS/SignIn"
        read |= {row[1] for row in metrics}
    assert read and read <= logged, read - logged
    # Each stack's metrics apart from another's in the same account: the service dimension is the stack's name.
    globals_env = cfn["Resources"]["StartLoginFunction"]["Properties"]["Environment"]["Variables"]
    assert globals_env["POWERTOOLS_SERVICE_NAME"] == {"Ref": "AWS::StackName"}
    for alarm in _alarms(cfn).values():
        if alarm["Properties"].get("Namespace") == "MIGRIS/SignIn":
            assert alarm["Properties"]["Dimensions"] == [{"Name": "service", "Value": {"Ref": "AWS::StackName"}}]
    assert all(
        row[3] == "${AWS::StackName}" for widget in body["widgets"] for row in widget["properties"]["metrics"][:1]
    )


def test_every_checkov_check_the_template_skips_says_why(sam_template):
    """`make checkov` fails on any check that is neither met nor skipped; a skip must carry its reason."""
    skips = [
        (logical_id, skip)
        for logical_id, resource in sam_template["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips
    for logical_id, skip in skips:
        assert re.fullmatch(r"CKV_AWS_\d+", skip["id"]), (logical_id, skip)
        assert len(skip.get("comment", "")) >= 40, (logical_id, skip)


# --- VIISP's fixed address: off by default; on, only the VIISP function goes through one Elastic IP ---

VIISP_FUNCTIONS = ["ViispCallbackFunction"]  # its start, link and callback: the only code that calls VIISP


def test_only_the_viisp_functions_run_in_the_vpc_and_only_when_asked(cfn, sam_template):
    assert sam_template["Parameters"]["ViispFixedAddress"]["Default"] == "false"
    for function in ALL_FUNCTIONS:
        vpc = cfn["Resources"][function]["Properties"].get("VpcConfig")
        if function in VIISP_FUNCTIONS:
            condition, chosen, otherwise = vpc["Fn::If"]
            assert condition == "ViispThroughFixedAddress" and otherwise == {"Ref": "AWS::NoValue"}
            assert chosen["SubnetIds"] == [{"Ref": "ViispPrivateSubnetA"}, {"Ref": "ViispPrivateSubnetB"}]
        else:
            assert vpc is None, function
    network = {
        name: resource for name, resource in cfn["Resources"].items() if resource["Type"].startswith("AWS::EC2::")
    }
    conditions = {"ViispThroughFixedAddress", "AllocatesViispAddress"}
    assert network and all(resource.get("Condition") in conditions for resource in network.values())


def _vpc_config_with(cfn, function: str, **parameters: str) -> Any:
    """A function's VpcConfig as CloudFormation makes it with these parameters (None: not in a VPC)."""
    from tests.template.test_one_origin import condition

    vpc = cfn["Resources"][function]["Properties"].get("VpcConfig")
    if isinstance(vpc, dict) and "Fn::If" in vpc:
        name, chosen, otherwise = vpc["Fn::If"]
        vpc = chosen if condition(cfn, name, **parameters) else otherwise
    return None if vpc == {"Ref": "AWS::NoValue"} else vpc


def _routes(sam_template) -> dict[tuple[str, str], str]:
    return {
        (event["Properties"]["Method"].upper(), event["Properties"]["Path"]): name
        for name, resource in sam_template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
        for event in resource["Properties"].get("Events", {}).values()
        if event["Type"] == "Api"
    }


def test_with_a_fixed_address_e_mail_sign_in_stays_out_of_the_vpc(cfn, sam_template):
    """Issue 24: the VIISP VPC leaves through one NAT gateway in one zone. With ViispFixedAddress=true only the
    routes that call VIISP run behind it; e-mail sign-in (and every other route) never does."""
    routes = _routes(sam_template)
    email_start = routes[("POST", "/login/email")]
    assert _vpc_config_with(cfn, email_start, ViispFixedAddress="true") is None
    assert _vpc_config_with(cfn, routes[("POST", "/login/email/verify")], ViispFixedAddress="true") is None
    in_vpc = {route for route, f in routes.items() if _vpc_config_with(cfn, f, ViispFixedAddress="true")}
    assert in_vpc == {("GET", "/login/viisp"), ("POST", "/login/viisp/link"), ("POST", "/login/viisp/callback")}
    assert not {route for route, f in routes.items() if _vpc_config_with(cfn, f, ViispFixedAddress="false")}


def test_the_vpc_leaves_through_one_elastic_ip_which_is_an_output(cfn, sam_template):
    resources = cfn["Resources"]
    nat = resources["ViispNatGateway"]
    assert nat["DependsOn"] == "ViispInternetGatewayAttachment"
    assert nat["Properties"]["AllocationId"] == {
        "Fn::If": [
            "AllocatesViispAddress",
            {"Fn::GetAtt": ["ViispOutboundAddressAllocation", "AllocationId"]},
            {"Ref": "ViispAddressAllocationId"},
        ]
    }
    assert resources["ViispOutboundAddressAllocation"]["DeletionPolicy"] == "RetainExceptOnCreate"
    assert resources["ViispOutboundAddressAllocation"]["Condition"] == "AllocatesViispAddress"
    assert resources["ViispPrivateDefaultRoute"]["Properties"]["NatGatewayId"] == {"Ref": "ViispNatGateway"}
    routed = {
        r["Properties"]["SubnetId"]["Ref"]
        for r in resources.values()
        if r["Type"] == "AWS::EC2::SubnetRouteTableAssociation"
        and r["Properties"]["RouteTableId"] == {"Ref": "ViispPrivateRoutes"}
    }
    assert routed == {"ViispPrivateSubnetA", "ViispPrivateSubnetB"}
    output = sam_template["Outputs"]["ViispOutboundAddress"]
    assert output["Condition"] == "AllocatesViispAddress"
    assert "${ViispOutboundAddressAllocation}" in output["Value"]["Fn::Sub"]
    (egress,) = resources["ViispFunctionsSecurityGroup"]["Properties"]["SecurityGroupEgress"]
    assert (egress["IpProtocol"], egress["FromPort"], egress["ToPort"]) == ("tcp", 443, 443)
    assert "SecurityGroupIngress" not in resources["ViispFunctionsSecurityGroup"]["Properties"]


def test_the_sender_domain_is_an_identity_with_dkim_and_the_only_one_mail_goes_out_as(cfn, sam_template):
    # An identity exists once per account and region: a second stack there (dev beside prod) does not make it.
    assert cfn["Resources"]["SenderIdentity"]["Condition"] == "MakesSenderIdentity"
    assert all(sam_template["Outputs"][f"DkimRecord{n}"]["Condition"] == "MakesSenderIdentity" for n in (1, 2, 3))
    identity = cfn["Resources"]["SenderIdentity"]["Properties"]
    assert identity["EmailIdentity"] == {"Ref": "SenderDomain"}
    assert identity["DkimAttributes"] == {"SigningEnabled": True}
    assert identity["DkimSigningAttributes"] == {"NextSigningKeyLength": "RSA_2048_BIT"}
    assert identity["ConfigurationSetAttributes"] == {"ConfigurationSetName": {"Ref": "SesConfigurationSet"}}
    assert {f"DkimRecord{n}" for n in (1, 2, 3)} <= set(sam_template["Outputs"])
    for function in ALL_FUNCTIONS:
        for statement in role_statements(cfn, function):
            if "ses:SendEmail" in actions(statement):
                subs = sorted(
                    resource["Fn::Sub"].split("${AWS::AccountId}:", 1)[1] for resource in resources(statement)
                )
                assert subs == [
                    "configuration-set/${AWS::StackName}-code-mail",
                    "configuration-set/${SesConfigurationSet}",
                    "identity/${SenderDomain}",
                    "identity/${SenderEmail}",
                ]
    code_set = cfn["Resources"]["CodeMailConfigurationSet"]["Properties"]
    assert code_set["Name"] == {"Fn::Sub": "${AWS::StackName}-code-mail"}


def test_the_api_keeps_an_access_log_without_personal_data(cfn):
    (stage,) = resources_of(cfn, "AWS::ApiGateway::Stage").values()
    setting = stage["Properties"]["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    fields = set(re.findall(r"\$context\.([\w.]+)", setting["Format"]))
    assert {"requestId", "status", "resourcePath"} <= fields
    assert not {field for field in fields if field.startswith(("identity.", "path", "authorizer."))}, fields
    assert cfn["Resources"]["ApiAccessLogs"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_the_account_wide_api_gateway_logs_setting_is_made_only_when_asked_and_first(cfn, sam_template):
    """Issue 24: AWS::ApiGateway::Account is one setting per account and region, so a stack makes it only with
    ManageApiGatewayAccount=true (false where another stack owns it: it would be silently replaced). Made, its role
    carries its policy from its own create and the setting reads the role after it; both outlive the stack, so the
    setting never names a deleted role; and the API's stage (its access log needs the setting) waits for it."""
    from tests.template.test_one_origin import condition, dependency_cycle

    resources = cfn["Resources"]
    assert sam_template["Parameters"]["ManageApiGatewayAccount"]["AllowedValues"] == ["true", "false"]
    assert condition(cfn, "ManagesApiGatewayAccount", ManageApiGatewayAccount="true")
    assert not condition(cfn, "ManagesApiGatewayAccount", ManageApiGatewayAccount="false")
    account, role = resources["ApiGatewayLogsAccount"], resources["ApiGatewayLogsRole"]
    # Nothing else of the stack is account-wide: every resource the setting needs is under the same condition.
    assert account["Condition"] == role["Condition"] == "ManagesApiGatewayAccount"
    assert [r for r in resources_of(cfn, "AWS::ApiGateway::Account")] == ["ApiGatewayLogsAccount"]
    assert account["Properties"]["CloudWatchRoleArn"] == {"Fn::GetAtt": ["ApiGatewayLogsRole", "Arn"]}
    assert role["Properties"]["ManagedPolicyArns"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"}
    ]
    assert "Policies" not in role["Properties"]  # no policy attached later, after the setting read the role
    assert account["DeletionPolicy"] == role["DeletionPolicy"] == "RetainExceptOnCreate"
    # The API depends on the setting through a handle that names it only when it is made: a DependsOn on a
    # resource whose condition is false would refuse the template.
    assert resources["MigrisApi"]["DependsOn"] == "ApiGatewayAccountReady"
    ready = resources["ApiGatewayAccountReady"]
    assert "Condition" not in ready
    assert ready["Metadata"]["Waits"] == [
        {"Fn::If": ["ManagesApiGatewayAccount", {"Ref": "ApiGatewayLogsAccount"}, {"Ref": "AWS::NoValue"}]}
    ]
    for name, resource in resources.items():  # nothing else names the conditional pair
        if name not in {"ApiGatewayLogsAccount", "ApiGatewayAccountReady"}:
            assert "ApiGatewayLogsRole" not in repr(resource) and "ApiGatewayLogsAccount" not in repr(resource), name
    assert dependency_cycle(cfn) is None


def test_every_grant_on_accounts_names_the_kinds_of_item_it_may_touch(cfn):
    """Accounts' keys say what an item is (user#, email#, personal_code#, eidas#): each grant holds to the kinds its
    function reaches (tests/iam_calls.py proves the calls stay inside). The other tables are keyed by hashes and
    random ids, which no prefix narrows."""
    for function in ALL_FUNCTIONS:
        for statement in role_statements(cfn, function):
            if targets_table(statement, "AccountsTable"):
                leading = statement.get("Condition", {}).get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys")
                assert leading, (function, statement.get("Sid"))
                # "pending": the one partition of the recoveries_due index (migris.dal.accounts).
                kinds = {"user#*", "email#*", "personal_code#*", "eidas#*", "pending"}
                assert set(leading) <= kinds, (function, leading)


def test_the_launch_checklist_sizes_each_quota_parameter(sam_template):
    """Issue 24: each quota the alarms measure against is a parameter the runbook's launch checklist sets to what
    AWS granted; a parameter renamed here and not there would leave the alarm at its default."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs/deploying.md").read_text(encoding="utf-8")
    checklist = doc.split("**Launch checklist**", 1)[1].split("\n\n", 1)[1].split("\n\n", 1)[0]
    for parameter in ("SesDailyQuota", "MailSendRate", "LambdaConcurrencyQuota"):
        assert parameter in sam_template["Parameters"]
        assert f"`{parameter}=<granted>`" in checklist, parameter
    assert "ProductionAccessEnabled" in checklist


def test_the_runbook_checks_what_the_rules_cannot_before_a_prod_deploy():
    """Issue 24: CloudFront's account verification, the us-east-1 certificate covering the name and a record
    already holding the name fail a deploy only after the distribution's minutes; the runbook looks first."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs/deploying.md").read_text(encoding="utf-8")
    checks = " ".join(doc.split("## Before a prod deploy", 1)[1].split("\n## ", 1)[0].split())  # unwrapped
    assert "Your account must be verified before you can add new CloudFront resources" in checks
    assert "aws acm describe-certificate --region us-east-1" in checks
    assert "aws route53 list-resource-record-sets" in checks
    one_deploy = doc.split("With a domain, one deploy", 1)[1].split("Without a domain", 1)[0]
    assert "DomainName=" in one_deploy and "WebOrigin=" not in one_deploy  # the Rules would refuse it
