"""An e-mail change decides everything in one write: the address moves, the other sessions end, and a notice
to the old address falls due. Nothing that fails after that write can leave a session alive, turn the answer
into an error, or lose the notice."""

from __future__ import annotations

import re

from botocore.exceptions import ClientError

from tests.helpers import assert_error, handler_client_hooks

ADDRESS = "ona@example.lt"
NEW_ADDRESS = "ona.nauja@example.lt"
CHANGED_SUBJECT = "MIGRIS: el. pašto adresas pakeistas"


def change_pending(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    clock.advance(61)
    other = client.signed_in(ADDRESS)
    assert client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS}).status == 200
    code = re.search(r"\b(\d{8})\b", client.stack.aws.mails_to(NEW_ADDRESS)[-1]["text"]).group(1)
    return token, other, code


def changed_notices(stack):
    return [mail for mail in stack.aws.mails_to(ADDRESS) if mail["subject"] == CHANGED_SUBJECT]


def test_dynamodb_failing_after_the_change_neither_keeps_another_session_nor_loses_the_notice(client, clock):
    token, other, code = change_pending(client, clock)
    events = handler_client_hooks("dynamodb")
    seen_write = []

    def throttle_after_the_write(model, **_):
        if seen_write:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "throttled"}}, model.name
            )
        if model.name == "TransactWriteItems":
            seen_write.append(model.name)

    events.register("before-call.dynamodb", throttle_after_the_write)
    try:
        confirmed = client.as_person(token, "POST", "/profile/email/verify", {"code": code})
    finally:
        events.unregister("before-call.dynamodb", throttle_after_the_write)
    assert seen_write, "the change must land in one transaction"
    assert confirmed.status == 200, confirmed.raw
    assert (confirmed.json["email"], confirmed.json["pending_email"]) == (NEW_ADDRESS, None)
    assert len(changed_notices(client.stack)) == 1
    assert_error(client.as_person(other, "GET", "/profile"), 401, "unauthenticated")
    assert client.as_person(token, "GET", "/profile").json["email"] == NEW_ADDRESS


def test_a_notice_that_could_not_be_sent_goes_out_on_the_next_request_and_only_once(client, clock):
    token, other, code = change_pending(client, clock)
    events = handler_client_hooks("sqs")

    def queue_down(model, **_):
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "try later"}}, model.name)

    events.register("before-call.sqs.SendMessage", queue_down)
    try:
        confirmed = client.as_person(token, "POST", "/profile/email/verify", {"code": code})
    finally:
        events.unregister("before-call.sqs.SendMessage", queue_down)
    assert confirmed.status == 200, confirmed.raw
    assert changed_notices(client.stack) == []
    assert_error(client.as_person(other, "GET", "/profile"), 401, "unauthenticated")

    assert client.as_person(token, "GET", "/profile").status == 200
    assert len(changed_notices(client.stack)) == 1
    assert client.as_person(token, "GET", "/profile").status == 200
    assert len(changed_notices(client.stack)) == 1
