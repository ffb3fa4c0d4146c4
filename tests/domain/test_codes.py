"""Every code rule of DESIGN.md on the domain itself: migris.domain.codes.Codes over the codes table (moto, made
from template.yaml), a mailer that records, and a clock the test moves. The numbers are the template's.
tests/handler/test_code_rules.py and test_code_sources.py walk the same rules over HTTP, through the handlers."""

from __future__ import annotations

import hmac
import math
from decimal import Decimal

import pytest
from migris.dal.codes import CodeRepository, code_box
from migris.domain import codes as codes_module
from migris.domain.codes import address_key, code_hash, network_of
from migris.domain.errors import InvalidCode, RateLimited, TooManyAttempts

from tests.helpers import wrong

OWNER = "ona@example.lt"
HOME = "198.51.100.7"
STRANGER = "203.0.113.66"
# Locks after two failures, with sends never in the way: for watching locks come and go.
QUICK_LOCKS = {"ResendCooldownSeconds": "0", "LockoutThreshold": "2", "MaxCodesPerHour": "100", "MaxCodesPerDay": "100"}


def use(desk, login_id, code, email=OWNER, source_ip=HOME):
    desk.codes.use_sign_in_code(email, login_id, code, source_ip)


def refused(error, call, *args):
    """The call raises this very domain error; the error, for its numbers (retry_after)."""
    with pytest.raises(error) as raised:
        call(*args)
    assert type(raised.value) is error
    return raised.value


# --- a code: digits, stored keyed, compared in constant time, used once ---


def test_a_code_is_eight_random_digits(desk):
    seen = set()
    for _ in range(5):
        desk.clock.advance(61)
        _, code = desk.send(OWNER, HOME)
        assert len(code) == 8 and code.isdigit()
        seen.add(code)
    assert len(seen) > 1


def test_the_code_length_follows_the_parameter(make_codes):
    desk = make_codes(CodeLength="10")
    _, code = desk.send(OWNER, HOME)
    assert len(code) == 10 and code.isdigit()


def test_a_code_is_stored_only_as_a_keyed_hash(desk):
    login_id, code = desk.send(OWNER, HOME)
    items = desk.items()
    assert len(items) == 1
    stored = repr(items[0])
    assert code not in stored
    assert OWNER not in stored
    assert HOME not in stored
    assert code_box(items[0]["pk"], items[0]).codes[login_id].code_hash == code_hash(desk.pepper, login_id, code)
    assert items[0]["pk"] == address_key(desk.pepper, OWNER)


def test_a_code_is_compared_in_constant_time(desk, monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(codes_module.hmac, "compare_digest", spy)
    login_id, code = desk.send(OWNER, HOME)
    use(desk, login_id, code)
    assert any(len(a) == 64 and a == b for a, b in calls), "the code hash was not compared with compare_digest"


def test_the_right_code_works_once(desk):
    login_id, code = desk.send(OWNER, HOME)
    use(desk, login_id, code)
    refused(InvalidCode, use, desk, login_id, code)


def test_a_code_is_bound_to_its_login_id(desk):
    _, code = desk.send(OWNER, HOME)
    refused(InvalidCode, use, desk, "another-login-id", code)


def test_a_code_for_one_address_does_not_work_for_another(desk):
    login_id, code = desk.send(OWNER, HOME)
    refused(InvalidCode, use, desk, login_id, code, "petras@example.lt")
    use(desk, login_id, code)


def test_a_new_code_from_the_same_network_address_replaces_the_old(desk):
    first_login, first_code = desk.send(OWNER, HOME)
    desk.clock.advance(60)
    second_login, second_code = desk.send(OWNER, HOME)
    refused(InvalidCode, use, desk, first_login, first_code)
    use(desk, second_login, second_code)


def test_a_code_expires_at_its_ttl_even_if_the_item_remains(desk):
    login_id, code = desk.send(OWNER, HOME)
    desk.clock.advance(3600)
    assert desk.items(), "moto keeps the item: the expiry must be checked in code"
    refused(InvalidCode, use, desk, login_id, code)


def test_a_code_is_valid_just_before_its_ttl(desk):
    login_id, code = desk.send(OWNER, HOME)
    desk.clock.advance(3599)
    use(desk, login_id, code)


# --- tries ---


def test_a_code_is_burned_after_five_wrong_tries(desk):
    login_id, code = desk.send(OWNER, HOME)
    for _ in range(5):
        refused(InvalidCode, use, desk, login_id, wrong(code))
    refused(InvalidCode, use, desk, login_id, code)


def test_four_wrong_tries_leave_the_code_usable(desk):
    login_id, code = desk.send(OWNER, HOME)
    for _ in range(4):
        refused(InvalidCode, use, desk, login_id, wrong(code))
    use(desk, login_id, code)


def test_the_try_is_counted_before_the_compare(desk):
    """A code whose tries are used up (here by concurrent callers) refuses even the right code."""
    login_id, code = desk.send(OWNER, HOME)
    (item,) = desk.items()
    desk.table.update_item(
        Key={"pk": item["pk"]},
        UpdateExpression="SET #tries = :max",
        ExpressionAttributeNames={"#tries": f"tries_{login_id}"},
        ExpressionAttributeValues={":max": 5},
    )
    refused(InvalidCode, use, desk, login_id, code)


def test_of_two_concurrent_right_tries_exactly_one_succeeds(desk, monkeypatch):
    """Two callers both pass the compare; the conditional consume lets only one of them in."""
    login_id, code = desk.send(OWNER, HOME)
    real_apply = CodeRepository.apply
    outcomes = []

    def attempt():
        try:
            use(desk, login_id, code)
        except InvalidCode:
            outcomes.append("invalid_code")
        else:
            outcomes.append("used")

    def let_the_other_in_then_use(self, *args, **kwargs):
        monkeypatch.setattr(CodeRepository, "apply", real_apply)
        # The other caller runs to its end while this one sits between its compare and its consume.
        attempt()
        return real_apply(self, *args, **kwargs)

    monkeypatch.setattr(CodeRepository, "apply", let_the_other_in_then_use)
    attempt()
    assert sorted(outcomes) == ["invalid_code", "used"]


def test_a_right_guess_loses_to_a_wrong_one_counted_after_its_read(desk, monkeypatch):
    """Guesses in flight together: once a wrong one is counted, a right one that read the code before that count
    no longer lands, so every count lets at most one guess through and a code never gets more than its tries."""
    login_id, code = desk.send(OWNER, HOME)
    real_apply = CodeRepository.apply

    def a_wrong_guess_is_counted_first(self, *args, **kwargs):
        monkeypatch.setattr(CodeRepository, "apply", real_apply)
        refused(InvalidCode, use, desk, login_id, wrong(code), OWNER, STRANGER)
        return real_apply(self, *args, **kwargs)

    monkeypatch.setattr(CodeRepository, "apply", a_wrong_guess_is_counted_first)
    refused(InvalidCode, use, desk, login_id, code)
    use(desk, login_id, code)  # read again, after the count: the code itself is still good


# --- failures lock the (address, network address) pair, for longer each time ---


def test_failures_count_across_codes_and_lock_the_pair(make_codes):
    desk = make_codes(ResendCooldownSeconds="0")
    failures = 0
    while failures < 9:
        login_id, code = desk.send(OWNER, HOME)
        for _ in range(min(4, 9 - failures)):
            refused(InvalidCode, use, desk, login_id, wrong(code))
            failures += 1
    # A new code does not reset the count: the tenth failure in a row locks.
    login_id, code = desk.send(OWNER, HOME)
    assert refused(TooManyAttempts, use, desk, login_id, wrong(code)).retry_after == 900
    # While locked even the right code is refused, and no new code is sent.
    refused(TooManyAttempts, use, desk, login_id, code)
    mails = len(desk.mailer.sent)
    refused(RateLimited, desk.send, OWNER, HOME)
    assert len(desk.mailer.sent) == mails


def lock_once(desk):
    login_id, code = desk.send(OWNER, HOME)
    refused(InvalidCode, use, desk, login_id, wrong(code))
    return refused(TooManyAttempts, use, desk, login_id, wrong(code)).retry_after


def test_each_lock_lasts_longer(make_codes):
    desk = make_codes(**QUICK_LOCKS)
    waits = []
    for _ in range(3):
        waits.append(lock_once(desk))
        desk.clock.advance(waits[-1])
    assert waits == [900, 1800, 3600]


def test_a_success_resets_the_failure_count(make_codes):
    desk = make_codes(ResendCooldownSeconds="0")
    for _ in range(3):
        login_id, code = desk.send(OWNER, HOME)
        for _ in range(3):
            refused(InvalidCode, use, desk, login_id, wrong(code))
        use(desk, login_id, code)


def test_a_success_resets_the_failures_and_the_lock_growth(make_codes):
    desk = make_codes(**QUICK_LOCKS)
    assert lock_once(desk) == 900
    desk.clock.advance(900)
    assert lock_once(desk) == 1800  # the second lock in a row lasts longer
    desk.clock.advance(1800)
    login_id, code = desk.send(OWNER, HOME)
    use(desk, login_id, code)
    assert lock_once(desk) == 900  # a success started the count and its growth again


# --- send limits ---


def test_sixty_seconds_between_codes(desk):
    desk.send(OWNER, HOME)
    desk.clock.advance(30)
    assert refused(RateLimited, desk.send, OWNER, HOME).retry_after == 30
    desk.clock.advance(30)
    desk.send(OWNER, HOME)


def test_five_codes_an_hour(desk):
    for _ in range(5):
        desk.send(OWNER, HOME)
        desk.clock.advance(60)
    assert refused(RateLimited, desk.send, OWNER, HOME).retry_after == 3600 - 5 * 60
    assert len(desk.mailer.to(OWNER)) == 5


def test_ten_codes_a_day(desk):
    for _ in range(10):
        desk.send(OWNER, HOME)
        desk.clock.advance(3600)
    assert refused(RateLimited, desk.send, OWNER, HOME).retry_after == 86400 - 10 * 3600
    desk.clock.advance(86400 - 10 * 3600)
    desk.send(OWNER, HOME)


def reach(desk, limit):
    """From HOME, bring OWNER to `limit` (the cooldown, the hourly or daily sends, or a lock after failures), and
    the wait OWNER is then told."""
    if limit == "lock":
        login_id, code = desk.send(OWNER, HOME)
        refused(InvalidCode, use, desk, login_id, wrong(code))
        refused(TooManyAttempts, use, desk, login_id, wrong(code))  # the second failure in a row locks the pair
        return refused(TooManyAttempts, use, desk, login_id, code).retry_after  # the right code too, while locked
    sends, gap = {"cooldown": (1, 0), "hourly": (5, 60), "daily": (10, 3600)}[limit]
    for _ in range(sends):
        desk.send(OWNER, HOME)
        desk.clock.advance(gap)
    return refused(RateLimited, desk.send, OWNER, HOME).retry_after


@pytest.mark.parametrize(
    ("limit", "wait"),
    [("cooldown", 60), ("hourly", 3600 - 5 * 60), ("daily", 86400 - 10 * 3600), ("lock", 900)],
)
def test_limits_are_per_address(make_codes, limit, wait):
    """A network address that reached a limit for one address still gets a code for another, and signs in."""
    desk = make_codes(LockoutThreshold="2")  # a lock after two failures; every send limit as the template has it
    assert reach(desk, limit) == wait  # the limit named, and no other, holds OWNER back
    login_id, code = desk.send("petras@example.lt", HOME)
    use(desk, login_id, code, "petras@example.lt", HOME)
    assert len(desk.mailer.to("petras@example.lt")) == 1


# --- per (address, network address): what a stranger does elsewhere cannot keep the owner out ---


def test_a_stranger_who_locks_himself_out_does_not_lock_out_the_owner(desk):
    desk.send(OWNER, STRANGER)
    # Made-up login ids and codes, until the stranger's network address is locked for this address.
    for n in range(9):
        refused(InvalidCode, use, desk, f"made-up-{n}", "12345678", OWNER, STRANGER)
    refused(TooManyAttempts, use, desk, "made-up-9", "12345678", OWNER, STRANGER)
    refused(TooManyAttempts, use, desk, "made-up-x", "12345678", OWNER, STRANGER)
    refused(RateLimited, desk.send, OWNER, STRANGER)

    login_id, code = desk.send(OWNER, HOME)
    use(desk, login_id, code, OWNER, HOME)


def test_send_limits_are_per_network_address(desk):
    for _ in range(5):
        desk.send(OWNER, STRANGER)
        desk.clock.advance(60)
    refused(RateLimited, desk.send, OWNER, STRANGER)  # five an hour from there
    desk.send(OWNER, HOME)  # the owner's own allowance is whole


def test_a_code_asked_from_elsewhere_leaves_the_owners_code_valid(desk):
    login_id, code = desk.send(OWNER, HOME)
    desk.send(OWNER, STRANGER)
    use(desk, login_id, code, OWNER, HOME)


def test_at_most_three_codes_live_and_the_newest_always_works(desk):
    issued = []
    for n in range(1, 5):
        source_ip = f"203.0.113.{n}"
        issued.append((source_ip, *desk.send(OWNER, source_ip)))
        desk.clock.advance(1)  # codes are ordered by the second they were asked in
    oldest_ip, oldest_login, oldest_code = issued[0]
    refused(InvalidCode, use, desk, oldest_login, oldest_code, OWNER, oldest_ip)
    for source_ip, login_id, code in issued[1:]:
        use(desk, login_id, code, OWNER, source_ip)


def test_the_ceiling_over_all_sources_holds(make_codes):
    # Without a known device's cookie, the ceiling less the devices' reserve: 3.
    desk = make_codes(MaxCodesPerAddressPerDay="8", DeviceReserveCodes="5")
    for n in range(3):
        desk.send(OWNER, f"203.0.113.{n}")
    assert refused(RateLimited, desk.send, OWNER, HOME).retry_after == 86400
    assert len(desk.mailer.to(OWNER)) == 3


def test_a_send_over_a_limit_leaves_the_code_already_mailed_valid(make_codes):
    """The send is written before the hourly limit is checked on what the write found: the one over the limit is
    taken back, and the code the person already has from that network address still works."""
    desk = make_codes(ResendCooldownSeconds="0", MaxCodesPerHour="2")
    desk.send(OWNER, HOME)
    login_id, code = desk.send(OWNER, HOME)
    refused(RateLimited, desk.send, OWNER, HOME)
    assert len(desk.mailer.to(OWNER)) == 2
    use(desk, login_id, code)


def test_sends_that_race_past_each_other_still_keep_the_ceiling(make_codes, monkeypatch):
    """Two sends from two networks, the second written between the first's write and its check: each checks the
    box as its own write found it, so one of them is over the ceiling and taken back."""
    desk = make_codes(MaxCodesPerAddressPerDay="7", DeviceReserveCodes="5")  # 2 without a device's cookie
    desk.send(OWNER, "203.0.113.1")
    real_add_send = CodeRepository.add_send

    def the_other_lands_right_after(self, *args, **kwargs):
        monkeypatch.setattr(CodeRepository, "add_send", real_add_send)
        written = real_add_send(self, *args, **kwargs)
        # The other one, to its end: its write found this one's, so it is the one over the ceiling.
        refused(RateLimited, desk.send, OWNER, "203.0.113.3")
        return written

    monkeypatch.setattr(CodeRepository, "add_send", the_other_lands_right_after)
    login_id, code = desk.send(OWNER, "203.0.113.2")
    assert len(desk.mailer.to(OWNER)) == 2
    (item,) = desk.items()
    assert len(code_box(item["pk"], item).sent) == 2  # the refused send was taken back
    use(desk, login_id, code, OWNER, "203.0.113.2")


def test_a_box_in_daily_use_for_months_stays_small(make_codes):
    """Old days, tries of replaced codes and ended locks are forgotten: an item never nears DynamoDB's 400 KB."""
    desk = make_codes(ResendCooldownSeconds="0", LockoutThreshold="100000", MaxCodesPerAddressPerDay="100")
    sizes = []
    for day in range(90):
        for hour in range(3):
            login_id, code = desk.send(OWNER, f"198.51.{day}.{hour}")
            refused(InvalidCode, use, desk, login_id, wrong(code))
            desk.clock.advance(3600)
        desk.clock.advance(86400 - 3 * 3600)
        (item,) = [item for item in desk.items() if item["pk"] == address_key(desk.pepper, OWNER)]
        sizes.append(len(item))
    assert max(sizes[30:]) <= 50, sizes


def test_many_stale_attributes_never_keep_the_owner_from_a_code(make_codes):
    """A stranger locks 250 networks of his own on the owner's address (each lock leaves a copy in the box, stale
    once it ends): the owner's next sends still mail, each clears a bounded batch within DynamoDB's 4 KB
    expression limit, and after a few what is left is less than a send waits for."""
    desk = make_codes(LockoutThreshold="1", LockoutSeconds="60", ResendCooldownSeconds="0")
    for n in range(250):
        refused(TooManyAttempts, use, desk, "x" * 22, "00000000", OWNER, f"2001:db8:0:{n:x}::1")
    desk.clock.advance(61)
    table = desk.codes._records._table
    real_update = table.update_item
    expressions = []

    def watched(**params):
        expressions.extend(params.get(part, "") for part in ("UpdateExpression", "ConditionExpression"))
        return real_update(**params)

    table.update_item = watched
    for n in range(8):
        login_id, code = desk.send(OWNER, f"198.51.100.{n}")
    assert len(desk.mailer.to(OWNER)) == 8
    assert max(len(expression) for expression in expressions) <= 4096
    use(desk, login_id, code, OWNER, "198.51.100.7")
    (box_item,) = [item for item in desk.items() if item["pk"] == address_key(desk.pepper, OWNER)]
    assert len([name for name in box_item if name.startswith("lock_")]) < codes_module.FORGET_AT  # from 250


def test_a_taken_back_send_never_brings_a_code_back_with_fewer_tries(make_codes, monkeypatch):
    """A sends a code and spends four tries on it; A's next send is over the hourly limit and, while it is the
    newest, a send from elsewhere forgets the old code's tries as stale. The take-back must not bring the old
    code back with its tries forgotten."""
    desk = make_codes(MaxCodesPerHour="1")
    first_network, other_network = "192.0.2.10", "192.0.2.20"
    login_id, code = desk.send(OWNER, first_network)
    for n in range(24):  # 24 ended locks: enough stale attributes for a send to forget them
        for _ in range(10):
            with pytest.raises((InvalidCode, TooManyAttempts)):
                use(desk, "y" * 22, "00000000", OWNER, f"2001:db8:0:{n:x}::1")
    for _ in range(4):
        refused(InvalidCode, use, desk, login_id, wrong(code), OWNER, first_network)
    desk.clock.advance(1000)  # the locks are over; still within the first network's hour
    records = desk.codes._records
    real_take_back = records.take_back_send

    def another_send_first(*args, **kwargs):
        desk.send(OWNER, other_network)
        return real_take_back(*args, **kwargs)

    monkeypatch.setattr(records, "take_back_send", another_send_first)
    refused(RateLimited, desk.send, OWNER, first_network)
    (box_item,) = [item for item in desk.items() if item["pk"] == address_key(desk.pepper, OWNER)]
    old = code_box(box_item["pk"], box_item).codes.get(login_id)
    assert old is None or old.attempts == 4


def test_an_email_change_the_account_may_not_make_charges_the_new_address_nothing(desk):
    desk.codes.make_email_change_code("user-1", "pirma@example.lt", HOME)
    refused(RateLimited, desk.codes.make_email_change_code, "user-1", "antra@example.lt", HOME)  # the account's
    desk.send("antra@example.lt", HOME)  # no cooldown of a mail that never went


def test_an_email_change_that_fails_on_the_way_charges_the_new_address_nothing(desk, monkeypatch):
    """The account's own write fails (DynamoDB refuses): the error goes on; the new address's count is taken
    back."""
    from botocore.exceptions import ClientError

    real_add_send = CodeRepository.add_send
    calls = []

    def the_accounts_write_fails(self, box_key, *args, **kwargs):
        calls.append(box_key)
        if len(calls) == 2:  # the first counts the mail to the new address, the second is the account's code
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "down"}}, "UpdateItem")
        return real_add_send(self, box_key, *args, **kwargs)

    monkeypatch.setattr(CodeRepository, "add_send", the_accounts_write_fails)
    with pytest.raises(ClientError):
        desk.codes.make_email_change_code("user-1", "antra@example.lt", HOME)
    monkeypatch.setattr(CodeRepository, "add_send", real_add_send)
    desk.send("antra@example.lt", HOME)  # no cooldown of a mail that never went


def test_ipv6_addresses_of_one_subscriber_count_together(desk):
    desk.send(OWNER, "2001:db8:1:2::1")
    refused(RateLimited, desk.send, OWNER, "2001:db8:1:2:ffff::9")  # the 60-second cooldown is shared
    desk.send(OWNER, "2001:db8:1:3::1")


# --- every code mail counts against its destination ---


def test_change_codes_to_one_address_count_against_it(desk):
    """Eight accounts asking to move to one address cannot flood it while its sign-in cooldown runs."""
    victim = "auka@example.lt"
    desk.send(victim, HOME)
    for n in range(8):
        refused(RateLimited, desk.codes.make_email_change_code, f"user-{n}", victim, HOME)
    assert len(desk.mailer.to(victim)) == 1


def test_change_codes_and_sign_in_codes_share_the_addresss_daily_ceiling(make_codes):
    desk = make_codes(MaxCodesPerAddressPerDay="8", DeviceReserveCodes="5")  # 3 without a device's cookie
    victim = "auka@example.lt"
    for n in range(3):
        desk.codes.make_email_change_code(f"user-{n}", victim, f"203.0.113.{n}")
    refused(RateLimited, desk.send, victim, HOME)
    assert desk.mailer.to(victim) == []


def test_a_mail_counted_to_an_address_counts_as_a_code_to_it(desk):
    """A mail without a code of its own (a notice to a taken address) counts against the address alike."""
    victim = "auka@example.lt"
    desk.codes.count_mail_to(victim, HOME)
    refused(RateLimited, desk.send, victim, HOME)
    desk.clock.advance(60)
    desk.send(victim, HOME)


def test_an_email_change_code_works_once_for_its_account_only(desk):
    change = desk.codes.make_email_change_code("user-1", "nauja@example.lt", HOME)
    refused(InvalidCode, desk.codes.use_email_change_code, "user-2", change.login_id, change.code)
    desk.codes.use_email_change_code("user-1", change.login_id, change.code)
    refused(InvalidCode, desk.codes.use_email_change_code, "user-1", change.login_id, change.code)


# --- a box stays small whatever the flood (issue 20) ---


def dynamodb_size(value: object) -> int:
    """Bytes DynamoDB counts for a value: strings as UTF-8, a number one byte per two significant digits plus
    one, a set its members, a map 3 bytes plus each name, value and one byte."""
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, int | Decimal):
        digits = str(abs(Decimal(value)).normalize()).replace(".", "").lstrip("0") or "0"
        return 1 + math.ceil(len(digits) / 2)
    if isinstance(value, set | frozenset):
        return sum(dynamodb_size(member) for member in value)
    if isinstance(value, dict):
        return 3 + sum(len(name.encode()) + dynamodb_size(inner) + 1 for name, inner in value.items())
    raise TypeError(type(value))


def item_size(item: dict) -> int:
    return sum(len(name.encode()) + dynamodb_size(value) for name, value in item.items())


# With the template's numbers, at most: a day's 20 sends (730 bytes), the last sends of the 20 networks within
# their cooldown (540), 8 lock slots (352), the 3 codes that sign in and what waits to be folded (4 codes of 130
# bytes, 7 tries of 30) and the key: 2,628 bytes and 43 attributes measured. Before issue 20 the same flood
# left 31,678 bytes and 1,062 attributes (a lock copy for every network that locked).
FLOODED_BOX_BYTES = 2700
FLOODED_BOX_ATTRIBUTES = 45


def test_a_flood_from_a_thousand_networks_leaves_a_small_box_and_cheap_refusals(make_codes):
    """A stranger asks a code for the owner's address from 1,000 networks, tries wrong codes at the ones he gets
    and locks every network with tries at codes he does not have. The box stays under FLOODED_BOX_BYTES and
    FLOODED_BOX_ATTRIBUTES, so a refused send (one conditional write, refused unwritten) costs 3 write units at
    most, and leaves the box as it was."""
    desk = make_codes(LockoutThreshold="3")
    box_key = address_key(desk.pepper, OWNER)
    table = desk.codes._records._table
    real_update = table.update_item
    writes: list[str] = []

    def counted(**params):
        writes.append(params["UpdateExpression"])
        return real_update(**params)

    table.update_item = counted

    def box() -> dict:
        return desk.table.get_item(Key={"pk": box_key})["Item"]

    desk.send(OWNER, HOME)
    sizes, refusals = [], 0
    for n in range(1000):
        network = f"10.0.{n // 250}.{n % 250 + 1}"
        before, writes[:] = box(), []
        try:
            login_id, code = desk.send(OWNER, network)
        except RateLimited:
            refusals += 1
            assert len(writes) == 1 and box() == before  # refused in its one write, unwritten
        else:
            for _ in range(2):
                refused(InvalidCode, use, desk, login_id, wrong(code), OWNER, network)
        for _ in range(3):
            with pytest.raises((InvalidCode, TooManyAttempts)):
                use(desk, "x" * 22, "00000000", OWNER, network)
        flooded = box()
        sizes.append((item_size(flooded), len(flooded)))
        desk.clock.advance(1)
    # The owner's send and 14 of the stranger's fill what a day gives requests without a known device's cookie
    # (the ceiling, 20, less the devices' reserve, 5).
    assert refusals == 1000 - 14
    assert len(desk.mailer.to(OWNER)) == 15
    assert max(size for size, _ in sizes) <= FLOODED_BOX_BYTES, max(sizes)
    assert max(attributes for _, attributes in sizes) <= FLOODED_BOX_ATTRIBUTES, max(sizes)
    assert math.ceil(max(size for size, _ in sizes) / 1024) <= 3  # write units of a refused send


def test_a_lock_folded_out_of_the_box_still_refuses_its_tries(make_codes):
    """A stranger's network locks, then locks from 100 more fold it out of the box: its tries are still refused
    until its lock ends, and the owner's network, never locked, still gets a code and signs in."""
    desk = make_codes(LockoutThreshold="2", ResendCooldownSeconds="0")
    for _ in range(2):
        with pytest.raises((InvalidCode, TooManyAttempts)):
            use(desk, "x" * 22, "00000000", OWNER, STRANGER)
    for n in range(100):
        for _ in range(2):
            with pytest.raises((InvalidCode, TooManyAttempts)):
                use(desk, "x" * 22, "00000000", OWNER, f"2001:db8:0:{n:x}::1")
    (box_item,) = [item for item in desk.items() if item["pk"] == address_key(desk.pepper, OWNER)]
    assert len([name for name in box_item if name.startswith("lock_")]) <= 8  # from 101
    refused(TooManyAttempts, use, desk, "x" * 22, "00000000", OWNER, STRANGER)
    login_id, code = desk.send(OWNER, HOME)
    use(desk, login_id, code)


def test_folding_never_frees_a_network_of_its_hourly_limit(make_codes):
    """The owner's network spends its hour; sends from 15 other networks fold its cooled-down last send and the
    codes that gave way: its next send in the hour is still refused, and nothing more is mailed from it."""
    desk = make_codes(MaxCodesPerHour="3", ResendCooldownSeconds="60", MaxCodesPerAddressPerDay="100")
    for _ in range(3):
        desk.send(OWNER, HOME)
        desk.clock.advance(61)
    for n in range(15):
        desk.send(OWNER, f"198.51.{n}.1")
        desk.clock.advance(1)
    (box_item,) = [item for item in desk.items() if item["pk"] == address_key(desk.pepper, OWNER)]
    assert not any(name.endswith(desk.codes._source_ref(network_of(HOME))) for name in box_item if "last_" in name)
    mails = len(desk.mailer.to(OWNER))
    assert refused(RateLimited, desk.send, OWNER, HOME).retry_after > 3000  # the hour, not a cooldown
    assert len(desk.mailer.to(OWNER)) == mails
