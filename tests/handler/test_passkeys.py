"""Passkeys (DESIGN.md, "Passkeys"; issue 21) over the handlers, with a software authenticator
(tests/authenticator.py): a person signed in by code creates one and signs in with it alone, no mail; and every
way a sign-in or a registration must be refused is."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.authenticator import SoftAuthenticator, b64url
from tests.helpers import ORIGIN, Answer, Client, assert_error

ADDRESS = "ona@example.lt"
PASSKEY_COOKIE = "__Host-passkey"


def authenticator(**kwargs: Any) -> SoftAuthenticator:
    return SoftAuthenticator(origin=ORIGIN, rp_id=urlsplit(ORIGIN).hostname or "", **kwargs)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(client: Client, token: str, device: SoftAuthenticator, **create: Any) -> Answer:
    options = client.post("/passkeys/registration/options", {}, headers=bearer(token))
    assert options.status == 200, options.raw
    return client.post("/passkeys", {"credential": device.create(options.json, **create)}, headers=bearer(token))


def sign_in_options(client: Client) -> tuple[dict[str, Any], str]:
    answer = client.post("/login/passkey/options", {})
    assert answer.status == 200, answer.raw
    nonce = answer.cookie_value(PASSKEY_COOKIE)
    assert nonce
    return answer.json, nonce


def sign_in(client: Client, credential: dict[str, Any], nonce: str | None) -> Answer:
    headers = {} if nonce is None else {"Cookie": f"{PASSKEY_COOKIE}={nonce}"}
    return client.post("/login/passkey", {"credential": credential}, headers=headers)


def with_passkey(client: Client, **kwargs: Any) -> tuple[str, SoftAuthenticator]:
    """A person signed in by code who created a passkey: their session token and their authenticator."""
    token = client.signed_in(ADDRESS, filled=True)
    device = authenticator(**kwargs)
    created = register(client, token, device)
    assert created.status == 201, created.raw
    return token, device


def test_a_passkey_signs_in_alone_without_a_mail(client):
    _, device = with_passkey(client)
    mails = len(client.stack.aws.mails_to(ADDRESS))
    options, nonce = sign_in_options(client)
    assert options["allowCredentials"] == [] and options["userVerification"] == "required"
    answer = sign_in(client, device.get(options), nonce)
    assert answer.status == 200, answer.raw
    assert answer.json["profile"]["email"] == ADDRESS
    assert answer.cookie_value("__Host-session") == answer.json["token"]
    assert answer.cookie_value("__Host-device")
    listed = client.as_person(answer.json["token"], "GET", "/sessions").json["sessions"]
    assert [entry["method"] for entry in listed if entry["current"]] == ["passkey"]
    # No code went out: the only mail since tells of the sign-in from a browser the account did not know.
    since = client.stack.aws.mails_to(ADDRESS)[mails:]
    assert len(since) == 1 and "/#/not-me?t=" in since[0]["text"]
    assert client.as_person(answer.json["token"], "GET", "/profile").json["level"] == 1  # never changes the level


def test_the_address_is_told_of_a_new_passkey(client):
    with_passkey(client)
    subjects = [mail["subject"] for mail in client.stack.aws.mails_to(ADDRESS)]
    assert "MIGRIS: sukurtas naujas prieigos raktas" in subjects


def test_the_registration_options_ask_what_the_contract_asks(client):
    token = client.signed_in(ADDRESS, filled=True)
    options = client.post("/passkeys/registration/options", {}, headers=bearer(token)).json
    selection = options["authenticatorSelection"]
    assert (selection["residentKey"], selection["userVerification"]) == ("required", "required")
    assert options["attestation"] == "none"
    assert options["rp"]["id"] == urlsplit(ORIGIN).hostname
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    assert options["user"]["id"] not in (b64url(user_id.encode()), b64url(ADDRESS.encode()))
    assert len(options["user"]["id"]) == 43  # 32 random bytes in base64url


def test_a_replayed_assertion_is_refused(client):
    _, device = with_passkey(client)
    options, nonce = sign_in_options(client)
    credential = device.get(options)
    assert sign_in(client, credential, nonce).status == 200
    assert_error(sign_in(client, credential, nonce), 401, "invalid_passkey")


def test_a_sign_in_without_this_browsers_challenge_cookie_is_refused(client):
    _, device = with_passkey(client)
    options, nonce = sign_in_options(client)
    _, other_nonce = sign_in_options(client)
    assert_error(sign_in(client, device.get(options), None), 401, "invalid_passkey")
    assert_error(sign_in(client, device.get(options), other_nonce), 401, "invalid_passkey")
    assert sign_in(client, device.get(options), nonce).status == 200  # refusals did not spend it


def test_a_challenge_lives_five_minutes(client, clock):
    _, device = with_passkey(client)
    options, nonce = sign_in_options(client)
    clock.advance(300)
    assert_error(sign_in(client, device.get(options), nonce), 401, "invalid_passkey")


def test_an_assertion_without_user_verification_is_refused(client):
    _, device = with_passkey(client)
    options, nonce = sign_in_options(client)
    assert_error(sign_in(client, device.get(options, verify_user=False), nonce), 401, "invalid_passkey")


def test_a_registration_without_user_verification_is_refused(client):
    token = client.signed_in(ADDRESS, filled=True)
    assert_error(register(client, token, authenticator(), verify_user=False), 400, "invalid_passkey")
    assert client.as_person(token, "GET", "/passkeys").json == {"passkeys": []}


def test_a_passkey_made_for_another_site_is_refused(client):
    token = client.signed_in(ADDRESS, filled=True)
    assert_error(register(client, token, authenticator(), rp_id="evil.example"), 400, "invalid_passkey")


def test_a_user_handle_of_another_account_is_refused(client):
    _, device = with_passkey(client)
    options, nonce = sign_in_options(client)
    assert_error(sign_in(client, device.get(options, user_handle=b"x" * 32), nonce), 401, "invalid_passkey")


def test_a_counter_that_does_not_rise_is_refused_and_the_address_told(client):
    _, device = with_passkey(client, counting=True)
    options, nonce = sign_in_options(client)
    assert sign_in(client, device.get(options), nonce).status == 200  # counter 1
    options, nonce = sign_in_options(client)
    assert_error(sign_in(client, device.get(options, sign_count=1), nonce), 401, "invalid_passkey")
    subjects = [mail["subject"] for mail in client.stack.aws.mails_to(ADDRESS)]
    assert "MIGRIS: įtartinas prisijungimas prieigos raktu" in subjects
    options, nonce = sign_in_options(client)
    assert sign_in(client, device.get(options, sign_count=2), nonce).status == 200


def test_a_synced_passkeys_zero_counter_is_not_checked(client):
    _, device = with_passkey(client)
    for _ in range(2):
        options, nonce = sign_in_options(client)
        assert sign_in(client, device.get(options), nonce).status == 200


def test_an_unknown_passkey_gets_the_same_answer(client):
    with_passkey(client)
    stranger = authenticator()
    stranger.create({"challenge": "AAAA", "user": {"id": b64url(b"y" * 32)}})
    options, nonce = sign_in_options(client)
    assert_error(sign_in(client, stranger.get(options), nonce), 401, "invalid_passkey")
    assert_error(sign_in(client, {"id": "garbage"}, nonce), 401, "invalid_passkey")


def test_a_registration_challenge_of_another_session_is_refused(client):
    token = client.signed_in(ADDRESS, filled=True)
    client.stack.clock.advance(61)
    other = client.signed_in(ADDRESS)
    options = client.post("/passkeys/registration/options", {}, headers=bearer(token)).json
    credential = authenticator().create(options)
    assert_error(client.post("/passkeys", {"credential": credential}, headers=bearer(other)), 400, "invalid_passkey")


def test_registration_and_removal_need_a_fresh_sign_in(client, clock):
    """A session opened more than 10 minutes ago (alive still: it was used within its idle time) may list
    passkeys but neither create nor remove one."""
    token, _ = with_passkey(client)
    (passkey,) = client.as_person(token, "GET", "/passkeys").json["passkeys"]
    clock.advance(601)
    assert client.as_person(token, "GET", "/passkeys").status == 200
    answer = client.post("/passkeys/registration/options", {}, headers=bearer(token))
    assert_error(answer, 403, "fresh_sign_in_required")
    assert_error(client.as_person(token, "DELETE", f"/passkeys/{passkey['id']}"), 403, "fresh_sign_in_required")


def test_the_fresh_sign_in_refusal_speaks_of_what_was_asked_not_of_viisp(client, clock):
    """The one 403 fresh_sign_in_required answers a passkey's creation and removal as well as a link: its message
    must not tell a person creating a passkey to "link VIISP"."""
    token, _ = with_passkey(client)
    clock.advance(601)
    answer = client.post("/passkeys/registration/options", {}, headers=bearer(token))
    assert_error(answer, 403, "fresh_sign_in_required")
    said = answer.json["error"]["message"]
    assert "VIISP" not in said and "link" not in said.lower(), said
    assert "sign in again" in said.lower() and "10 minutes" in said


def test_a_removed_passkey_no_longer_signs_in_and_the_code_still_does(client):
    token, device = with_passkey(client)
    (passkey,) = client.as_person(token, "GET", "/passkeys").json["passkeys"]
    assert client.as_person(token, "DELETE", f"/passkeys/{passkey['id']}").status == 204
    subjects = [mail["subject"] for mail in client.stack.aws.mails_to(ADDRESS)]
    assert "MIGRIS: prieigos raktas pašalintas" in subjects
    options, nonce = sign_in_options(client)
    assert_error(sign_in(client, device.get(options), nonce), 401, "invalid_passkey")
    client.stack.clock.advance(61)
    assert client.signed_in(ADDRESS)


def test_a_passkey_is_listed_renamed_and_never_shows_its_key(client):
    token, _ = with_passkey(client)
    (passkey,) = client.as_person(token, "GET", "/passkeys").json["passkeys"]
    assert set(passkey) == {"id", "name", "created_at", "last_used_at"}
    path = f"/passkeys/{passkey['id']}"
    renamed = client.as_person(token, "PATCH", path, {"name": "  Mano telefonas  "})
    assert renamed.status == 200 and renamed.json["name"] == "Mano telefonas"
    assert_error(client.as_person(token, "PATCH", path, {"name": "x" * 65}), 422, "validation_error")
    assert client.as_person(token, "PATCH", path, {"name": "x" * 64}).status == 200
    assert_error(client.as_person(token, "PATCH", path, {"name": "\u200b"}), 422, "validation_error")
    assert_error(client.as_person(token, "PATCH", "/passkeys/not-an-id", {"name": "x"}), 404, "not_found")


def test_another_persons_passkey_cannot_be_touched(client):
    token, _ = with_passkey(client)
    (passkey,) = client.as_person(token, "GET", "/passkeys").json["passkeys"]
    client.stack.clock.advance(61)
    other = client.signed_in("jonas@example.lt", filled=True)
    assert_error(client.as_person(other, "DELETE", f"/passkeys/{passkey['id']}"), 404, "not_found")
    assert_error(client.as_person(other, "PATCH", f"/passkeys/{passkey['id']}", {"name": "mine"}), 404, "not_found")
    assert client.as_person(other, "GET", "/passkeys").json == {"passkeys": []}


def test_an_account_keeps_at_most_max_passkeys(make_stack):
    stack = make_stack(MaxPasskeys="2")
    client = Client(stack)
    token = client.signed_in(ADDRESS, filled=True)
    device = authenticator()
    assert register(client, token, device).status == 201
    assert register(client, token, device).status == 201
    assert_error(register(client, token, device), 409, "too_many_passkeys")
    assert len(client.as_person(token, "GET", "/passkeys").json["passkeys"]) == 2


def test_the_sign_in_options_say_nothing_about_any_address(client):
    with_passkey(client)
    first, _ = sign_in_options(client)
    second, _ = sign_in_options(client)
    assert set(first) == set(second)
    assert first["allowCredentials"] == second["allowCredentials"] == []
    assert first["challenge"] != second["challenge"]


def test_a_staff_revoke_with_passkeys_removes_them_in_its_write(client):
    token, device = with_passkey(client)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    revoked = client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "stolen", "passkeys": True})
    assert revoked.status == 200, revoked.raw
    options, nonce = sign_in_options(client)
    assert_error(sign_in(client, device.get(options), nonce), 401, "invalid_passkey")
    (event,) = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    assert event["changes"]["passkeys"] == {"before": 1, "after": 0}


def test_a_staff_revoke_without_passkeys_leaves_them(client):
    token, device = with_passkey(client)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    assert client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "lost"}).status == 200
    options, nonce = sign_in_options(client)
    assert sign_in(client, device.get(options), nonce).status == 200


@pytest.mark.parametrize("body", [{"credential": "x"}, {"credential": {}}, {"credential": {"response": 1}}, {}])
def test_a_malformed_sign_in_is_refused_never_a_500(client, body):
    _, nonce = sign_in_options(client)
    answer = client.post("/login/passkey", body, headers={"Cookie": f"{PASSKEY_COOKIE}={nonce}"})
    assert answer.status in {401, 422}, answer.raw


def test_a_sign_in_from_another_site_is_refused_before_anything_is_spent(client):
    _, device = with_passkey(client)
    options, nonce = sign_in_options(client)
    credential = device.get(options)
    headers = {"Cookie": f"{PASSKEY_COOKIE}={nonce}", "Origin": "https://evil.example"}
    assert_error(client.post("/login/passkey", {"credential": credential}, headers=headers), 403, "origin_mismatch")
    assert sign_in(client, credential, nonce).status == 200


def test_the_mail_of_a_new_passkey_carries_no_text_its_maker_typed(client):
    """A passkey's name is what the person (or an intruder with their session) typed: it never enters the mail
    the owner trusts, where "call this number" would read as ours."""
    token = client.signed_in(ADDRESS, filled=True)
    options = client.post("/passkeys/registration/options", {}, headers=bearer(token)).json
    bait = "Call +370 600 00000 now"
    body = {"credential": authenticator().create(options), "name": bait}
    assert client.post("/passkeys", body, headers=bearer(token)).status == 201
    (added,) = [mail for mail in client.stack.aws.mails_to(ADDRESS) if "prieigos raktas" in mail["subject"]]
    assert bait not in added["text"] and bait not in added["html"]
