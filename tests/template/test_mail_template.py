"""The mail's deployed shape (issue 19, DESIGN.md Mail), in the SAM-translated template: two encrypted lanes and
their dead-letter queue, the mail function and its event source mappings, the send rate, the delivery caps
(the deploy-time function's own code run here), the key nobody but these roles may use, and the alarms."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from tests.template.test_template import actions, resources, role_statements

LANES = ("PriorityMailQueue", "BulkMailQueue")
PRODUCERS = (
    "StartLoginFunction",
    "VerifyCodeFunction",  # a sign-in from a device the account did not know is told to its address
    "ViispCallbackFunction",
    "SaveProfileFunction",
    "FirstFillFunction",
    "PasskeysFunction",
    "StaffFunction",  # a recovery's two mails
    "CompleteRecoveriesFunction",  # the new address told the recovery completed
    "EraseAccountFunction",  # the notice that the account is gone
)


def props(cfn: dict[str, Any], logical_id: str) -> dict[str, Any]:
    return dict(cfn["Resources"][logical_id]["Properties"])


@pytest.mark.parametrize("lane", LANES)
def test_each_lane_is_encrypted_kept_longer_than_any_code_and_drains_to_the_dead_letters(cfn, sam_template, lane):
    queue = props(cfn, lane)
    assert queue["KmsMasterKeyId"] == {"Ref": "MailKey"}
    # Longer than the longest code (CodeTtlSeconds at most 100000) or notice (a day): the mail function sees every
    # mail whose time ran out, and buries it with its code burned; SQS never drops one silently.
    assert queue["MessageRetentionPeriod"] >= max(100000, 86400) + 3600
    assert sam_template["Parameters"]["CodeTtlSeconds"].get("MaxValue", 100000) <= 100000
    assert queue["VisibilityTimeout"] >= 6 * cfn["Resources"]["SendMailFunction"]["Properties"]["Timeout"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["DeadMailQueue", "Arn"]}
    dead = props(cfn, "DeadMailQueue")
    assert dead["KmsMasterKeyId"] == {"Ref": "MailKey"}
    assert dead["MessageRetentionPeriod"] == 1209600 > queue["MessageRetentionPeriod"]  # SQS's longest


def test_both_lanes_invoke_the_mail_function_reporting_failures_one_by_one(cfn):
    mappings = {
        props(cfn, name)["EventSourceArn"]["Fn::GetAtt"][0]: props(cfn, name)
        for name, resource in cfn["Resources"].items()
        if resource["Type"] == "AWS::Lambda::EventSourceMapping"
        # The erasure queue's mapping invokes the erase function (tests/template/test_erasure_template.py).
        and props(cfn, name)["FunctionName"] != {"Ref": "EraseAccountFunction"}
    }
    assert set(mappings) == set(LANES)
    for mapping in mappings.values():
        assert mapping["FunctionName"] == {"Ref": "SendMailFunction"}
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["ScalingConfig"]["MaximumConcurrency"] >= 2
    # SAM's SQS events would attach a managed policy that reads every queue of the account: none here.
    assert "ManagedPolicyArns" not in props(cfn, "SendMailFunctionRole") or all(
        "SQS" not in str(arn) for arn in props(cfn, "SendMailFunctionRole")["ManagedPolicyArns"]
    )


def test_the_send_rate_is_a_parameter_the_mail_function_gets(cfn, sam_template):
    rate = sam_template["Parameters"]["MailSendRate"]
    assert (rate["Type"], rate["Default"], rate["MinValue"]) == ("Number", 14, 1)
    assert rate["MaxValue"] >= 100000
    env = props(cfn, "SendMailFunction")["Environment"]["Variables"]
    assert env["MAIL_SEND_RATE"] == {"Ref": "MailSendRate"}


def _delivery_cap_code(cfn: dict[str, Any]) -> types.ModuleType:
    """The deploy-time function's inline code, loaded with a stand-in for Lambda's cfnresponse module that
    records each answer the code gives CloudFormation."""
    answers: list[tuple[str, dict[str, Any]]] = []
    cfnresponse = types.ModuleType("cfnresponse")
    cfnresponse.SUCCESS, cfnresponse.FAILED = "SUCCESS", "FAILED"  # type: ignore[attr-defined]
    cfnresponse.send = lambda _event, _context, status, data, *_, **__: answers.append((status, data))  # type: ignore[attr-defined]
    module = types.ModuleType("index")
    module.answers = answers  # type: ignore[attr-defined]
    source = props(cfn, "MailDeliveryCapFunction")["Code"]["ZipFile"]
    saved = sys.modules.get("cfnresponse")
    sys.modules["cfnresponse"] = cfnresponse
    try:
        exec(compile(source, "index.py", "exec"), module.__dict__)  # the template's own inline code
    finally:
        if saved is None:
            del sys.modules["cfnresponse"]
        else:
            sys.modules["cfnresponse"] = saved
    return module


@pytest.mark.parametrize(
    ("code_ttl", "cap"), [("1", 300), ("299", 300), ("300", 300), ("3600", 3600), ("50400", 50400), ("100000", 50400)]
)
def test_code_mails_stop_being_retried_by_ses_when_their_code_ends_within_what_ses_allows(cfn, code_ttl, cap):
    code_set = props(cfn, "CodeMailConfigurationSet")
    assert code_set["DeliveryOptions"]["MaxDeliverySeconds"] == {"Fn::GetAtt": ["CodeMailDeliveryCap", "Seconds"]}
    assert props(cfn, "CodeMailDeliveryCap")["CodeTtlSeconds"] == {"Ref": "CodeTtlSeconds"}
    index = _delivery_cap_code(cfn)
    index.handler({"ResourceProperties": {"CodeTtlSeconds": code_ttl}}, None)
    assert index.answers == [("SUCCESS", {"Seconds": cap})]


def test_the_delivery_cap_answers_a_failure_rather_than_leaving_cloudformation_waiting(cfn):
    index = _delivery_cap_code(cfn)
    index.handler({"ResourceProperties": {"CodeTtlSeconds": "an hour"}}, None)
    assert index.answers == [("FAILED", {})]


def test_notices_keep_the_set_with_the_account_wide_defaults(cfn):
    # A notice is worth delivering late; SES's own default (and most) retry time applies.
    assert "DeliveryOptions" not in props(cfn, "SesConfigurationSet")
    env = props(cfn, "SendMailFunction")["Environment"]["Variables"]
    assert env["CODE_MAIL_CONFIGURATION_SET"] == {"Ref": "CodeMailConfigurationSet"}
    assert env["SES_CONFIGURATION_SET"] == {"Ref": "SesConfigurationSet"}


def test_only_the_queueing_roles_and_the_mail_function_may_use_the_key_and_only_through_sqs(cfn):
    policy = props(cfn, "MailKey")["KeyPolicy"]["Statement"]
    by_sid = {statement["Sid"]: statement for statement in policy}
    administer = by_sid["AdministerOnly"]
    assert not any(
        action.startswith(("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt", "kms:CreateGrant"))
        for action in administer["Action"]
    )
    assert "kms:*" not in administer["Action"]
    users = {
        role["Fn::GetAtt"][0]: statement
        for statement in policy
        if statement["Sid"] != "AdministerOnly"
        for role in (
            statement["Principal"]["AWS"]
            if isinstance(statement["Principal"]["AWS"], list)
            else [statement["Principal"]["AWS"]]
        )
    }
    assert set(users) == {f"{name}Role" for name in (*PRODUCERS, "SendMailFunction")}
    # Every role that puts mail on a lane may make its data key: without it SQS refuses the send (KMS access
    # denied), which no local test sees.
    lane_writers = {
        name
        for name, resource in cfn["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
        for statement in role_statements(cfn, name)
        if "sqs:SendMessage" in actions(statement)
        and any(str(r["Fn::Sub"]).endswith(("-mail-priority", "-mail-bulk")) for r in resources(statement))
    }
    assert lane_writers == set(PRODUCERS)
    for statement in users.values():
        assert sorted(statement["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
        assert statement["Condition"] == {
            "StringEquals": {"kms:ViaService": {"Fn::Sub": "sqs.${AWS::Region}.amazonaws.com"}}
        }


def test_only_the_mail_function_may_read_the_queues(cfn):
    readers = {
        name
        for name in (*PRODUCERS, "SendMailFunction")
        for statement in role_statements(cfn, name)
        if "sqs:ReceiveMessage" in actions(statement)
        # The erase function reads its own queue only (user ids, no mail).
        and not str(resources(statement)[0]["Fn::Sub"]).endswith("-erasure")
    }
    assert readers == {"SendMailFunction"}
    (receive,) = [s for s in role_statements(cfn, "SendMailFunction") if "sqs:ReceiveMessage" in actions(s)]
    assert sorted(r["Fn::Sub"].rsplit("-", 1)[1] for r in resources(receive)) == ["bulk", "priority"]


@pytest.mark.parametrize(
    ("alarm", "queue", "metric", "threshold"),
    [
        ("DeadMailAlarm", "DeadMailQueue", "ApproximateNumberOfMessagesVisible", 1),
        ("BulkMailWaitAlarm", "BulkMailQueue", "ApproximateAgeOfOldestMessage", 300),
        ("PriorityMailWaitAlarm", "PriorityMailQueue", "ApproximateAgeOfOldestMessage", 300),
    ],
)
def test_a_dead_mail_and_a_code_mail_waiting_five_minutes_each_raise_an_alarm(cfn, alarm, queue, metric, threshold):
    properties = props(cfn, alarm)
    assert (properties["Namespace"], properties["MetricName"], properties["Threshold"]) == (
        "AWS/SQS",
        metric,
        threshold,
    )
    assert properties["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]
    assert properties["AlarmActions"] == [{"Ref": "AlarmTopic"}]
