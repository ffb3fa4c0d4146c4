"""An e-mail change decides everything in one write: the address moves, the other sessions end, and a notice
to the old address falls due. Nothing that fails after that write can leave a session alive, turn the answer
into an error, or lose the notice."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.helpers import accounts_item, assert_error, cookie_value, handler_client_hooks, mail_queue_down

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


def linked_token(answer):
    assert answer.status == 303, answer.raw
    token, _ = cookie_value(answer, "__Host-session")
    assert token
    return token


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
    with mail_queue_down():
        confirmed = client.as_person(token, "POST", "/profile/email/verify", {"code": code})
    assert confirmed.status == 200, confirmed.raw
    assert changed_notices(client.stack) == []
    assert_error(client.as_person(other, "GET", "/profile"), 401, "unauthenticated")

    assert client.as_person(token, "GET", "/profile").status == 200
    assert len(changed_notices(client.stack)) == 1
    assert client.as_person(token, "GET", "/profile").status == 200
    assert len(changed_notices(client.stack)) == 1


@pytest.mark.parametrize("ended_by", ["revoke", "unlink"])
def test_staff_ending_every_session_while_a_change_is_confirmed_refuse_the_change(
    client, browser, clock, monkeypatch, ended_by
):
    """A thief's session asks to move the address to his own; staff end every session (a revoke, or an unlink)
    after the confirmation checked its code and before its write. The write fails on the version, reads again,
    and must not carry the thief's session into the new epoch: the confirmation is 401, no address moves, no
    session lives, and the revoke counted both sessions it ended."""
    from migris.dal.accounts import AccountRepository

    thief = client.signed_in(ADDRESS, filled=True)
    if ended_by == "unlink":
        thief = linked_token(browser.link(thief))
    clock.advance(61)
    owner = client.signed_in(ADDRESS)
    user_id = client.as_person(owner, "GET", "/profile").json["user_id"]
    assert client.as_person(thief, "PATCH", "/profile", {"email": NEW_ADDRESS}).status == 200
    code = client.last_code(NEW_ADDRESS)
    staff_answers = []
    write = AccountRepository.move_email

    def staff_end_every_session_first(self, *args, **kwargs):
        if not staff_answers:  # the first write attempt only
            path = "sessions/revoke" if ended_by == "revoke" else "identity/unlink"
            staff_answers.append(client.as_staff("POST", f"/staff/users/{user_id}/{path}", {"reason": "Stolen"}))
        return write(self, *args, **kwargs)

    monkeypatch.setattr(AccountRepository, "move_email", staff_end_every_session_first)
    confirmed = client.as_person(thief, "POST", "/profile/email/verify", {"code": code})
    monkeypatch.undo()

    (staff_answer,) = staff_answers
    assert staff_answer.status == 200, staff_answer.raw
    assert_error(confirmed, 401, "unauthenticated")
    assert_error(client.as_person(thief, "GET", "/profile"), 401, "unauthenticated")
    assert_error(client.as_person(owner, "GET", "/profile"), 401, "unauthenticated")
    assert accounts_item(client.stack, f"user#{user_id}")["email"] == ADDRESS
    assert accounts_item(client.stack, f"email#{ADDRESS}")["user_id"] == user_id
    assert accounts_item(client.stack, f"email#{NEW_ADDRESS}") is None
    assert changed_notices(client.stack) == []
    if ended_by == "revoke":
        assert staff_answer.json == {"ended": 2}
        events = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
        assert events[-1]["changes"] == {"sessions": {"before": 2, "after": 0}}
    clock.advance(61)
    assert client.sign_in(ADDRESS)["profile"]["email"] == ADDRESS  # the owner signs in with the address kept
