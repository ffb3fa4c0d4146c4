"""A hostile tester's attacks on known devices (DESIGN.md, "Known devices"; issue 20 §1), over the handlers. Each
test is one attack, or one place where the feature's own promises broke; the report is on branch `hostile`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.handler.test_known_devices import (
    ANONYMOUS,
    CEILING,
    HOME,
    OWNER,
    ask,
    asked,
    device_of,
    from_ip,
    network,
    signed_in,
    stored_key,
    verify,
    with_cookie,
)
from tests.helpers import FIRST_FILL, ViispBrowser, assert_error, device_items, wrong


def test_a_viisp_link_leaves_no_device_that_spoils_the_owners_next_code(client, stack):
    """A link moves the account's epoch (every session ends) but left its devices behind in the old epoch. The
    browser's cookie still names a device of the address, so its next code was the device's own, which the
    sign-in refuses ("the device that asked for it has ended"): the owner's right code got 401 invalid_code on
    every known browser, for as long as the device lived (DeviceSeconds, a year)."""
    first = signed_in(client)
    device = device_of(first)
    token = first.json["token"]
    assert client.as_person(token, "PUT", "/profile", FIRST_FILL).status == 200
    linked = ViispBrowser(client).link(token)
    assert linked.status == 303, linked.raw

    stack.clock.advance(61)
    login_id, code = asked(client, device)
    answer = verify(client, login_id, code, device)
    assert answer.status == 200, answer.raw


def test_a_device_the_tidying_after_a_revoke_missed_spoils_at_most_one_code(client, stack, monkeypatch):
    """The deletion after an epoch's move is best effort (and a real by_user index is read eventually consistent,
    so a device set a moment before may be missed). docs/devices.md says such a device "counts for nothing at a
    sign-in"; it counted for less than nothing: every code its browser asked was the ended device's own, which
    cannot sign in, so the owner's browser could not sign in by e-mail for as long as the device lived (a year).
    Its first code may be refused (the device that asked for it has ended); the next one must sign in."""
    from migris.domain.devices import Devices

    first = signed_in(client)
    device = device_of(first)
    user_id = first.json["profile"]["user_id"]
    monkeypatch.setattr(Devices, "end_all", lambda self, user_id, keep=None: None)  # the tidying missed it
    assert client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "lost"}).status == 200
    monkeypatch.undo()

    stack.clock.advance(61)
    login_id, code = asked(client, device)
    assert verify(client, login_id, code, device).status in {200, 401}
    stack.clock.advance(61)
    login_id, code = asked(client, device)
    answer = verify(client, login_id, code, device)
    assert answer.status == 200, answer.raw
    assert device_of(answer) != device  # the ended device is not carried into the new epoch


DAY = 86400


def test_a_strangers_refused_sends_in_flight_do_not_spend_the_reserve(stack, clock, monkeypatch):
    """A stranger spends the anonymous day just before UTC midnight; after it, a send's write sees a new day that
    is not full, so each of his further sends lands and is taken back only after the rolling day's check refused
    it. A flood from RESERVE networks keeps that many landed at once, and a known device's send that lands among
    them counted them against the ceiling: the owner's known device got 429 from a stranger who knows only the
    address. (The handlers run one request at a time; each send in flight is nested in the take-back of the one
    before, as separate Lambda containers would interleave them.)"""
    from migris.dal.codes import CodeRepository

    clock.advance(DAY - clock.now() % DAY - 900)  # a quarter of an hour before midnight UTC
    home = from_ip(stack, HOME)
    token = device_of(signed_in(home))  # the owner's sign-in: one of the day's anonymous codes
    for n in range(1, ANONYMOUS):
        asked(from_ip(stack, network(n)))
    clock.advance(960)  # a minute into the next UTC day: yesterday's codes are all still within the last day
    assert_error(ask(from_ip(stack, network(50))), 429, "rate_limited")  # the stranger's day is spent

    take_back = CodeRepository.take_back_send
    in_flight: list[int] = []
    owner: list[Any] = []

    def slow_take_back(self, box_key, send, code, before):
        if not send.source.startswith("dev") and not owner:
            in_flight.append(1)
            if len(in_flight) < CEILING - ANONYMOUS:
                assert_error(ask(from_ip(stack, network(60 + len(in_flight)))), 429, "rate_limited")
            else:
                owner.append(ask(home, token))
        return take_back(self, box_key, send, code, before)

    monkeypatch.setattr(CodeRepository, "take_back_send", slow_take_back)
    assert_error(ask(from_ip(stack, network(60))), 429, "rate_limited")
    monkeypatch.undo()
    (answer,) = owner
    assert answer.status == 202, answer.raw


def test_a_viisp_account_given_someones_address_gets_no_device_of_that_address(client, stack, clock, monkeypatch):
    """A VIISP account keeps the address VIISP gives as contact data, never confirmed by a code and never the key of
    an e-mail sign-in (another account may sign in with it). Its device carried that address's hash, so a stranger
    whose VIISP profile names the owner's address got a cookie the owner's box took for a known device: he spent
    the owner's reserve after the anonymous day, and the owner's own known device got 429."""
    import migris.domain.viisp_login as viisp_login

    home = from_ip(stack, HOME)
    owner = device_of(signed_in(home))  # the owner's e-mail account and known device
    monkeypatch.setattr(viisp_login, "_email", lambda value: OWNER)  # VIISP gives the stranger's account OWNER
    stranger_browser = ViispBrowser(from_ip(stack, network(90)))
    _, ticket, nonce, _ = stranger_browser.start()
    stranger = device_of(stranger_browser.post_back(stranger_browser.authenticate(ticket)[1], nonce))
    monkeypatch.undo()
    for n in range(1, ANONYMOUS):
        asked(from_ip(stack, network(n)))
    spent = []
    for _ in range(CEILING - ANONYMOUS):
        clock.advance(61)
        spent.append(ask(from_ip(stack, network(90)), stranger).status)
    assert spent == [429] * (CEILING - ANONYMOUS)  # his cookie counts for nothing: the anonymous day is spent
    answer = ask(home, owner)
    assert answer.status == 202, answer.raw


def test_the_logs_and_answers_of_a_devices_life_hold_no_token_hash_code_or_address(client, stack, clock):
    """Attack (d): every device path (set, a device's code tried wrong then right, listed, forgotten, sign-out
    that forgets, a staff revoke, a garbage cookie) logged and answered; neither holds the cookie's token, its
    keyed hash (or the 16 characters a ref would take), the device's source ref in the box, a code or the
    address."""
    import io
    import json
    import logging

    from migris.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger._logger.addHandler(handler)
    answers: list[bytes] = []
    try:
        home = from_ip(stack, HOME)
        first = signed_in(home)
        answers.append(first.raw)
        token = device_of(first)
        clock.advance(61)
        login_id, code = asked(home, token)
        answers.append(verify(home, login_id, wrong(code), token).raw)
        again = verify(home, login_id, code, token)
        answers.append(again.raw)
        session = again.json["token"]
        listed = home.as_person(session, "GET", "/sessions", headers=with_cookie(token))
        answers.append(listed.raw)
        clock.advance(61)
        other = device_of(signed_in(from_ip(stack, network(7))))
        (_, older) = listed.json["devices"] + home.as_person(session, "GET", "/sessions").json["devices"][1:]
        answers.append(home.as_person(session, "GET", "/sessions", headers=with_cookie("garbage")).raw)
        answers.append(home.as_person(session, "DELETE", f"/devices/{older['id']}").raw)
        answers.append(
            home.as_person(session, "POST", "/logout", {"forget_device": True}, headers=with_cookie(token)).raw
        )
        user_id = first.json["profile"]["user_id"]
        answers.append(client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "lost"}).raw)
        clock.advance(61)
        answers.append(ask(home, "garbage").raw)
    finally:
        logger._logger.removeHandler(handler)
    logs = stream.getvalue()
    bodies = "\n".join(answer.decode(errors="replace") for answer in answers)  # the person's own profile in them
    assert [json.loads(line) for line in logs.splitlines()]
    from migris.wiring import services

    stored = {item["pk"].removeprefix("device#") for item in device_items(stack)}
    hashes = {services().devices.hash_of(value) for value in (token, other, "garbage")} | stored
    sources = {services().codes.device_source(value) for value in hashes}
    codes = {m for mail in stack.aws.mails_to(OWNER) for m in __import__("re").findall(r"\b\d{8}\b", mail["text"])}
    for secret in (token, other, *hashes, *(value[:16] for value in hashes), *sources, *codes):
        assert secret not in logs and secret not in bodies, secret
    assert OWNER not in logs and "ona@" not in logs


# --- attacks that held: kept as tests so they keep holding ---


def test_a_stranger_gets_no_more_than_the_anonymous_codes_in_any_day_across_midnight(stack, clock):
    """Attack (e): from many networks, half before UTC midnight and the rest after it, ask as many codes as will
    go; the codes a stranger could try (those mailed without a device cookie) stay at the anonymous ceiling
    within any 24 hours."""
    clock.advance(DAY - clock.now() % DAY - 1800)
    statuses = [ask(from_ip(stack, network(n))).status for n in range(1, 11)]
    clock.advance(3600)
    statuses += [ask(from_ip(stack, network(n))).status for n in range(11, 41)]
    assert statuses.count(202) == ANONYMOUS
    assert len(stack.aws.mails_to(OWNER)) == ANONYMOUS
    clock.advance(DAY - 3600 - 60)  # still within a day of the first codes
    assert_error(ask(from_ip(stack, network(41))), 429, "rate_limited")


def test_two_sends_at_once_with_one_device_cookie_mail_one_code(stack, monkeypatch):
    """Attack (f): two requests with the same device cookie at once (the second made while the first's send has
    landed and its mail is being queued): the device's cooldown in the write's condition refuses the second."""
    from migris.domain.codes import Codes

    home = from_ip(stack, HOME)
    token = device_of(signed_in(home))
    stack.clock.advance(61)
    original = Codes.send_sign_in_code
    inner: list[Any] = []

    def twice(self, email, language, source_ip, device=None):
        if not inner:
            inner.append(None)
            inner[0] = ask(home, token)
        return original(self, email, language, source_ip, device)

    monkeypatch.setattr(Codes, "send_sign_in_code", twice)
    outer = ask(home, token)
    monkeypatch.undo()
    assert sorted([outer.status, inner[0].status]) == [202, 429]
    assert len(stack.aws.mails_to(OWNER)) == 2  # the sign-in's code and one device code


def test_two_sign_ins_at_once_leave_no_more_devices_than_allowed(make_stack, monkeypatch):
    """Attack (f): a new browser signs in while another one's sign-in is between its write and its tidying; the
    account keeps MaxDevicesPerAccount devices, the least recently used ended."""
    from migris.domain.devices import Devices

    stack = make_stack(MaxDevicesPerAccount="2")
    for n in range(2):
        signed_in(from_ip(stack, network(n + 1)))
        stack.clock.advance(61)
    original = Devices.opened
    nested: list[Any] = []

    def opened_later(self, account, grant, *, new_account=False):
        if not nested:
            nested.append(None)
            nested[0] = signed_in(from_ip(stack, network(9)))
        return original(self, account, grant, new_account=new_account)

    monkeypatch.setattr(Devices, "opened", opened_later)
    signed_in(from_ip(stack, network(8)))
    monkeypatch.undo()
    assert len(device_items(stack)) == 2


def test_a_forget_that_overtakes_a_sign_in_on_the_device_is_not_undone(client, stack, monkeypatch):
    """Attack (f): the person forgets the device (from another session) after a sign-in on it read it and before
    that sign-in's write: the keep is conditional, so the forgotten device is not written back; the sign-in sets a
    new device instead."""
    from migris.dal.accounts import AccountRepository

    home = from_ip(stack, HOME)
    first = signed_in(home)
    token = device_of(first)
    (listed,) = home.as_person(first.json["token"], "GET", "/sessions").json["devices"]
    stack.clock.advance(61)
    login_id, code = asked(home)
    write = AccountRepository.transact
    forgotten: list[int] = []

    def forget_first(self, items):
        if not forgotten:
            forgotten.append(home.as_person(first.json["token"], "DELETE", f"/devices/{listed['id']}").status)
        return write(self, items)

    monkeypatch.setattr(AccountRepository, "transact", forget_first)
    answer = verify(home, login_id, code, token)
    monkeypatch.undo()
    assert forgotten == [204]
    assert answer.status == 200, answer.raw
    assert device_of(answer) != token
    (stored,) = device_items(stack)
    assert stored["did"] != listed["id"]


@pytest.mark.parametrize(
    "cookie",
    [
        "__Host-device=x",
        "__Host-device=" + "A" * 8000,
        "__Host-device=a; __Host-device=b",
        "__Host-device",
        "__Host-device==;;;=",
        "__Host-device=device#" + "0" * 64,
        "__Host-device=\u00e9\u0000",
    ],
)
def test_odd_device_cookies_and_bodies_never_answer_500(stack, cookie):
    """Attack (c): garbage, huge, duplicated and odd device cookies on every route that reads one, with and
    without a foreign Origin; odd sign-out and verify bodies; odd device ids to forget."""
    home = from_ip(stack, HOME)
    session = signed_in(home).json["token"]
    statuses = []
    for origin in (None, "https://evil.example", "null"):
        headers = {"Cookie": cookie, **({"Origin": origin} if origin else {})}
        statuses.append(home.post("/login/email", {"email": OWNER}, headers=headers).status)
        statuses.append(home.post("/login/email/verify", {"email": OWNER, "login_id": "x", "code": "1"}).status)
        statuses.append(home.as_person(session, "GET", "/sessions", headers=headers).status)
        statuses.append(home.get("/login/viisp", headers=headers).status)
    for shared in ("yes", 1, None, [], 2):
        body = {"email": OWNER, "login_id": "x", "code": "1", "shared_computer": shared}
        statuses.append(home.post("/login/email/verify", body, headers={"Cookie": cookie}).status)
    for device_id in ("%2F", "a/b", "\u0105", "%00", "x" * 3000, "..", "device%23abc", "\U0001f600"):
        statuses.append(home.as_person(session, "DELETE", f"/devices/{device_id}", headers={"Cookie": cookie}).status)
    odd = ({"forget_device": None}, {"forget_device": [1]}, [], "x", {"forget_device": True, "x": 1})
    odd += ({"forget_device": 1},)  # not a boolean: 422
    for body in odd:
        statuses.append(home.as_person(session, "POST", "/logout", body, headers={"Cookie": cookie}).status)
    out = home.as_person(session, "POST", "/logout", {"forget_device": True}, headers={"Cookie": cookie})
    statuses.append(out.status)
    assert all(status < 500 for status in statuses), statuses
    assert out.status == 204


def test_a_device_cookie_makes_the_same_reads_whatever_the_address_or_the_cookie(stack, clock):
    """Attack (b): a code asked with a device cookie, for the device's own address, another account's, an address
    without an account, and with a garbage cookie or a foreign Origin: the same answer's shape and the same
    AWS requests (the start never reads the users table; only the mail's lane tells a device's own code)."""
    from bench.calls import _Recorder

    home = from_ip(stack, HOME)
    token = device_of(signed_in(home))
    clock.advance(61)
    signed_in(from_ip(stack, network(3)), address="jonas@example.lt")
    clock.advance(61)
    recorder = _Recorder(stack)
    recorder.attach(stack.aws.function_session)
    seen = {}
    try:
        for n, (address, cookie, origin) in enumerate(
            [
                (OWNER, token, None),
                ("jonas@example.lt", token, None),
                ("niekas@example.lt", token, None),
                ("niekas2@example.lt", "garbage", None),
                ("niekas3@example.lt", token, "https://evil.example"),
            ]
        ):
            recorder.calls = []
            with stack.mail.held():
                answer = ask(from_ip(stack, network(20 + n)), cookie, address=address, origin=origin)
            assert answer.status == 202, answer.raw
            seen[address] = (sorted(answer.json), [call for call in recorder.calls if call.startswith("dynamodb")])
    finally:
        recorder.detach()
    shapes = {repr(value) for key, value in seen.items() if key != "niekas3@example.lt"}
    assert len(shapes) == 1, seen
    assert seen[OWNER][1] == ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    assert seen["niekas3@example.lt"][1] == ["dynamodb:UpdateItem"]  # a foreign Origin: the cookie is not read


def test_an_expired_device_counts_for_nothing_though_its_item_lingers(make_stack, clock):
    """Attack (b): DynamoDB's TTL deletes days late; a device past DeviceSeconds still stored gives no reserve."""
    stack = make_stack(DeviceSeconds="7200")
    home = from_ip(stack, HOME)
    token = device_of(signed_in(home))
    clock.advance(7200)
    assert len(device_items(stack)) == 1  # still stored
    for n in range(1, ANONYMOUS):
        asked(from_ip(stack, network(n)))
    assert_error(ask(home, token), 429, "rate_limited")


def test_a_sign_out_that_forgets_another_accounts_device_forgets_nothing(stack):
    """Attack (b): a person signs out with "forget this device" carrying another account's device cookie (a
    shared browser, or a cookie planted): that device stays, and still gives its own account the reserve."""
    ona = device_of(signed_in(from_ip(stack, HOME)))
    jonas = signed_in(from_ip(stack, network(5)), address="jonas@example.lt")
    out = from_ip(stack, network(5)).as_person(
        jonas.json["token"], "POST", "/logout", {"forget_device": True}, headers=with_cookie(ona)
    )
    assert out.status == 204
    owners = {item["user_id"] for item in device_items(stack)}
    assert len(device_items(stack)) == 2 and jonas.json["profile"]["user_id"] in owners


def test_the_device_a_sign_in_just_set_is_never_the_one_its_tidying_ends(make_stack):
    """Found while walking every grant: sign-ins within one second leave devices whose last use ties, and the
    tidying beyond MaxDevicesPerAccount ended an arbitrary one of them, often the one it had just set: the browser
    got a cookie that named nothing. (Each of these sign-ins, with one device allowed, had an even chance.)"""
    stack = make_stack(MaxDevicesPerAccount="1")
    for n in range(8):
        token = device_of(signed_in(from_ip(stack, network(n + 1))))  # all within the same second
        (stored,) = device_items(stack)
        assert stored["pk"] == stored_key(stack, token), f"sign-in {n + 1}: its own device was ended"
