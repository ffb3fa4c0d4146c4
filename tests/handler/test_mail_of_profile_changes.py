"""The mail of profile changes through the queue: a refused change code is 503 with nothing counted, and a VIISP
account filling in another address tells the one VIISP gave."""

from __future__ import annotations

from tests.helpers import assert_error, mail_queue_down, viisp_account

VIISP_GIVEN = "jonas.viisp@example.lt"
NEW_ADDRESS = "jonas.naujas@example.lt"


def test_a_viisp_account_that_fills_in_another_address_tells_the_one_viisp_gave(client):
    """PUT /profile (FirstFillFunction) on a VIISP account whose address VIISP gave, with another address: the
    old address is told on the priority lane, which FirstFillFunctionRole may not send to (only mail-bulk)."""
    _, token = viisp_account(client.stack, email=VIISP_GIVEN)
    answer = client.as_person(token, "PUT", "/profile", {"phone_number": "+37061234567", "email": NEW_ADDRESS})
    assert answer.status == 200, answer.raw
    assert client.stack.aws.mails_to(NEW_ADDRESS), "the code to the new address"
    assert client.stack.aws.mails_to(VIISP_GIVEN), "the notice to the address VIISP gave"


def test_an_email_change_code_the_queue_refuses_is_not_a_200_and_not_counted(client, stack, clock):
    """docs/mail.md: "if the queue does not take it, the send is taken back and the person gets 503". PATCH /profile
    ignores MailQueue.deliver's answer for the change's code: 200 `pending_email`, no mail will ever come, and the
    send stays counted (the account's 60 s cooldown refuses the retry)."""
    token = client.signed_in("ona@example.lt", filled=True)
    clock.advance(61)
    with mail_queue_down():
        refused = client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS})
    assert_error(refused, 503, "mail_unavailable")
    again = client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS})
    assert again.status == 200, again.raw
    assert stack.aws.mails_to(NEW_ADDRESS)
