"""The erasure in the template (DESIGN.md, "Erasure"; docs/erasure.md): its own function and role; who may
delete what; the audit's append-only rule; the erasure queue that finishes what a request left undone.

How "whose role alone may delete account items, devices, passkeys and activity" is read here: no role but the
erase function's may delete or strip an *account* (the `user#` item: none deletes it at all, the erase role
strips it to its tombstone), and only it may delete *all* of a person's devices and passkeys at once. Other roles
keep the deletes their own features need, each on its own kind of item: a person forgets a device or removes a
passkey, "not me" and a staff revoke remove passkeys, a sign-in ends the least recently used device beyond the
cap, an epoch's move deletes the devices it ended, an e-mail change releases the old address's item and a staff
unlink the identity's. Those are pinned below, so a new delete anywhere is a decision, not an accident."""

from __future__ import annotations

from tests.helpers import api_paths
from tests.template.test_template import (
    ALL_FUNCTIONS,
    account_update_statements,
    actions,
    attribute_allow_list,
    integrated_function,
    resources,
    role_of,
    role_statements,
    targets_table,
)

ERASER = "EraseAccountFunction"


def deleters(cfn, table: str) -> dict[str, list[list[str] | None]]:
    """Each function that may DeleteItem on the table, with the key prefixes each such statement allows (None: any)."""
    found: dict[str, list[list[str] | None]] = {}
    for function in ALL_FUNCTIONS:
        for statement in role_statements(cfn, function):
            if targets_table(statement, table) and "dynamodb:DeleteItem" in actions(statement):
                keys = statement.get("Condition", {}).get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys")
                found.setdefault(function, []).append(keys)
    return found


def test_delete_profile_runs_in_the_erase_function_alone(cfn):
    (operation,) = [
        op for path, item in api_paths(cfn).items() for m, op in item.items() if (path, m) == ("/profile", "delete")
    ]
    assert integrated_function(operation) == ERASER
    served = {
        (path, method)
        for path, item in api_paths(cfn).items()
        for method, op in item.items()
        if integrated_function(op) == ERASER
    }
    assert served == {("/profile", "delete")}
    assert role_of(cfn, ERASER) not in {role_of(cfn, f) for f in ALL_FUNCTIONS if f != ERASER}


def test_no_role_deletes_an_account_item_and_only_the_eraser_strips_one(cfn):
    for function, prefixes in deleters(cfn, "AccountsTable").items():
        for keys in prefixes:
            assert keys is not None and not any(key.startswith("user#") for key in keys), function
    strippers = {
        f for f in ALL_FUNCTIONS for s in account_update_statements(cfn, f) if "erased_at" in attribute_allow_list(s)
    }
    assert strippers == {ERASER}
    (statement,) = account_update_statements(cfn, ERASER)
    assert statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["user#*"]


def test_passkeys_are_deleted_by_the_features_that_need_it_and_the_eraser_only(cfn):
    found = deleters(cfn, "PasskeysTable")
    # Removing one (the person), the ones a "not me" report names, all of them at a staff revoke, all at erasure.
    # A recovery's completion removes them all too.
    assert set(found) == {
        "PasskeysFunction",
        "SaveProfileFunction",
        "StaffFunction",
        "CompleteRecoveriesFunction",
        ERASER,
    }
    for function in ("SaveProfileFunction", "StaffFunction", "CompleteRecoveriesFunction", ERASER):
        for keys in found[function]:
            assert keys == ["passkey#*", "handle#*"], function


def test_the_eraser_deletes_nothing_else_and_never_touches_the_audit_or_the_codes(cfn):
    for statement in role_statements(cfn, ERASER):
        assert not targets_table(statement, "AuditTable")
        assert not targets_table(statement, "CodesTable")
        assert not {"dynamodb:PutItem", "dynamodb:BatchWriteItem", "dynamodb:Scan"} & set(actions(statement))
        assert not any(action.startswith(("ses:", "secretsmanager:", "kms:")) for action in actions(statement))


def test_no_role_may_update_or_delete_audit_events_and_each_append_is_a_put(cfn):
    for function in ALL_FUNCTIONS:
        for statement in role_statements(cfn, function):
            if targets_table(statement, "AuditTable"):
                assert set(actions(statement)) <= {"dynamodb:PutItem", "dynamodb:Query"}, function


def test_the_erasure_queue_is_read_by_the_eraser_alone_and_keeps_what_fails(cfn):
    queue = cfn["Resources"]["ErasureQueue"]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["ErasureDeadQueue", "Arn"]}
    assert queue["VisibilityTimeout"] >= 6 * cfn["Resources"][ERASER]["Properties"]["Timeout"]
    dead = cfn["Resources"]["ErasureDeadQueue"]["Properties"]
    assert dead["MessageRetentionPeriod"] == 1209600 > queue["MessageRetentionPeriod"]
    alarm = cfn["Resources"]["ErasureDeadAlarm"]["Properties"]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["ErasureDeadQueue", "QueueName"]}}]
    mapping = cfn["Resources"]["ErasureSource"]["Properties"]
    assert mapping["FunctionName"] == {"Ref": ERASER}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    readers = {
        f
        for f in ALL_FUNCTIONS
        for s in role_statements(cfn, f)
        if "sqs:ReceiveMessage" in actions(s) and any("-erasure" in repr(r) for r in resources(s))
    }
    assert readers == {ERASER}
