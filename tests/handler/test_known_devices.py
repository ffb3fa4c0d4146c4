"""Known devices (DESIGN.md, "Known devices"; issue 20 §1) at the e-mail sign-in, over the handlers: the cookie a
sign-in leaves, what is stored of it, and what it is worth when a stranger who knows only the address spends its
limits. The same scenario over real HTTP is tests/e2e/test_known_devices.py."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from tests.helpers import (
    ORIGIN,
    Answer,
    Client,
    assert_error,
    device_items,
    session_items,
    wrong,
)

OWNER = "ona@example.lt"
HOME = "198.51.100.7"
DEVICE = "__Host-device"
SESSION = "__Host-session"
# The template's defaults: MaxCodesPerAddressPerDay 20, of which DeviceReserveCodes 5 only known devices may ask.
CEILING, RESERVE = 20, 5
ANONYMOUS = CEILING - RESERVE


def network(n: int) -> str:
    """The n-th of the strangers' networks (none of them the owner's)."""
    return f"203.0.113.{n}"


def from_ip(stack: Any, ip: str) -> Client:
    client = Client(stack)
    client.source_ip = ip
    return client


def with_cookie(device: str | None, origin: str | None = None) -> dict[str, str]:
    headers = {} if device is None else {"Cookie": f"{DEVICE}={device}"}
    if origin is not None:
        headers["Origin"] = origin
    return headers


def ask(client: Client, device: str | None = None, *, address: str = OWNER, origin: str | None = None) -> Answer:
    """POST /login/email, with the device cookie `device` (and this Origin) when given."""
    return client.post("/login/email", {"email": address}, headers=with_cookie(device, origin))


def verify(
    client: Client, login_id: str, code: str, device: str | None = None, *, address: str = OWNER, **extra: Any
) -> Answer:
    body = {"email": address, "login_id": login_id, "code": code, **extra}
    return client.post("/login/email/verify", body, headers=with_cookie(device))


def asked(client: Client, device: str | None = None, *, address: str = OWNER) -> tuple[str, str]:
    """A code asked (202) and mailed: its login id and the code."""
    answer = ask(client, device, address=address)
    assert answer.status == 202, answer.raw
    return answer.json["login_id"], client.last_code(address)


def signed_in(client: Client, device: str | None = None, *, address: str = OWNER, **extra: Any) -> Answer:
    """A whole e-mail sign-in from the client's network, the device cookie sent with both steps when given."""
    login_id, code = asked(client, device, address=address)
    answer = verify(client, login_id, code, device, address=address, **extra)
    assert answer.status == 200, answer.raw
    return answer


def device_of(answer: Answer) -> str:
    token = answer.cookie_value(DEVICE)
    assert token, answer.all("Set-Cookie")
    return token


def spend_the_anonymous_day(stack: Any, already: int, *, address: str = OWNER) -> dict[str, tuple[str, str]]:
    """Strangers on networks 1, 2, ... ask codes without a cookie until the address has had what requests without
    a known device's cookie may ask today (`already` of them asked before): each network's login id and code."""
    return {network(n): asked(from_ip(stack, network(n)), address=address) for n in range(1, 1 + ANONYMOUS - already)}


def cookie_attributes(header: str) -> tuple[str, dict[str, str]]:
    """A Set-Cookie header's value and its attributes (names lower-cased; a flag's value is "")."""
    first, *rest = (part.strip() for part in header.split(";"))
    attributes = {}
    for part in rest:
        name, _, value = part.partition("=")
        attributes[name.lower()] = value
    return first.partition("=")[2], attributes


def stored_key(stack: Any, token: str) -> str:
    """The key a device with this token is stored under: the HMAC of the token under the code pepper."""
    secrets = stack.aws.session.client("secretsmanager")
    value = secrets.get_secret_value(SecretId=stack.template.physical_name("CodePepperSecret"))
    pepper = value["SecretBinary"] if "SecretBinary" in value else str(value["SecretString"]).encode()
    return "device#" + hmac.new(pepper, f"device\x00{token}".encode(), hashlib.sha256).hexdigest()


# --- the cookie and what is stored of it ---


def test_a_sign_in_sets_a_lasting_device_cookie_only_our_pages_send(make_stack, clock):
    stack = make_stack(DeviceSeconds="7200")
    answer = signed_in(from_ip(stack, HOME))
    header = answer.set_cookie(DEVICE)
    assert header is not None, answer.all("Set-Cookie")
    token, attributes = cookie_attributes(header)
    assert attributes == {"path": "/", "secure": "", "httponly": "", "samesite": "Lax", "max-age": "7200"}
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) == 32  # a 256-bit token
    (item,) = device_items(stack)
    assert item["user_id"] == answer.json["profile"]["user_id"]
    assert int(item["expires_at"]) == int(clock.now()) + 7200
    # The session cookie still ends with the browser: only the device cookie lasts.
    assert "max-age" not in cookie_attributes(answer.set_cookie(SESSION) or "")[1]


def test_a_shared_computer_gets_no_device(stack):
    answer = signed_in(from_ip(stack, HOME), shared_computer=True)
    assert answer.set_cookie(SESSION) is not None
    assert answer.set_cookie(DEVICE) is None
    assert device_items(stack) == []
    assert len(session_items(stack)) == 1


def test_the_device_is_stored_only_as_a_keyed_hash(stack):
    token = device_of(signed_in(from_ip(stack, HOME)))
    (item,) = device_items(stack)
    stored = repr(item)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert token not in stored
    for plain in (hashlib.sha256(token.encode()), hashlib.sha256(raw)):
        assert plain.hexdigest() not in stored
        assert base64.urlsafe_b64encode(plain.digest()).decode().rstrip("=") not in stored
    assert item["pk"] == stored_key(stack, token)


def test_a_sign_in_on_a_known_device_keeps_it(stack, clock):
    home = from_ip(stack, HOME)
    first = signed_in(home)
    token = device_of(first)
    (created,) = device_items(stack)
    clock.advance(3600)
    again = signed_in(home, token)
    assert again.json["profile"]["user_id"] == first.json["profile"]["user_id"]
    assert device_of(again) == token  # the same token set again, for another DeviceSeconds
    (kept,) = device_items(stack)
    assert kept["pk"] == created["pk"] and kept["did"] == created["did"]
    assert int(kept["last_used_at"]) == int(created["last_used_at"]) + 3600
    assert int(kept["expires_at"]) == int(created["expires_at"]) + 3600
    assert len(session_items(stack)) == 2


# --- the reserve: a stranger cannot spend what the owner's known device may ask ---


def test_a_stranger_who_spends_the_anonymous_day_leaves_the_owner_the_reserve(stack, clock):
    home = from_ip(stack, HOME)
    token = device_of(signed_in(home))  # the owner's first code: one of the day's anonymous ones
    spend_the_anonymous_day(stack, already=1)
    assert len(stack.aws.mails_to(OWNER)) == ANONYMOUS
    refused = ask(from_ip(stack, network(99)))
    assert_error(refused, 429, "rate_limited")
    assert_error(ask(home), 429, "rate_limited")  # the owner too, without the cookie

    codes = []
    for _ in range(RESERVE):
        clock.advance(60)  # the device's own cooldown
        codes.append(asked(home, token))
    assert len(stack.aws.mails_to(OWNER)) == CEILING
    clock.advance(60)
    assert_error(ask(home, token), 429, "rate_limited")  # no one gets more than the ceiling
    assert len(stack.aws.mails_to(OWNER)) == CEILING
    login_id, code = codes[-1]
    assert verify(home, login_id, code, token).status == 200


# --- a device's code and its tries ---


def test_a_devices_code_signs_in_only_with_its_cookie(stack):
    home = from_ip(stack, HOME)
    token = device_of(signed_in(home))
    stranger = from_ip(stack, network(1))
    spend_the_anonymous_day(stack, already=1)  # so that the next code is surely the device's
    login_id, code = asked(stranger, token)  # the cookie counts wherever the device is
    assert_error(verify(stranger, login_id, code), 401, "invalid_code")
    assert_error(verify(home, login_id, code), 401, "invalid_code")
    answer = verify(stranger, login_id, code, token)
    assert answer.status == 200, answer.raw
    assert device_of(answer) == token


def test_wrong_tries_with_the_cookie_lock_the_device_and_not_the_network(stack, clock):
    home = from_ip(stack, HOME)
    token = device_of(signed_in(home))
    statuses = []
    for _ in range(2):  # a code is burned after 5 wrong tries: the run of 10 takes two of them
        clock.advance(60)
        login_id, code = asked(home, token)
        statuses += [verify(home, login_id, wrong(code), token) for _ in range(5)]
    assert [answer.status for answer in statuses] == [401] * 9 + [429]
    assert_error(statuses[-1], 429, "too_many_attempts")
    clock.advance(60)
    locked = ask(home, token)
    assert_error(locked, 429, "rate_limited")  # the device asks nothing while it is locked
    assert int(locked.header("Retry-After") or 0) > 0

    # The same network without the cookie was not locked: it gets a code and signs in with it.
    login_id, code = asked(home)
    answer = verify(home, login_id, code)
    assert answer.status == 200, answer.raw


def test_codes_asked_elsewhere_never_push_the_devices_code_out(stack, clock):
    home = from_ip(stack, HOME)
    token = device_of(signed_in(home))
    clock.advance(60)
    device_code = asked(home, token)
    anonymous = []
    for n in range(1, 5):
        clock.advance(1)  # one after another: the newest three are told by the second each was asked in
        anonymous.append(asked(from_ip(stack, network(n))))
    # Four codes without the cookie: the first of them gave way to the three newest...
    assert_error(verify(from_ip(stack, network(1)), *anonymous[0]), 401, "invalid_code")
    # ... but the device's code, older than all of them, still signs in.
    answer = verify(home, *device_code, token)
    assert answer.status == 200, answer.raw


# --- a cookie that counts for nothing ---


def test_a_device_cookie_sent_with_a_foreign_origin_counts_for_nothing(stack, clock):
    home = from_ip(stack, HOME)
    token = device_of(signed_in(home))
    clock.advance(60)
    # Asked with the cookie from another site's page: an anonymous code, which signs in without the cookie.
    foreign = ask(home, token, origin="https://evil.example")
    assert foreign.status == 202, foreign.raw
    assert verify(home, foreign.json["login_id"], home.last_code(OWNER)).status == 200
    spend_the_anonymous_day(stack, already=2)
    clock.advance(60)
    assert_error(ask(home, token, origin="https://evil.example"), 429, "rate_limited")
    assert_error(ask(home, token, origin="null"), 429, "rate_limited")
    # The same cookie from our own page still gets its reserve.
    assert ask(home, token, origin=ORIGIN).status == 202


def test_another_accounts_device_or_a_garbage_cookie_counts_for_nothing(stack):
    others_device = device_of(signed_in(from_ip(stack, HOME), address="jonas@example.lt"))
    codes = spend_the_anonymous_day(stack, already=0)
    garbage = ["x", "not-a-device-token", "%00%ff", "A" * 4000, others_device + "x"]
    for n, cookie in enumerate([others_device, *garbage], start=100):
        assert_error(ask(from_ip(stack, network(n)), cookie), 429, "rate_limited")

    # Either cookie sent at a sign-in is no known device of this account: it signs in, on a new device.
    latest = list(codes.items())[-2:]  # two of the three anonymous codes that still sign in
    for (ip, (login_id, code)), cookie in zip(latest, [others_device, "not-a-device-token"], strict=True):
        answer = verify(from_ip(stack, ip), login_id, code, cookie)
        assert answer.status == 200, answer.raw
        assert device_of(answer) not in {others_device, "not-a-device-token"}
    items = device_items(stack)
    assert len(items) == 3 and len({item["user_id"] for item in items}) == 2
    assert stored_key(stack, others_device) in {item["pk"] for item in items}


# --- at most MaxDevicesPerAccount ---


def test_an_account_keeps_at_most_max_devices(make_stack, clock):
    stack = make_stack(MaxDevicesPerAccount="2")
    tokens = []
    for n in range(1, 4):
        clock.advance(60)
        tokens.append(device_of(signed_in(from_ip(stack, network(n)))))
    assert len(set(tokens)) == 3
    assert {item["pk"] for item in device_items(stack)} == {stored_key(stack, token) for token in tokens[1:]}
    # The first browser's device has ended: signing in there again sets a new one.
    assert device_of(signed_in(from_ip(stack, network(1)), tokens[0])) not in tokens


def test_the_least_recently_used_device_ends_first(make_stack, clock):
    stack = make_stack(MaxDevicesPerAccount="2")
    first = device_of(signed_in(from_ip(stack, network(1))))
    clock.advance(60)
    second = device_of(signed_in(from_ip(stack, network(2))))
    clock.advance(60)
    assert device_of(signed_in(from_ip(stack, network(1)), first)) == first  # the oldest, used again
    clock.advance(60)
    third = device_of(signed_in(from_ip(stack, network(3))))
    kept = {item["pk"] for item in device_items(stack)}
    assert kept == {stored_key(stack, first), stored_key(stack, third)}
    assert stored_key(stack, second) not in kept
