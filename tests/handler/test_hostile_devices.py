"""A hostile tester's attacks on known devices (DESIGN.md, "Known devices"; issue 20 §1), over the handlers. Each
test is one attack, or one place where the feature's own promises broke; the report is on branch `hostile`."""

from __future__ import annotations

from typing import Any

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
    verify,
)
from tests.helpers import FIRST_FILL, ViispBrowser, assert_error


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
