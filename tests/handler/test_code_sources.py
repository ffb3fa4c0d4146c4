"""Limits per (address, network address): what a stranger does from elsewhere cannot keep the owner out, and
every code mail counts against its destination. Through the real handlers; the client's source IP is what
API Gateway reports as requestContext.identity.sourceIp."""

from __future__ import annotations

import pytest

from tests.conftest import Client
from tests.handler.test_code_rules import wrong
from tests.handler.test_routes import assert_error

OWNER = "ona@example.lt"


def from_ip(stack, ip: str) -> Client:
    client = Client(stack)
    client.source_ip = ip
    return client


def verify(client, login_id, code, address=OWNER):
    return client.post("/login/email/verify", {"email": address, "login_id": login_id, "code": code})


def test_a_stranger_who_locks_himself_out_does_not_lock_out_the_owner(stack):
    stranger = from_ip(stack, "203.0.113.66")
    owner = from_ip(stack, "198.51.100.7")
    assert stranger.start(OWNER).status == 202
    # Made-up login ids and codes, until the stranger's network address is locked for this address.
    answers = [verify(stranger, f"made-up-{n}", "12345678") for n in range(10)]
    assert [a.status for a in answers] == [401] * 9 + [429]
    assert answers[-1].error_code == "too_many_attempts"
    assert verify(stranger, "made-up-x", "12345678").status == 429
    assert_error(stranger.start(OWNER), 429, "rate_limited")

    started = owner.start(OWNER)
    assert started.status == 202
    assert verify(owner, started.json["login_id"], owner.last_code(OWNER)).status == 200


def test_send_limits_are_per_network_address(stack, clock):
    stranger = from_ip(stack, "203.0.113.66")
    owner = from_ip(stack, "198.51.100.7")
    for _ in range(5):
        assert stranger.start(OWNER).status == 202
        clock.advance(60)
    assert_error(stranger.start(OWNER), 429, "rate_limited")  # five an hour from there
    assert owner.start(OWNER).status == 202  # the owner's own allowance is whole


def test_a_code_asked_from_elsewhere_leaves_the_owners_code_valid(stack):
    owner = from_ip(stack, "198.51.100.7")
    stranger = from_ip(stack, "203.0.113.66")
    login_id = owner.start(OWNER).json["login_id"]
    code = owner.last_code(OWNER)
    assert stranger.start(OWNER).status == 202
    assert verify(owner, login_id, code).status == 200


def test_a_new_code_from_the_same_network_address_replaces_the_old(stack, clock):
    owner = from_ip(stack, "198.51.100.7")
    first = owner.start(OWNER).json["login_id"]
    first_code = owner.last_code(OWNER)
    clock.advance(60)
    second = owner.start(OWNER).json["login_id"]
    second_code = owner.last_code(OWNER)
    assert_error(verify(owner, first, first_code), 401, "invalid_code")
    assert verify(owner, second, second_code).status == 200


def test_at_most_three_codes_live_and_the_newest_always_works(stack):
    clients = [from_ip(stack, f"203.0.113.{n}") for n in range(1, 5)]
    issued = []
    for client in clients:
        issued.append((client, client.start(OWNER).json["login_id"], client.last_code(OWNER)))
    oldest, newest = issued[0], issued[-1]
    assert_error(verify(oldest[0], oldest[1], oldest[2]), 401, "invalid_code")
    for client, login_id, code in issued[1:]:
        assert verify(client, login_id, code).status == 200, (login_id, newest[1])


def test_a_success_resets_the_failures_and_the_lock_growth(make_stack, clock):
    stack = make_stack(ResendCooldownSeconds="0", LockoutThreshold="2", MaxCodesPerHour="100", MaxCodesPerDay="100")
    owner = from_ip(stack, "198.51.100.7")

    def lock_once():
        login_id = owner.start(OWNER).json["login_id"]
        code = owner.last_code(OWNER)
        verify(owner, login_id, wrong(code))
        locked = verify(owner, login_id, wrong(code))
        assert locked.status == 429
        return int(locked.header("Retry-After"))

    assert lock_once() == 900
    clock.advance(900)
    assert lock_once() == 1800  # the second lock in a row lasts longer
    clock.advance(1800)
    login_id = owner.start(OWNER).json["login_id"]
    assert verify(owner, login_id, owner.last_code(OWNER)).status == 200
    assert lock_once() == 900  # a success started the count and its growth again


def test_the_ceiling_over_all_sources_holds(make_stack):
    stack = make_stack(MaxCodesPerAddressPerDay="3")
    for n in range(3):
        assert from_ip(stack, f"203.0.113.{n}").start(OWNER).status == 202
    limited = from_ip(stack, "198.51.100.7").start(OWNER)
    assert_error(limited, 429, "rate_limited")
    assert int(limited.header("Retry-After")) == 86400
    assert len(stack.aws.mails_to(OWNER)) == 3


def test_ipv6_addresses_of_one_subscriber_count_together(stack):
    first = from_ip(stack, "2001:db8:1:2::1")
    other_in_same_64 = from_ip(stack, "2001:db8:1:2:ffff::9")
    other_64 = from_ip(stack, "2001:db8:1:3::1")
    assert first.start(OWNER).status == 202
    assert_error(other_in_same_64.start(OWNER), 429, "rate_limited")  # the 60-second cooldown is shared
    assert other_64.start(OWNER).status == 202


# --- every code mail counts against its destination ---


def test_change_codes_to_one_address_count_against_it(stack, client):
    """Eight accounts asking to move to one address cannot flood it while its sign-in cooldown runs."""
    victim = "auka@example.lt"
    tokens = [client.signed_in(f"a{n}@example.lt", filled=True) for n in range(8)]
    assert client.start(victim).status == 202
    answers = [client.as_person(token, "PATCH", "/profile", {"email": victim}) for token in tokens]
    assert {a.status for a in answers} == {429}
    assert all(a.error_code == "rate_limited" for a in answers)
    assert len(stack.aws.mails_to(victim)) == 1


def test_change_codes_and_sign_in_codes_share_the_addresss_daily_ceiling(make_stack, clock):
    stack = make_stack(MaxCodesPerAddressPerDay="3")
    victim = "auka@example.lt"
    for n in range(3):
        someone = from_ip(stack, f"203.0.113.{n}")
        token = someone.signed_in(f"a{n}@example.lt", filled=True)
        answer = someone.as_person(token, "PATCH", "/profile", {"email": victim})
        assert answer.status == 200, answer.raw
    assert_error(from_ip(stack, "198.51.100.7").start(victim), 429, "rate_limited")
    assert len(stack.aws.mails_to(victim)) == 3


@pytest.mark.parametrize("taken", [False, True])
def test_a_mail_to_a_taken_address_counts_as_one_to_a_free_one(client, clock, taken):
    """The limit answers alike for a free and a taken address, so a 429 tells nothing about accounts."""
    target = "kitas@example.lt"
    if taken:
        client.signed_in(target)
        clock.advance(61)
    token = client.signed_in("ona@example.lt", filled=True)
    assert client.as_person(token, "PATCH", "/profile", {"email": target}).status == 200
    clock.advance(1)
    token2 = client.signed_in("jonas@example.lt", filled=True)
    assert_error(client.as_person(token2, "PATCH", "/profile", {"email": target}), 429, "rate_limited")
