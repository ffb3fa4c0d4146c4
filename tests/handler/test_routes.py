"""The answers and errors of DESIGN.md for the e-mail sign-in routes, GET /profile and POST /logout."""

from __future__ import annotations

import hashlib

import pytest

from tests.helpers import FIRST_FILL, ORIGIN, assert_error, session_items, table

ADDRESS = "ona@example.lt"


def test_start_answers_202_with_the_normalised_address(client):
    answer = client.start("  Ona.Petraitiene@Example.LT ")
    assert answer.status == 202
    assert answer.json["email"] == "ona.petraitiene@example.lt"
    assert answer.json["expires_in"] == 3600
    assert answer.json["resend_after"] == 60
    assert len(answer.json["login_id"]) >= 16
    assert answer.header("Cache-Control") == "no-store"
    assert client.stack.aws.mails_to("ona.petraitiene@example.lt")


def test_known_and_new_addresses_get_the_same_answer(client, clock):
    client.sign_in(ADDRESS)
    clock.advance(61)
    known = client.start(ADDRESS)
    new = client.start("naujas@example.lt")
    assert known.status == new.status == 202
    assert set(known.json) == set(new.json)
    assert [k for k, _ in known.headers] == [k for k, _ in new.headers]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "body"),
        ("[1, 2]", "body"),
        ('"text"', "body"),
        ("{}", "email"),
        ('{"email": 5}', "email"),
        ('{"email": "not-an-address"}', "email"),
        ('{"email": "' + "a" * 250 + '@example.lt"}', "email"),
        ('{"email": "ona@example.lt", "language": "de"}', "language"),
        ('{"email": "ona@example.lt", "language": 1}', "language"),
        ('{"email": "ona@example.lt", "admin": true}', "admin"),
    ],
)
def test_bad_start_input_is_422_naming_the_field(client, body, field):
    error = assert_error(client.request("POST", "/login/email", body=body), 422, "validation_error")
    assert field in error["fields"]
    assert client.stack.aws.outbox == []


def test_missing_body_is_422(client):
    error = assert_error(client.request("POST", "/login/email"), 422, "validation_error")
    assert error["fields"] == {"body": "a JSON body is required"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": ADDRESS, "login_id": "x"}, "code"),
        ({"email": ADDRESS, "login_id": "x", "code": "12ab5678"}, "code"),
        ({"email": ADDRESS, "login_id": "x", "code": 12345678}, "code"),
        ({"email": ADDRESS, "code": "12345678"}, "login_id"),
        ({"email": ADDRESS, "login_id": "x" * 200, "code": "12345678"}, "login_id"),
        ({"login_id": "x", "code": "12345678"}, "email"),
    ],
)
def test_bad_verify_input_is_422_naming_the_field(client, body, field):
    error = assert_error(client.post("/login/email/verify", body), 422, "validation_error")
    assert field in error["fields"]


def test_verify_of_a_never_sent_code_is_invalid_code(client):
    answer = client.post("/login/email/verify", {"email": ADDRESS, "login_id": "abc", "code": "12345678"})
    assert_error(answer, 401, "invalid_code")


def test_mail_language_follows_the_body_then_accept_language(client, clock):
    client.start(ADDRESS, language="en")
    assert client.stack.aws.mails_to(ADDRESS)[-1]["subject"] == "Your MIGRIS sign-in code"
    clock.advance(61)
    client.post("/login/email", {"email": ADDRESS}, headers={"Accept-Language": "en-GB,en;q=0.9,lt;q=0.5"})
    assert client.stack.aws.mails_to(ADDRESS)[-1]["subject"] == "Your MIGRIS sign-in code"
    clock.advance(61)
    client.start(ADDRESS)
    assert client.stack.aws.mails_to(ADDRESS)[-1]["subject"] == "MIGRIS prisijungimo kodas"


def test_mail_has_both_parts_and_says_what_the_person_needs(client):
    client.start(ADDRESS, language="en")
    mail = client.stack.aws.mails_to(ADDRESS)[-1]
    code = client.last_code(ADDRESS)
    for part in (mail["text"], mail["html"]):
        assert code in part
        assert "60 minutes" in part
        assert "new code" in part
        assert "did not try to sign in" in part  # what to do about a code not asked for
    assert mail["html"].startswith("<!doctype html>")


def test_first_sign_in_creates_a_level_one_account(client):
    signed_in = client.sign_in(ADDRESS)
    assert signed_in["profile_complete"] is False
    profile = signed_in["profile"]
    assert profile["email"] == ADDRESS
    assert profile["level"] == 1
    assert profile["login_method"] == "email"
    assert profile["given_name"] is None and profile["family_name"] is None and profile["phone_number"] is None
    assert profile["created_at"].endswith("Z")
    assert len(signed_in["token"]) >= 43
    assert signed_in["expires_in"] == 1800


def test_second_sign_in_finds_the_same_account_and_a_new_session(client, clock):
    first = client.sign_in(ADDRESS)
    clock.advance(61)
    second = client.sign_in(ADDRESS)
    assert first["profile"]["user_id"] == second["profile"]["user_id"]
    assert first["token"] != second["token"]


def test_verify_sets_the_session_cookie(client):
    login_id = client.start(ADDRESS).json["login_id"]
    answer = client.post(
        "/login/email/verify", {"email": ADDRESS, "login_id": login_id, "code": client.last_code(ADDRESS)}
    )
    cookie = answer.set_cookie("__Host-session")
    assert cookie is not None
    assert cookie.startswith(f"__Host-session={answer.json['token']};")
    for flag in ("Path=/", "HttpOnly", "Secure", "SameSite=Lax"):
        assert flag in cookie
    assert "Domain" not in cookie


def test_profile_with_bearer_and_with_cookie(client):
    signed_in = client.sign_in(ADDRESS)
    token = signed_in["token"]
    by_bearer = client.get("/profile", headers={"Authorization": f"Bearer {token}"})
    by_cookie = client.get("/profile", headers={"Cookie": f"theme=dark; __Host-session={token}"})
    assert by_bearer.status == by_cookie.status == 200
    assert by_bearer.json == by_cookie.json == signed_in["profile"]
    assert by_bearer.header("Cache-Control") == "no-store"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}, {"Cookie": "__Host-session=nope"}],
)
def test_profile_without_a_valid_session_is_401(client, headers):
    assert_error(client.get("/profile", headers=headers), 401, "unauthenticated")


def test_session_ends_after_thirty_idle_minutes(client, clock):
    token = client.sign_in(ADDRESS)["token"]
    auth = {"Authorization": f"Bearer {token}"}
    clock.advance(1799)
    assert client.get("/profile", headers=auth).status == 200
    clock.advance(1799)
    assert client.get("/profile", headers=auth).status == 200
    clock.advance(1800)
    assert_error(client.get("/profile", headers=auth), 401, "unauthenticated")


@pytest.mark.parametrize(("method", "path", "body"), [("GET", "/profile", None), ("PUT", "/profile", FIRST_FILL)])
def test_an_idle_session_is_ended_by_every_function_that_meets_it(client, clock, stack, method, path, body):
    """Each function that reads sessions deletes the one it finds ended (its role must allow it: tests/iam_calls)."""
    token = client.sign_in(ADDRESS)["token"]
    clock.advance(1800)
    answer = client.request(method, path, json_body=body, headers={"Authorization": f"Bearer {token}"})
    assert_error(answer, 401, "unauthenticated")
    assert session_items(stack) == []


def test_a_request_restarts_the_idle_clock_only_when_its_last_restart_is_a_minute_old(client, clock, stack):
    """Most requests write nothing to the session: the idle clock moves on only a minute at a time, so a session
    idles out up to a minute early, never late."""
    token = client.sign_in(ADDRESS)["token"]
    auth = {"Authorization": f"Bearer {token}"}
    (opened,) = session_items(stack)
    clock.advance(59)
    assert client.get("/profile", headers=auth).status == 200
    assert session_items(stack)[0]["last_seen_at"] == opened["last_seen_at"]
    clock.advance(1800 - 59)
    assert_error(client.get("/profile", headers=auth), 401, "unauthenticated")
    token = client.sign_in(ADDRESS)["token"]
    auth = {"Authorization": f"Bearer {token}"}
    clock.advance(60)
    assert client.get("/profile", headers=auth).status == 200
    (touched,) = session_items(stack)
    assert touched["last_seen_at"] == touched["created_at"] + 60
    clock.advance(1799)
    assert client.get("/profile", headers=auth).status == 200


def test_session_ends_after_twelve_hours_however_used(client, clock):
    token = client.sign_in(ADDRESS)["token"]
    auth = {"Authorization": f"Bearer {token}"}
    for _ in range(24):
        clock.advance(1790)
        assert client.get("/profile", headers=auth).status == 200
    clock.advance(43200 - 24 * 1790)
    assert_error(client.get("/profile", headers=auth), 401, "unauthenticated")


def test_the_sessions_table_holds_only_the_tokens_sha256(client, stack):
    """Whoever reads the sessions table cannot sign in with what is there: it keys each session by the SHA-256 of
    its token, and the token itself is stored nowhere."""
    token = client.sign_in(ADDRESS)["token"]
    items = table(stack, "SessionsTable").scan()["Items"]
    assert [item["pk"] for item in session_items(stack)] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in repr(items)
    assert client.get("/profile", headers={"Authorization": f"Bearer {token}"}).status == 200


def test_logout_revokes_the_session_and_clears_the_cookie(client):
    token = client.sign_in(ADDRESS)["token"]
    auth = {"Authorization": f"Bearer {token}"}
    answer = client.post("/logout", headers=auth)
    assert answer.status == 204
    assert answer.raw == b""
    cleared = answer.header("Set-Cookie")
    assert cleared.startswith("__Host-session=;") and "Max-Age=0" in cleared
    assert answer.header("Cache-Control") == "no-store"
    assert_error(client.get("/profile", headers=auth), 401, "unauthenticated")
    assert_error(client.post("/logout", headers=auth), 401, "unauthenticated")


def test_cookie_logout_needs_our_origin(client):
    token = client.sign_in(ADDRESS)["token"]
    cookie = {"Cookie": f"__Host-session={token}"}
    assert_error(client.post("/logout", headers=cookie), 403, "origin_mismatch")
    assert_error(client.post("/logout", headers={**cookie, "Origin": "https://evil.example"}), 403, "origin_mismatch")
    assert client.get("/profile", headers=cookie).status == 200
    assert client.post("/logout", headers={**cookie, "Origin": ORIGIN}).status == 204


def test_session_is_checked_before_the_body(client):
    answer = client.request("POST", "/logout", body="{not json")
    assert_error(answer, 401, "unauthenticated")


def test_unknown_route_and_method(client):
    assert_error(client.get("/nowhere/at/all"), 404, "not_found")
    # A method the resource does not declare: API Gateway's own refusal, and no function runs.
    answer = client.request("DELETE", "/logout")
    assert answer.status == 403
    assert answer.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"
    assert answer.json == {"message": "Missing Authentication Token"}


def test_no_answer_holds_a_trace_or_the_code(client):
    client.start(ADDRESS)
    code = client.last_code(ADDRESS)
    answers = [
        client.request("POST", "/login/email/verify", body="{"),
        client.post("/login/email/verify", {"email": ADDRESS, "login_id": "x", "code": "1" * 8}),
        client.get("/profile"),
    ]
    for answer in answers:
        assert "Traceback" not in answer.raw.decode()
        assert code not in answer.raw.decode()


def test_a_body_that_is_not_json_typed_is_415(client):
    answer = client.request(
        "POST", "/login/email", body='{"email": "ona@example.lt"}', headers={"Content-Type": "text/plain"}
    )
    assert_error(answer, 415, "unsupported_media_type")
    assert client.stack.aws.outbox == []
