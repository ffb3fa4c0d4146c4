"""The code rules walked over HTTP, through the real handlers: the template's numbers reach them, their refusals
are the API's answers (401 invalid_code, 429 with Retry-After), and what only a handler can get wrong. Every rule
on its own is in tests/domain/test_codes.py."""

from __future__ import annotations

import pytest
from migris.dal.codes import code_box
from migris.domain.codes import address_key, code_hash

from tests.helpers import Client, assert_error, handler_client_hooks, session_items, table

ADDRESS = "ona@example.lt"


def verify(client, login_id, code, address=ADDRESS):
    return client.post("/login/email/verify", {"email": address, "login_id": login_id, "code": code})


def test_a_code_of_eight_digits_signs_in_once(client, stack):
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    assert len(code) == 8 and code.isdigit()
    # The handlers key what they store with the pepper from Secrets Manager.
    pepper = stack.aws.services().pepper()
    (item,) = table(stack, "CodesTable").scan()["Items"]
    assert item["pk"] == address_key(pepper, ADDRESS)
    assert code_box(item["pk"], item).codes[login_id].code_hash == code_hash(pepper, login_id, code)
    assert verify(client, login_id, code).status == 200
    assert_error(verify(client, login_id, code), 401, "invalid_code")


def test_code_length_follows_the_parameter(make_stack):
    client = Client(make_stack(CodeLength="10"))
    client.start(ADDRESS)
    assert len(client.last_code(ADDRESS)) == 10


def test_sixty_seconds_between_codes(client, clock):
    assert client.start(ADDRESS).status == 202
    clock.advance(30)
    limited = client.start(ADDRESS)
    assert_error(limited, 429, "rate_limited")
    assert limited.header("Retry-After") == "30"
    clock.advance(30)
    assert client.start(ADDRESS).status == 202


def test_ten_codes_a_day(client, clock):
    for _ in range(10):
        assert client.start(ADDRESS).status == 202
        clock.advance(3600)
    limited = client.start(ADDRESS)
    assert_error(limited, 429, "rate_limited")
    assert int(limited.header("Retry-After")) == 86400 - 10 * 3600
    clock.advance(86400 - 10 * 3600)
    assert client.start(ADDRESS).status == 202


@pytest.mark.parametrize("known", [False, True])
def test_start_never_reads_accounts(client, stack, clock, known):
    if known:
        client.sign_in(ADDRESS)
        clock.advance(61)
    accounts_table = stack.aws.settings.accounts_table
    touched = []
    calls = []

    def watch(params, **_):
        calls.append(params)
        if accounts_table in repr(params):
            touched.append(params)

    client.start("warm-up@example.lt")  # the handlers' DynamoDB client exists: watch its calls
    events = handler_client_hooks("dynamodb")
    events.register("before-call.dynamodb", watch)
    try:
        answer = client.start(ADDRESS)
    finally:
        events.unregister("before-call.dynamodb", watch)
    assert any(stack.aws.settings.codes_table in repr(call) for call in calls), "the watch must see the calls"
    assert answer.status == 202
    assert touched == []
    assert set(answer.json) == {"email", "login_id", "expires_in", "resend_after"}
    assert answer.json["expires_in"] == 3600 and answer.json["resend_after"] == 60


def test_suppressed_address_gets_no_mail_and_the_same_answer(client, stack):
    stack.aws.suppressed.add(ADDRESS)
    answer = client.start(ADDRESS)
    assert answer.status == 202
    assert set(answer.json) == {"email", "login_id", "expires_in", "resend_after"}
    assert stack.aws.mails_to(ADDRESS) == []


def _before_the_transaction(monkeypatch, other_request):
    """Run `other_request` to its end just before the verify's transaction (the code found right, not yet used)."""
    from migris.dal.accounts import AccountRepository

    real = AccountRepository.transact

    def other_first(self, items):
        monkeypatch.setattr(AccountRepository, "transact", real)
        other_request()
        return real(self, items)

    monkeypatch.setattr(AccountRepository, "transact", other_first)


def test_of_two_concurrent_right_tries_exactly_one_opens_a_session(client, stack, monkeypatch):
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    answers = []
    _before_the_transaction(monkeypatch, lambda: answers.append(verify(client, login_id, code)))
    answers.append(verify(client, login_id, code))
    assert sorted(answer.status for answer in answers) == [200, 401]
    assert len(session_items(stack)) == 1
    assert len([key for key in _account_keys(stack) if key.startswith("user#")]) == 1


def test_two_first_sign_ins_at_once_share_one_account(client, stack, monkeypatch):
    """Codes asked from two network addresses, entered at once: the first creates the account, the second signs
    in to it (its code still used up once)."""
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    client.source_ip = "203.0.113.9"
    other_id = client.start(ADDRESS).json["login_id"]
    other_code = client.last_code(ADDRESS)
    answers = []
    _before_the_transaction(monkeypatch, lambda: answers.append(verify(client, other_id, other_code)))
    answers.append(verify(client, login_id, code))
    assert [answer.status for answer in answers] == [200, 200]
    assert answers[0].json["profile"]["user_id"] == answers[1].json["profile"]["user_id"]
    assert len([key for key in _account_keys(stack) if key.startswith("user#")]) == 1
    assert len(session_items(stack)) == 2
    assert_error(verify(client, login_id, code), 401, "invalid_code")


def _account_keys(stack):
    return [str(item["pk"]) for item in table(stack, "AccountsTable").scan()["Items"]]
