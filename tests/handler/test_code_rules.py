"""Every code rule of DESIGN.md, through the real handlers; each test fails if its rule is removed."""

from __future__ import annotations

import hmac

import pytest
from migris.dal.codes import CodeRepository
from migris.domain import codes
from migris.domain.codes import address_key, code_hash

from tests.conftest import handler_client_hooks

ADDRESS = "ona@example.lt"


def verify(client, login_id, code, address=ADDRESS):
    return client.post("/login/email/verify", {"email": address, "login_id": login_id, "code": code})


def wrong(code: str) -> str:
    return "".join(str((int(c) + 1) % 10) for c in code)


def codes_items(stack):
    table = stack.aws.session.resource("dynamodb").Table(stack.aws.settings.codes_table)
    return table.scan()["Items"]


def test_code_is_eight_random_digits(client):
    seen = set()
    for _ in range(5):
        client.stack.clock.advance(61)
        assert client.start(ADDRESS).status == 202
        code = client.last_code(ADDRESS)
        assert len(code) == 8 and code.isdigit()
        seen.add(code)
    assert len(seen) > 1


def test_code_length_follows_the_parameter(make_stack):
    from tests.conftest import Client

    client = Client(make_stack(CodeLength="10"))
    client.start(ADDRESS)
    assert len(client.last_code(ADDRESS)) == 10


def test_code_is_stored_only_as_a_keyed_hash(client, stack):
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    items = codes_items(stack)
    assert len(items) == 1
    stored = repr(items[0])
    assert code not in stored
    assert ADDRESS not in stored
    assert client.source_ip not in stored
    pepper = stack.aws.services().pepper()
    assert items[0]["codes"][login_id]["h"] == code_hash(pepper, login_id, code)
    assert items[0]["pk"] == address_key(pepper, ADDRESS)


def test_code_is_compared_in_constant_time(client, monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(codes.hmac, "compare_digest", spy)
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    assert verify(client, login_id, code).status == 200
    assert any(len(a) == 64 and a == b for a, b in calls), "the code hash was not compared with compare_digest"


def test_right_code_signs_in_once(client):
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    first = verify(client, login_id, code)
    assert first.status == 200
    again = verify(client, login_id, code)
    assert again.status == 401 and again.error_code == "invalid_code"


def test_code_is_bound_to_its_login_id(client):
    client.start(ADDRESS)
    code = client.last_code(ADDRESS)
    answer = verify(client, "another-login-id", code)
    assert answer.status == 401 and answer.error_code == "invalid_code"


def test_a_new_code_replaces_the_old(client, clock):
    first_login = client.start(ADDRESS).json["login_id"]
    first_code = client.last_code(ADDRESS)
    clock.advance(61)
    second_login = client.start(ADDRESS).json["login_id"]
    second_code = client.last_code(ADDRESS)
    assert verify(client, first_login, first_code).status == 401
    assert verify(client, second_login, second_code).status == 200


def test_code_expires_after_its_ttl_even_if_the_item_remains(client, clock, stack):
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    clock.advance(3600)
    assert codes_items(stack), "moto keeps the item: the expiry must be checked in code"
    answer = verify(client, login_id, code)
    assert answer.status == 401 and answer.error_code == "invalid_code"


def test_code_is_valid_just_before_its_ttl(client, clock):
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    clock.advance(3599)
    assert verify(client, login_id, code).status == 200


def test_code_is_burned_after_five_wrong_tries(client):
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    for _ in range(5):
        assert verify(client, login_id, wrong(code)).status == 401
    answer = verify(client, login_id, code)
    assert answer.status == 401 and answer.error_code == "invalid_code"


def test_four_wrong_tries_leave_the_code_usable(client):
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    for _ in range(4):
        verify(client, login_id, wrong(code))
    assert verify(client, login_id, code).status == 200


def test_the_try_is_counted_before_the_compare(client, stack):
    """A code whose tries are used up (here by concurrent callers) refuses even the right code."""
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    table = stack.aws.session.resource("dynamodb").Table(stack.aws.settings.codes_table)
    key = codes_items(stack)[0]["pk"]
    table.update_item(
        Key={"pk": key},
        UpdateExpression="SET codes.#id.att = :max",
        ExpressionAttributeNames={"#id": login_id},
        ExpressionAttributeValues={":max": 5},
    )
    assert verify(client, login_id, code).status == 401


def test_concurrent_right_tries_open_one_session(client, monkeypatch):
    """Two callers both pass the compare; the conditional consume lets only one of them in."""
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    real_count = CodeRepository.count_attempt
    inner = []

    def count_then_let_the_other_in(self, *args, **kwargs):
        result = real_count(self, *args, **kwargs)
        if not inner:
            inner.append(None)
            # The other caller runs to its end while this one sits between its count and its consume.
            inner[0] = verify(client, login_id, code)
        return result

    monkeypatch.setattr(CodeRepository, "count_attempt", count_then_let_the_other_in)
    outer = verify(client, login_id, code)
    assert sorted([outer.status, inner[0].status]) == [200, 401]


def test_failures_count_across_codes_and_lock_the_address(make_stack, clock):
    from tests.conftest import Client

    client = Client(make_stack(ResendCooldownSeconds="0"))
    failures = 0
    while failures < 9:
        login_id = client.start(ADDRESS).json["login_id"]
        code = client.last_code(ADDRESS)
        for _ in range(min(4, 9 - failures)):
            assert verify(client, login_id, wrong(code)).status == 401
            failures += 1
    # A new code does not reset the count: the tenth failure in a row locks the address.
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    locked = verify(client, login_id, wrong(code))
    assert locked.status == 429 and locked.error_code == "too_many_attempts"
    assert int(locked.header("Retry-After")) == 900
    # While locked even the right code is refused, and no new code is sent.
    refused = verify(client, login_id, code)
    assert refused.status == 429
    assert client.start(ADDRESS).status == 429


def test_each_lock_lasts_longer(make_stack, clock):
    from tests.conftest import Client

    client = Client(
        make_stack(ResendCooldownSeconds="0", LockoutThreshold="2", MaxCodesPerHour="100", MaxCodesPerDay="100")
    )
    waits = []
    for _ in range(3):
        login_id = client.start(ADDRESS).json["login_id"]
        code = client.last_code(ADDRESS)
        verify(client, login_id, wrong(code))
        locked = verify(client, login_id, wrong(code))
        assert locked.status == 429
        waits.append(int(locked.header("Retry-After")))
        clock.advance(waits[-1])
    assert waits == [900, 1800, 3600]


def test_a_success_resets_the_failure_count(make_stack):
    from tests.conftest import Client

    client = Client(make_stack(ResendCooldownSeconds="0"))
    for _ in range(3):
        login_id = client.start(ADDRESS).json["login_id"]
        code = client.last_code(ADDRESS)
        for _ in range(3):
            verify(client, login_id, wrong(code))
        assert verify(client, login_id, code).status == 200


def test_sixty_seconds_between_codes(client, clock):
    assert client.start(ADDRESS).status == 202
    clock.advance(30)
    limited = client.start(ADDRESS)
    assert limited.status == 429 and limited.error_code == "rate_limited"
    assert limited.header("Retry-After") == "30"
    clock.advance(30)
    assert client.start(ADDRESS).status == 202


def test_five_codes_an_hour(client, clock):
    for _ in range(5):
        assert client.start(ADDRESS).status == 202
        clock.advance(60)
    limited = client.start(ADDRESS)
    assert limited.status == 429 and limited.error_code == "rate_limited"
    assert int(limited.header("Retry-After")) == 3600 - 5 * 60
    assert len(client.stack.aws.mails_to(ADDRESS)) == 5


def test_ten_codes_a_day(client, clock):
    for _ in range(10):
        assert client.start(ADDRESS).status == 202
        clock.advance(3600)
    limited = client.start(ADDRESS)
    assert limited.status == 429 and limited.error_code == "rate_limited"
    assert int(limited.header("Retry-After")) == 86400 - 10 * 3600
    clock.advance(86400 - 10 * 3600)
    assert client.start(ADDRESS).status == 202


def test_limits_are_per_address(client):
    assert client.start(ADDRESS).status == 202
    assert client.start("petras@example.lt").status == 202


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
