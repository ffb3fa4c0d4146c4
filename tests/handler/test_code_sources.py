"""Limits per (address, network address), walked over HTTP: the network address is the client's source IP as API
Gateway reports it (requestContext.identity.sourceIp), and every code mail, a change code's too, counts against
its destination. The rules one by one are in tests/domain/test_codes.py."""

from __future__ import annotations

import pytest

from tests.helpers import Client, assert_error

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
    assert_error(answers[-1], 429, "too_many_attempts")
    assert int(answers[-1].header("Retry-After")) == 900
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
    limited = stranger.start(OWNER)
    assert_error(limited, 429, "rate_limited")  # five an hour from there
    assert int(limited.header("Retry-After")) == 3600 - 5 * 60
    assert owner.start(OWNER).status == 202  # the owner's own allowance is whole
    assert len(stack.aws.mails_to(OWNER)) == 6


# --- every code mail counts against its destination ---


def test_change_codes_to_one_address_count_against_it(stack, client):
    """Accounts asking to move to one address cannot flood it while its sign-in cooldown runs: refused, and no
    mail goes out. (Eight of them, on the domain: tests/domain/test_codes.py.)"""
    victim = "auka@example.lt"
    tokens = [client.signed_in(f"a{n}@example.lt", filled=True) for n in range(3)]
    assert client.start(victim).status == 202
    answers = [client.as_person(token, "PATCH", "/profile", {"email": victim}) for token in tokens]
    for answer in answers:
        assert_error(answer, 429, "rate_limited")
    assert len(stack.aws.mails_to(victim)) == 1


def test_change_codes_and_sign_in_codes_share_the_addresss_daily_ceiling(make_stack, clock):
    stack = make_stack(MaxCodesPerAddressPerDay="8", DeviceReserveCodes="5")  # 3 without a device cookie
    victim = "auka@example.lt"
    for n in range(3):
        someone = from_ip(stack, f"203.0.113.{n}")
        token = someone.signed_in(f"a{n}@example.lt", filled=True)
        answer = someone.as_person(token, "PATCH", "/profile", {"email": victim})
        assert answer.status == 200, answer.raw
    limited = from_ip(stack, "198.51.100.7").start(victim)
    assert_error(limited, 429, "rate_limited")
    assert int(limited.header("Retry-After")) == 86400
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
