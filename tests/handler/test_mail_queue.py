"""Mail through the queue (issue 19, DESIGN.md Mail), through the real handlers, the mail function and moto's SQS:
a request queues its mail and answers without waiting for SES; the mail function sends each mail at most once,
tries SES's refusals again, never mails a code that expired or was replaced, and buries a mail whose time ran
out with its code burned (its send given back only when no try was counted)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devserver.server import LocalStack
from tests.helpers import (
    ORIGIN,
    Client,
    assert_error,
    code_in,
    handler_client_hooks,
    local_template,
    mail_queue_down,
    table,
)

ADDRESS = "ona@example.lt"


def queue_url(stack, logical_id: str) -> str:
    return stack.template.queue_url(logical_id)


def waiting(stack, logical_id: str) -> list[dict[str, Any]]:
    """The messages on a queue, read without taking them (visible again at once)."""
    sqs = stack.aws.client("sqs")
    url = queue_url(stack, logical_id)
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
    return [json.loads(message["Body"]) for message in found]


def verify(client, login_id, code, address=ADDRESS):
    return client.post("/login/email/verify", {"email": address, "login_id": login_id, "code": code})


class SesThrottling:
    """SES answers the first `times` sends with Throttling (over the account's rate), then takes them."""

    def __init__(self, times: int) -> None:
        self.left = times
        self.refused = 0

    def __call__(self, model, **_):
        if self.left:
            self.left -= 1
            self.refused += 1
            raise ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}}, "x")


@pytest.fixture
def ses_throttling(stack):
    events = handler_client_hooks("ses")
    made: list[SesThrottling] = []

    def throttle(times: int) -> SesThrottling:
        hook = SesThrottling(times)
        events.register("before-call.ses.SendEmail", hook)
        made.append(hook)
        return hook

    yield throttle
    for hook in made:
        events.unregister("before-call.ses.SendEmail", hook)


def test_the_request_queues_the_mail_and_the_mail_function_sends_it(client, stack):
    with stack.mail.held():
        started = client.start(ADDRESS)
        assert started.status == 202
        (queued,) = waiting(stack, "BulkMailQueue")
        assert stack.aws.mails_to(ADDRESS) == []
    assert queued["to"] == ADDRESS and queued["kind"] == "code" and queued["lane"] == "bulk"
    assert queued["code"]["login_id"] == started.json["login_id"]
    (mail,) = stack.aws.mails_to(ADDRESS)
    assert verify(client, started.json["login_id"], code_in(mail)).status == 200
    assert waiting(stack, "BulkMailQueue") == []


def test_an_ses_throttle_on_the_first_tries_still_delivers_the_mail_once(client, stack, ses_throttling):
    throttled = ses_throttling(2)
    started = client.start(ADDRESS)
    assert started.status == 202  # the request never waited for SES; its first try was throttled
    assert stack.aws.mails_to(ADDRESS) == []  # each read hands the queue to the mail function again: throttled
    (mail,) = stack.aws.mails_to(ADDRESS)  # the third try went
    assert throttled.refused == 2
    assert stack.aws.mails_to(ADDRESS) == [mail]
    assert verify(client, started.json["login_id"], code_in(mail)).status == 200


def test_a_message_delivered_twice_is_mailed_once(client, stack):
    sqs = stack.aws.client("sqs")
    url = queue_url(stack, "BulkMailQueue")
    with stack.mail.held():
        assert client.start(ADDRESS).status == 202
        (message,) = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
        sqs.send_message(QueueUrl=url, MessageBody=message["Body"])  # SQS delivers at least once
        assert len(waiting(stack, "BulkMailQueue")) == 2
    assert len(stack.aws.mails_to(ADDRESS)) == 1
    assert waiting(stack, "BulkMailQueue") == []
    # A copy that comes back days later, the code long expired, changes nothing either.
    sqs.send_message(QueueUrl=url, MessageBody=message["Body"])
    assert len(stack.aws.mails_to(ADDRESS)) == 1
    assert waiting(stack, "DeadMailQueue") == []


def test_a_replaced_code_is_never_mailed(make_stack):
    stack = make_stack(ResendCooldownSeconds="0")
    client = Client(stack)
    with stack.mail.held():
        first = client.start(ADDRESS).json["login_id"]
        second = client.start(ADDRESS).json["login_id"]  # from the same network: replaces the first
    (mail,) = stack.aws.mails_to(ADDRESS)
    assert verify(client, second, code_in(mail)).status == 200
    assert first != second
    assert waiting(stack, "DeadMailQueue") == []  # a replaced code is no failure: nothing to look into


def test_a_code_that_expired_while_its_mail_waited_is_never_mailed(client, stack, clock):
    with stack.mail.held():
        login_id = client.start(ADDRESS).json["login_id"]
        clock.advance(3600)
    assert stack.aws.mails_to(ADDRESS) == []
    (dead,) = waiting(stack, "DeadMailQueue")
    assert dead["code"]["login_id"] == login_id
    # Burned: the code it carried no longer signs in, even before its hour (it never had one to begin with).
    assert_error(verify(client, login_id, code_in(dead)), 401, "invalid_code")


@pytest.mark.parametrize("tried", [False, True])
def test_a_mail_that_can_never_go_is_buried_burns_its_code_and_gives_the_send_back_only_untried(
    make_stack, clock, tried
):
    # One code an hour to an address from one network, so whether the send was given back shows at once.
    stack = make_stack(CodeTtlSeconds="300", MaxCodesPerHour="1", ResendCooldownSeconds="0")
    client = Client(stack)
    stack.aws.ses_throttle_every = 1  # SES refuses every send
    login_id = client.start(ADDRESS).json["login_id"]
    if tried:
        assert_error(verify(client, login_id, "00000000"), 401, "invalid_code")
    for _ in range(3):
        clock.advance(100)
        assert stack.aws.mails_to(ADDRESS) == []  # tried again, refused again
    (dead,) = waiting(stack, "DeadMailQueue")
    assert_error(verify(client, login_id, code_in(dead)), 401, "invalid_code")
    stack.aws.ses_throttle_every = 0
    again = client.start(ADDRESS)
    if tried:
        # A try was counted at that code: its send stays counted, so the guessing bound holds.
        assert_error(again, 429, "rate_limited")
    else:
        assert again.status == 202
        assert len(stack.aws.mails_to(ADDRESS)) == 1


def test_a_code_the_queue_refuses_is_not_counted_against_the_address(client, stack):
    with mail_queue_down():
        refused = client.start(ADDRESS)
    assert_error(refused, 503, "mail_unavailable")
    again = client.start(ADDRESS)  # no cooldown: the refused send was taken back
    assert again.status == 202, again.raw
    assert len(stack.aws.mails_to(ADDRESS)) == 1


def test_notices_go_before_the_codes_that_wait(client, stack, clock):
    token = client.signed_in(ADDRESS, filled=True)
    clock.advance(61)
    with stack.mail.held():
        for n in range(3):
            assert client.start(f"laukia{n}@example.lt").status == 202
        assert client.as_person(token, "PATCH", "/profile", {"email": "ona.nauja@example.lt"}).status == 200
        before = len(stack.aws._letters)
    sent = [mail["to"] for mail in stack.aws.outbox[before:]]
    # The notice to the old address came from the priority lane, ahead of every code queued before it.
    assert sent[0] == ADDRESS
    assert sorted(sent[1:]) == sorted(
        ["laukia0@example.lt", "laukia1@example.lt", "laukia2@example.lt", "ona.nauja@example.lt"]
    )


def test_the_ledger_holds_no_login_id_or_address(client, stack):
    login_id = client.start(ADDRESS).json["login_id"]
    assert stack.aws.mails_to(ADDRESS)
    items = table(stack, "MailLedgerTable").scan()["Items"]
    mails = [item for item in items if str(item["pk"]).startswith("mail#")]
    assert [item["state"] for item in mails] == ["sent"]
    assert ADDRESS not in repr(items) and login_id not in repr(items)


def test_served_the_mail_function_runs_from_the_queue_by_itself_within_two_seconds(clock):
    """As `make run` serves it: no read of the outbox drains the queue; the mail pump does, in the background."""
    served = LocalStack(
        local_template(WebOrigin=ORIGIN, PublicApiUrl=ORIGIN),
        ORIGIN,
        clock=clock,
        mail_redelivery_seconds=1,
        mail_at_once=False,
    )
    served.start()
    try:
        problems: list[BaseException] = []
        served.mail.run_in_background(on_error=problems.append)
        asked = time.monotonic()
        assert Client(served).start(ADDRESS).status == 202
        while not served.aws._letters and time.monotonic() - asked < 2:
            time.sleep(0.02)
        assert [mail["to"] for mail in served.aws._letters] == [ADDRESS]
        assert problems == []
    finally:
        served.stop()


def test_the_outbox_shows_letters_as_they_are(client):
    client.start(ADDRESS, language="uk")
    answer = client.get("/_local/outbox")
    assert answer.status == 200
    assert "Ваш код для входу в MIGRIS" in answer.raw.decode("utf-8")
    assert b"\\u" not in answer.raw


def test_a_code_that_gave_way_to_newer_ones_from_elsewhere_is_never_mailed(client, stack, clock):
    asked = []
    with stack.mail.held():
        for n in range(4):  # four networks: at most three codes live, the oldest gives way
            client.source_ip = f"198.51.100.{10 + n}"
            asked.append(client.start(ADDRESS).json["login_id"])
            clock.advance(1)
    mailed = [code_in(mail) for mail in stack.aws.mails_to(ADDRESS)]
    assert len(mailed) == 3
    for login_id, code in zip(asked[1:], mailed, strict=True):
        client.source_ip = "198.51.100.99"
        assert verify(client, login_id, code).status == 200
        clock.advance(61)
