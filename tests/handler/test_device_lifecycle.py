"""A known device's life (DESIGN.md, "Known devices"; issue 20 §1): listed with the sessions, forgotten by its
person (one by one, or at sign-out), learnt by a VIISP sign-in at its start, carried by the e-mail change it
confirms, and ended with every session by a staff revoke. An ended device counts for nothing: its codes are
anyone's again."""

from __future__ import annotations

import pytest

from tests.handler.test_known_devices import (
    ANONYMOUS,
    DEVICE,
    OWNER,
    asked,
    device_of,
    from_ip,
    network,
    signed_in,
    verify,
    with_cookie,
)
from tests.helpers import FIRST_FILL, Client, ViispBrowser, assert_error, device_items

NEW_ADDRESS = "ona.nauja@example.lt"


def spend_the_anonymous_day(stack) -> None:
    """A stranger asks every code requests without a known device may ask for OWNER today (what the owner's own
    sign-ins asked counts too), until a network of his that asked nothing yet is refused."""
    for n in range(ANONYMOUS):
        assert from_ip(stack, network(n + 1)).start(OWNER).status in {202, 429}
    assert_error(from_ip(stack, network(ANONYMOUS + 1)).start(OWNER), 429, "rate_limited")


def reserve_is_open(client: Client, device: str) -> bool:
    """Whether the device's cookie still reaches the reserve once the anonymous day is spent."""
    return client.post("/login/email", {"email": OWNER}, headers=with_cookie(device)).status == 202


def test_the_sessions_list_shows_the_devices_and_which_one_asks(client):
    first = signed_in(client)
    phone = device_of(first)
    client.stack.clock.advance(61)
    laptop_answer = signed_in(from_ip(client.stack, "198.51.100.8"))
    laptop = device_of(laptop_answer)
    listed = client.as_person(first.json["token"], "GET", "/sessions", headers=with_cookie(phone)).json["devices"]
    assert len(listed) == 2
    assert [entry["current"] for entry in listed] == [False, True]  # the most recently used first
    assert {"id", "created_at", "last_used_at", "current", "browser"} <= set(listed[0])
    assert phone not in repr(listed) and laptop not in repr(listed)


def test_a_device_gets_its_browser_in_words_never_the_header(client):
    login_id, code = asked(client)
    android = (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
    )
    answer = client.post(
        "/login/email/verify",
        {"email": OWNER, "login_id": login_id, "code": code},
        headers={"User-Agent": android},
    )
    (listed,) = client.as_person(answer.json["token"], "GET", "/sessions").json["devices"]
    assert listed["browser"] == "Chrome on Android"


def test_a_forgotten_device_counts_for_nothing(client, stack):
    answer = signed_in(client)
    device = device_of(answer)
    token = answer.json["token"]
    (listed,) = client.as_person(token, "GET", "/sessions").json["devices"]
    assert_error(client.as_person(token, "DELETE", "/devices/not-an-id"), 404, "not_found")
    forgotten = client.as_person(token, "DELETE", f"/devices/{listed['id']}", headers=with_cookie(device))
    assert forgotten.status == 204
    assert forgotten.set_cookie(DEVICE) is not None and "Max-Age=0" in str(forgotten.set_cookie(DEVICE))
    assert device_items(stack) == []
    assert_error(client.as_person(token, "DELETE", f"/devices/{listed['id']}"), 404, "not_found")
    spend_the_anonymous_day(stack)
    assert not reserve_is_open(client, device)


def test_another_persons_device_cannot_be_forgotten(client, stack):
    ona = signed_in(client)
    stack.clock.advance(61)
    jonas = signed_in(from_ip(stack, "198.51.100.9"), address="jonas@example.lt")
    (onas,) = client.as_person(ona.json["token"], "GET", "/sessions").json["devices"]
    assert_error(client.as_person(jonas.json["token"], "DELETE", f"/devices/{onas['id']}"), 404, "not_found")
    assert len(device_items(stack)) == 2


@pytest.mark.parametrize("forget", [False, True])
def test_sign_out_forgets_the_device_only_when_asked(client, stack, forget):
    answer = signed_in(client)
    device = device_of(answer)
    headers = {"Authorization": f"Bearer {answer.json['token']}", **with_cookie(device)}
    out = client.post("/logout", {"forget_device": True} if forget else None, headers=headers)
    assert out.status == 204
    assert (out.set_cookie(DEVICE) is not None) == forget
    assert len(device_items(stack)) == (0 if forget else 1)
    spend_the_anonymous_day(stack)
    assert reserve_is_open(client, device) == (not forget)


def test_a_sign_out_body_that_is_not_ours_changes_nothing(client, stack):
    answer = signed_in(client)
    headers = {"Authorization": f"Bearer {answer.json['token']}"}
    assert_error(client.post("/logout", {"forget": True}, headers=headers), 422, "validation_error")
    assert client.as_person(answer.json["token"], "GET", "/profile").status == 200  # still signed in
    assert len(device_items(stack)) == 1


def test_a_staff_revoke_ends_every_device(client, stack):
    answer = signed_in(client)
    device = device_of(answer)
    user_id = answer.json["profile"]["user_id"]
    revoked = client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "phone stolen"})
    assert revoked.status == 200, revoked.raw
    assert device_items(stack) == []
    spend_the_anonymous_day(stack)
    assert not reserve_is_open(client, device)


def test_a_device_ended_by_a_revoke_gets_a_new_one_at_the_next_sign_in(client, stack):
    answer = signed_in(client)
    device = device_of(answer)
    user_id = answer.json["profile"]["user_id"]
    assert client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "lost"}).status == 200
    stack.clock.advance(61)
    again = signed_in(client, device)
    assert device_of(again) != device
    assert len(device_items(stack)) == 1


def test_an_email_change_keeps_the_device_that_confirmed_it_for_the_new_address(client, stack):
    answer = signed_in(client)
    device = device_of(answer)
    token = answer.json["token"]
    assert client.as_person(token, "PUT", "/profile", FIRST_FILL).status == 200
    stack.clock.advance(61)
    other = device_of(signed_in(from_ip(stack, "198.51.100.8")))  # another browser of the same person
    assert client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS}).status == 200
    code = client.last_code(NEW_ADDRESS)
    confirmed = client.as_person(token, "POST", "/profile/email/verify", {"code": code}, headers=with_cookie(device))
    assert confirmed.status == 200, confirmed.raw
    (kept,) = device_items(stack)
    assert kept["pk"] != f"device#{other}"
    # The kept device is the new address's known device now: its code is its own, and it signs in with it.
    stack.clock.advance(61)
    login_id, code = asked(client, device, address=NEW_ADDRESS)
    assert_error(verify(client, login_id, code, address=NEW_ADDRESS), 401, "invalid_code")
    assert verify(client, login_id, code, device, address=NEW_ADDRESS).status == 200


def test_a_viisp_sign_in_learns_the_device_at_its_start_and_keeps_it(client, stack):
    browser = ViispBrowser(client)
    _, ticket, nonce, _ = browser.start()
    first = browser.post_back(browser.authenticate(ticket)[1], nonce)
    device = device_of(first)
    (stored,) = device_items(stack)
    _, ticket, nonce, _ = browser.start(headers=with_cookie(device))
    again = browser.post_back(browser.authenticate(ticket)[1], nonce)
    assert again.status == 303
    assert again.set_cookie(DEVICE) is None  # the known device is kept: no new cookie
    (kept,) = device_items(stack)
    assert kept["pk"] == stored["pk"] and kept["last_used_at"] >= stored["last_used_at"]


def test_a_viisp_sign_in_on_a_shared_computer_leaves_no_device(client, stack):
    browser = ViispBrowser(client)
    _, ticket, nonce, _ = browser.start("/login/viisp?shared_computer=true")
    answer = browser.post_back(browser.authenticate(ticket)[1], nonce)
    assert answer.status == 303
    assert answer.set_cookie(DEVICE) is None
    assert device_items(stack) == []


def test_a_device_cookie_from_another_page_is_not_learnt_by_a_viisp_start(client, stack):
    """A VIISP start with another site's Origin gets nothing from the cookie: the sign-in sets a new device."""
    browser = ViispBrowser(client)
    _, ticket, nonce, _ = browser.start()
    device = device_of(browser.post_back(browser.authenticate(ticket)[1], nonce))
    _, ticket, nonce, _ = browser.start(headers={**with_cookie(device), "Origin": "https://evil.example"})
    again = browser.post_back(browser.authenticate(ticket)[1], nonce)
    assert device_of(again) != device
    assert len(device_items(stack)) == 2


@pytest.mark.parametrize("by", ["anonymous code", "device code"])
def test_a_known_device_that_a_revoke_overtakes_is_not_carried_into_the_new_epoch(client, stack, monkeypatch, by):
    """Staff end every session and device after a sign-in on a known device read the account and before its write:
    the device is not kept (its keep is conditional on the epoch read). A sign-in with a code asked without the
    cookie goes on in the new epoch with a new device; one with the device's own code is refused, since the
    device that asked for it has ended."""
    from migris.dal.accounts import AccountRepository

    first = signed_in(client)
    device = device_of(first)
    user_id = first.json["profile"]["user_id"]
    stack.clock.advance(61)
    login_id, code = asked(client, device if by == "device code" else None)
    write = AccountRepository.transact
    revoked = []

    def revoke_first(self, items):
        if not revoked:  # the first write attempt only
            revoked.append(client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "Stolen"}))
        return write(self, items)

    monkeypatch.setattr(AccountRepository, "transact", revoke_first)
    answer = verify(client, login_id, code, device)
    monkeypatch.undo()

    assert [revoke.status for revoke in revoked] == [200]
    if by == "device code":
        assert_error(answer, 401, "invalid_code")
        assert device_items(stack) == []
    else:
        assert answer.status == 200, answer.raw
        assert device_of(answer) != device
        (stored,) = device_items(stack)
        assert stored["epoch"] == 1


def test_the_sessions_list_names_each_sessions_browser_in_words(client):
    """A person recognises a session by its browser and system, in the parser's fixed words, never the header."""
    login_id, code = asked(client)
    header = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " + (
        "Version/17.1 Mobile/15E148 Safari/604.1 <script>"
    )
    answer = client.post(
        "/login/email/verify", {"email": OWNER, "login_id": login_id, "code": code}, headers={"User-Agent": header}
    )
    (listed,) = client.as_person(answer.json["token"], "GET", "/sessions").json["sessions"]
    assert listed["browser"] == "Mobile Safari on iOS"
