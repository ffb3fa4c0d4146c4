""" "Not me" (DESIGN.md, "Your account"; issue 21 item 3, issue 22 item 2): the mail that tells of a new passkey
carries a link whose button ends every session and device, removes that passkey (and any added since) and
cancels a pending e-mail change; opening the link changes nothing; the token is single use and lives 7 days."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from tests.handler.test_passkeys import ADDRESS, register, sign_in, sign_in_options, with_passkey
from tests.helpers import ORIGIN, Client, assert_error, device_items, everything_stored


def not_me_token(client: Client) -> str:
    """The token of the newest "not me" link mailed to ADDRESS."""
    links = [
        link
        for mail in client.stack.aws.mails_to(ADDRESS)
        for link in re.findall(r"https?://\S+/#/not-me\?t=[\w-]+", mail["text"])
    ]
    assert links, "no not-me link mailed"
    assert links[-1].startswith(f"{ORIGIN}/#/not-me?t=")  # from configuration, never from a request
    return parse_qs(urlsplit(links[-1]).fragment.partition("?")[2])["t"][0]


def test_the_new_passkey_mail_carries_a_link_and_its_button_secures_the_account(client):
    token, device = with_passkey(client)
    mailed = not_me_token(client)
    assert client.as_person(token, "PATCH", "/profile", {"email": "ona.nauja@example.lt"}).status == 200
    stored = everything_stored(client.stack)
    # Opening the page is a GET of the web app: the API sees nothing, and nothing changes.
    assert client.get(f"/?t={mailed}").status in {200, 302, 404}
    assert everything_stored(client.stack) == stored
    answer = client.post("/activity/not-me", {"token": mailed})
    assert answer.status == 200, answer.raw
    assert re.fullmatch(r"NM-[0-9A-F]{8}", answer.json["reference"])
    assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")
    assert device_items(client.stack) == []
    options, nonce = sign_in_options(client)
    assert_error(sign_in(client, device.get(options), nonce), 401, "invalid_passkey")
    client.stack.clock.advance(61)
    again = client.signed_in(ADDRESS)
    profile = client.as_person(again, "GET", "/profile").json
    assert profile["pending_email"] is None  # the pending change was cancelled
    assert client.as_person(again, "GET", "/passkeys").json == {"passkeys": []}


def test_a_link_is_single_use(client):
    with_passkey(client)
    mailed = not_me_token(client)
    assert client.post("/activity/not-me", {"token": mailed}).status == 200
    assert_error(client.post("/activity/not-me", {"token": mailed}), 400, "invalid_token")


def test_a_link_lives_seven_days(client, clock):
    with_passkey(client)
    mailed = not_me_token(client)
    clock.advance(7 * 86400)
    assert_error(client.post("/activity/not-me", {"token": mailed}), 400, "invalid_token")


def test_only_passkeys_added_since_the_reported_one_are_removed(client, clock):
    _, device = with_passkey(client)
    older = device.passkeys[-1]
    clock.advance(120)
    fresh = client.signed_in(ADDRESS)
    assert register(client, fresh, device).status == 201
    mailed = not_me_token(client)  # the mail of the second passkey
    assert client.post("/activity/not-me", {"token": mailed}).status == 200
    options, nonce = sign_in_options(client)
    assert sign_in(client, device.get(options, older), nonce).status == 200  # the earlier one stays
    options, nonce = sign_in_options(client)
    assert sign_in(client, device.get(options), nonce).status == 401


def test_a_wrong_or_missing_token_is_refused_and_changes_nothing(client):
    token, _ = with_passkey(client)
    stored = everything_stored(client.stack)
    assert_error(client.post("/activity/not-me", {"token": "x" * 43}), 400, "invalid_token")
    assert_error(client.post("/activity/not-me", {"token": "x" * 129}), 422, "validation_error")
    assert_error(client.post("/activity/not-me", {}), 422, "validation_error")
    assert everything_stored(client.stack) == stored
    assert client.as_person(token, "GET", "/profile").status == 200


def test_the_token_is_kept_only_as_a_keyed_hash(client):
    with_passkey(client)
    mailed = not_me_token(client)
    assert mailed not in repr(everything_stored(client.stack))
