"""The IAM check of tests/iam_calls.py, on its own: it must refuse what IAM would refuse, or the recorded calls
prove nothing. Each case is a call a function's code could make, against that function's role in the
template."""

from __future__ import annotations

import pytest

from tests.iam_calls import CHECKER, authorised_requests

CODES = "migris-local-CodesTable"
ACCOUNTS = "migris-local-AccountsTable"
SESSIONS = "migris-local-SessionsTable"


def refusals(function, service, operation, params):
    roles = CHECKER.roles
    return roles.refusals(function, authorised_requests(roles, service, operation, params))


def test_an_action_the_role_has_on_its_table_is_allowed():
    assert refusals("StartLoginFunction", "dynamodb", "UpdateItem", {"TableName": CODES, "Key": {"pk": "x"}}) == []


def test_an_action_the_role_lacks_is_refused():
    (problem,) = refusals("StartLoginFunction", "dynamodb", "GetItem", {"TableName": ACCOUNTS, "Key": {"pk": "x"}})
    assert "StartLoginFunction may not: dynamodb:GetItem" in problem


def test_an_update_outside_the_attribute_allow_list_is_refused():
    names = {"#given": "given_name"}
    allowed = {"TableName": ACCOUNTS, "Key": {"pk": "user#1"}, "UpdateExpression": "SET phone_number = :p"}
    assert refusals("SaveProfileFunction", "dynamodb", "UpdateItem", allowed) == []
    names_write = allowed | {"UpdateExpression": "SET #given = :g", "ExpressionAttributeNames": names}
    assert refusals("SaveProfileFunction", "dynamodb", "UpdateItem", names_write)


def test_an_update_that_returns_the_item_is_refused_where_the_attributes_are_limited():
    update = {"TableName": ACCOUNTS, "Key": {"pk": "user#1"}, "UpdateExpression": "SET phone_number = :p"}
    assert refusals("SaveProfileFunction", "dynamodb", "UpdateItem", update | {"ReturnValues": "ALL_NEW"})


def test_a_delete_outside_its_leading_keys_is_refused():
    email_item = {"TableName": ACCOUNTS, "Key": {"pk": "email#ona@example.lt"}}
    assert refusals("SaveProfileFunction", "dynamodb", "DeleteItem", email_item) == []
    assert refusals("SaveProfileFunction", "dynamodb", "DeleteItem", {"TableName": ACCOUNTS, "Key": {"pk": "user#1"}})


def test_each_item_of_a_transaction_is_authorised_as_its_own_action():
    transaction = {
        "TransactItems": [
            {"Update": {"TableName": CODES, "Key": {"pk": "box"}, "UpdateExpression": "REMOVE #c"}},
            {"Put": {"TableName": SESSIONS, "Item": {"pk": "hash", "user_id": "1"}}},
        ]
    }
    assert refusals("VerifyCodeFunction", "dynamodb", "TransactWriteItems", transaction) == []
    assert refusals("StartLoginFunction", "dynamodb", "TransactWriteItems", transaction)


@pytest.mark.parametrize(
    ("function", "allowed"), [("SendMailFunction", True), ("StartLoginFunction", False), ("StaffFunction", False)]
)
def test_mail_is_sent_only_through_the_roles_that_may(function, allowed):
    send = {"Source": "noreply@migracija.lt", "ConfigurationSetName": "migris-local-SesConfigurationSet"}
    assert (refusals(function, "ses", "SendEmail", send) == []) is allowed


def test_mail_is_sent_only_as_the_sender_and_through_the_configuration_sets():
    send = {"Source": "noreply@migracija.lt", "ConfigurationSetName": "migris-local-SesConfigurationSet"}
    assert (
        refusals("SendMailFunction", "ses", "SendEmail", send | {"ConfigurationSetName": "migris-local-code-mail"})
        == []
    )
    assert refusals("SendMailFunction", "ses", "SendEmail", send | {"Source": "boss@example.lt"})
    assert refusals("SendMailFunction", "ses", "SendEmail", send | {"ConfigurationSetName": "another"})


QUEUE = "https://sqs.eu-north-1.amazonaws.com/123456789012/migris-local-mail-"


@pytest.mark.parametrize(
    ("function", "lane", "allowed"),
    [
        ("StartLoginFunction", "bulk", True),
        ("StartLoginFunction", "priority", True),  # a known device's code
        ("PasskeysFunction", "bulk", False),
        ("ViispCallbackFunction", "priority", True),
        ("ViispCallbackFunction", "bulk", False),
        ("VerifyCodeFunction", "bulk", False),
        ("StaffFunction", "priority", True),  # a recovery's two mails
        ("StaffFunction", "bulk", False),
        ("SendMailFunction", "dead", True),
        ("StartLoginFunction", "dead", False),
    ],
)
def test_each_role_queues_mail_only_on_its_own_lanes(function, lane, allowed):
    put = {"QueueUrl": QUEUE + lane, "MessageBody": "{}"}
    assert (refusals(function, "sqs", "SendMessage", put) == []) is allowed


def test_only_the_mail_function_reads_the_queues():
    for operation in ("ReceiveMessage", "DeleteMessage", "GetQueueAttributes"):
        assert refusals("SendMailFunction", "sqs", operation, {"QueueUrl": QUEUE + "bulk"}) == []
        assert refusals("SendMailFunction", "sqs", operation, {"QueueUrl": QUEUE + "dead"})
        assert refusals("SaveProfileFunction", "sqs", operation, {"QueueUrl": QUEUE + "bulk"})


def test_a_secret_is_read_only_by_the_roles_given_it():
    pepper = {"SecretId": "migris-local-CodePepperSecret"}
    assert refusals("VerifyCodeFunction", "secretsmanager", "GetSecretValue", pepper) == []
    assert refusals("StaffFunction", "secretsmanager", "GetSecretValue", pepper) == []  # the audit's keyed hash
    assert refusals("SendMailFunction", "secretsmanager", "GetSecretValue", pepper)
    assert refusals("EraseAccountFunction", "secretsmanager", "GetSecretValue", pepper)
    viisp_key = {"SecretId": "migris-local-ViispServiceKeySecret"}
    assert refusals("StaffFunction", "secretsmanager", "GetSecretValue", viisp_key)


def test_a_condition_operator_the_check_cannot_evaluate_is_a_failure_not_a_pass():
    roles = CHECKER.roles
    statement = {
        "Effect": "Allow",
        "Action": "dynamodb:GetItem",
        "Resource": "*",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
    }
    (request,) = authorised_requests(roles, "dynamodb", "GetItem", {"TableName": CODES, "Key": {"pk": "x"}})
    assert "unsupported condition operator" in str(roles._allows(statement, request))
