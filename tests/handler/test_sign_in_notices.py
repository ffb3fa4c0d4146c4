"""New-sign-in notices (DESIGN.md, "Your account"): a sign-in from a device that is not a known device of the
account mails its address, in the account's language, when, how and from which browser, with a "not me" link;
none for a new account's first sign-in or from a known device; at most 10 a day, and never counted against the
code limits."""

# The Ukrainian and Russian subjects are Cyrillic on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.handler.test_known_devices import DEVICE, from_ip, with_cookie
from tests.handler.test_passkeys import authenticator, register, sign_in, sign_in_options
from tests.helpers import ORIGIN, Answer, Client, assert_error, mail_queue_down

OWNER = "ona@example.lt"
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
)
SUBJECTS = {
    "lt": "MIGRIS: prisijungta iš naujo įrenginio",
    "en": "MIGRIS: a sign-in from a new device",
    "uk": "MIGRIS: вхід з нового пристрою",
    "ru": "MIGRIS: вход с нового устройства",
}


def notices(client: Client, address: str = OWNER) -> list[dict[str, Any]]:
    return [mail for mail in client.stack.aws.mails_to(address) if mail["subject"] in SUBJECTS.values()]


def sign_in_with(
    client: Client, device: str | None = None, user_agent: str | None = None, address: str = OWNER
) -> Answer:
    """An e-mail sign-in from this client, with the device cookie `device` when given."""
    headers = with_cookie(device)
    started = client.post("/login/email", {"email": address}, headers=headers)
    assert started.status == 202, started.raw
    if user_agent:
        headers["User-Agent"] = user_agent
    body = {"email": address, "login_id": started.json["login_id"], "code": client.last_code(address)}
    answer = client.post("/login/email/verify", body, headers=headers)
    assert answer.status == 200, answer.raw
    return answer


def token_of(mail: dict[str, Any]) -> str:
    link = re.search(r"https?://\S+/#/not-me\?t=\S+", mail["text"])
    assert link, mail["text"]
    return parse_qs(urlsplit(link.group(0)).fragment.partition("?")[2])["t"][0]


def test_a_new_accounts_first_sign_in_sends_none(client):
    sign_in_with(client)
    assert notices(client) == []


def test_a_sign_in_from_a_new_device_is_told_with_when_how_and_the_browser(stack, clock):
    home = from_ip(stack, "198.51.100.7")
    first = sign_in_with(home)
    token = first.json["token"]
    assert home.as_person(token, "PATCH", "/profile", {"language": "en"}).status == 200
    clock.advance(3600)
    sign_in_with(from_ip(stack, "203.0.113.9"), user_agent=ANDROID_CHROME)
    (notice,) = notices(home)
    assert notice["subject"] == SUBJECTS["en"]
    assert "with an e-mail code" in notice["text"] and "Chrome Mobile, Android" in notice["text"]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", notice["text"])
    assert f"{ORIGIN}/#/not-me?t=" in notice["text"] and f'href="{ORIGIN}/#/not-me?t=' in notice["html"]


def test_no_text_from_the_request_enters_the_notice(stack, clock):
    sign_in_with(from_ip(stack, "198.51.100.7"))
    clock.advance(3600)
    sign_in_with(from_ip(stack, "203.0.113.9"), user_agent="Call +370 600 00000 <a href=//evil.example>now</a>")
    (notice,) = notices(from_ip(stack, "198.51.100.7"))
    assert "evil" not in notice["html"] and "600 00000" not in notice["text"]
    assert "kita naršyklė" in notice["text"]  # the account's language, Lithuanian by default


def test_a_known_device_sends_none(stack, clock):
    home = from_ip(stack, "198.51.100.7")
    device = sign_in_with(home).cookie_value(DEVICE)
    assert device
    clock.advance(3600)
    sign_in_with(from_ip(stack, "203.0.113.9"), device=device)  # the same phone on another network
    assert notices(home) == []


def test_the_link_changes_nothing_until_its_button_ends_every_session(stack, clock):
    home = from_ip(stack, "198.51.100.7")
    mine = sign_in_with(home).json["token"]
    clock.advance(61)
    intruder = sign_in_with(from_ip(stack, "203.0.113.9")).json["token"]
    (notice,) = notices(home)
    token = token_of(notice)
    # Following the link only loads the page: the API is not called until its button is pressed.
    for session in (mine, intruder):
        assert home.as_person(session, "GET", "/profile").status == 200
    reported = home.post("/activity/not-me", {"token": token})
    assert reported.status == 200, reported.raw
    for session in (mine, intruder):
        assert_error(home.as_person(session, "GET", "/profile"), 401, "unauthenticated")
    assert_error(home.post("/activity/not-me", {"token": token}), 400, "invalid_token")


def test_at_most_ten_a_day_and_none_counts_against_the_code_limits(stack, clock):
    home = from_ip(stack, "198.51.100.7")
    sign_in_with(home)
    for n in range(12):
        clock.advance(61)
        sign_in_with(from_ip(stack, f"203.0.113.{n + 1}"))  # 12 more codes: within the address's 20 a day
    assert len(notices(home)) == 10
    clock.advance(86400)
    sign_in_with(from_ip(stack, "203.0.113.99"))
    assert len(notices(home)) == 11  # a new day


def test_a_sign_in_whose_notice_cannot_be_queued_still_lands(stack, clock):
    sign_in_with(from_ip(stack, "198.51.100.7"))
    clock.advance(3600)
    stranger = from_ip(stack, "203.0.113.9")
    started = stranger.post("/login/email", {"email": OWNER})
    code = stranger.last_code(OWNER)
    with mail_queue_down():
        answer = stranger.post(
            "/login/email/verify", {"email": OWNER, "login_id": started.json["login_id"], "code": code}
        )
    assert answer.status == 200, answer.raw
    assert notices(stranger) == []


def test_a_passkey_sign_in_from_a_browser_without_the_device_is_told(client, clock):
    token = client.signed_in(OWNER, filled=True)
    device = authenticator()
    assert register(client, token, device).status == 201
    clock.advance(60)
    options, nonce = sign_in_options(client)
    assert sign_in(client, device.get(options), nonce).status == 200
    (notice,) = notices(client)
    assert "prieigos raktu" in notice["text"]


def test_a_viisp_sign_in_from_a_new_device_is_told_and_one_without_an_address_is_not(browser, client, clock):
    token = browser.sign_in()  # the account's first sign-in; VIISP gave no address
    clock.advance(3600)
    outbox = len(client.stack.aws.outbox)
    token = browser.sign_in()  # another browser, but no address to tell
    assert len(client.stack.aws.outbox) == outbox
    filled = client.as_person(token, "PUT", "/profile", {"phone_number": "+37061234567", "email": "jonas@example.lt"})
    assert filled.status == 200, filled.raw
    code = client.last_code("jonas@example.lt")
    assert client.as_person(token, "POST", "/profile/email/verify", {"code": code}).status == 200
    clock.advance(3600)
    browser.sign_in()
    (notice,) = notices(client, "jonas@example.lt")
    assert "per VIISP" in notice["text"]
