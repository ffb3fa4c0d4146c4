"""What a foreign web page can make a browser send: no body but JSON reaches a route (415), and no request
with a foreign Origin gets a session cookie (issue 8, item 2: login CSRF)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import ReadOnlyCredentials

from devserver.apigw import HttpRequest
from tests.helpers import FORM, HOST, ORIGIN, Answer, Client, ViispBrowser, assert_error, cookie_value

ADDRESS = "ona@example.lt"
EVIL = "https://evil.example"
USER_ID = "00000000-0000-4000-8000-000000000000"

# Bodies an HTML form, `fetch(..., {mode: "no-cors"})` or `navigator.sendBeacon` can send cross-site without a
# CORS preflight, and look-alikes of application/json. None is the header left out.
FOREIGN_TYPES = [
    pytest.param("multipart/form-data; boundary=XyZ", id="multipart"),
    pytest.param("application/x-www-form-urlencoded", id="form"),
    pytest.param("text/plain", id="text"),
    pytest.param("text/plain; charset=utf-8", id="text-utf8"),
    pytest.param(None, id="missing"),
    pytest.param("", id="empty"),
    pytest.param("application/jsonp", id="jsonp"),
    pytest.param("application/json-patch+json", id="json-patch"),
    pytest.param("application/json; charset=latin-1", id="json-latin1"),
]


def send(client: Client, method: str, path: str, data: bytes, content_type: str | None, **headers: str) -> Answer:
    """A request with exactly this Content-Type, or none at all (the test client would add JSON's)."""
    all_headers = {"Host": HOST, **headers}
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    request = HttpRequest(method, path, {}, list(all_headers.items()), data, client.source_ip)
    response = client.stack.dispatch(request)
    return Answer(response.status, response.headers, response.body)


def encoded(fields: dict[str, str], content_type: str | None) -> bytes:
    """The fields as a page would post them with that Content-Type."""
    if content_type and content_type.startswith("multipart/form-data"):
        parts = [f'--XyZ\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
        return ("".join(parts) + "--XyZ--\r\n").encode()
    if content_type == "application/x-www-form-urlencoded":
        return urlencode(fields).encode()
    return json.dumps(fields).encode()


def no_session_cookie(answer: Answer) -> bool:
    return not cookie_value(answer, "__Host-session")[0]


# --- 415 for every body that is not application/json ---


@pytest.mark.parametrize("content_type", FOREIGN_TYPES)
def test_start_takes_only_json(client, content_type):
    answer = send(client, "POST", "/login/email", encoded({"email": ADDRESS}, content_type), content_type)
    assert_error(answer, 415, "unsupported_media_type")
    assert client.stack.aws.outbox == []


@pytest.mark.parametrize("content_type", FOREIGN_TYPES)
def test_verify_takes_only_json_and_a_foreign_form_signs_nobody_in(client, content_type):
    login_id = client.start(ADDRESS).json["login_id"]
    fields = {"email": ADDRESS, "login_id": login_id, "code": client.last_code(ADDRESS)}
    answer = send(client, "POST", "/login/email/verify", encoded(fields, content_type), content_type)
    assert_error(answer, 415, "unsupported_media_type")
    assert no_session_cookie(answer)
    # The code was not touched: the real page still signs in with it.
    assert client.post("/login/email/verify", fields).status == 200


@pytest.mark.parametrize("content_type", FOREIGN_TYPES)
@pytest.mark.parametrize(
    ("method", "path", "fields"),
    [
        ("PUT", "/profile", {"given_name": "Ona", "family_name": "Petraitienė", "phone_number": "+37061234567"}),
        ("PATCH", "/profile", {"phone_number": "+37061111111"}),
        ("POST", "/profile/email/verify", {"code": "12345678"}),
    ],
)
def test_signed_in_writes_take_only_json(client, content_type, method, path, fields):
    token = client.signed_in(ADDRESS)
    data = encoded(fields, content_type)
    answer = send(client, method, path, data, content_type, Authorization=f"Bearer {token}")
    assert_error(answer, 415, "unsupported_media_type")
    assert client.as_person(token, "GET", "/profile").json["profile_complete"] is False


@pytest.mark.parametrize("content_type", FOREIGN_TYPES)
@pytest.mark.parametrize(
    ("method", "path", "fields"),
    [
        ("POST", "/staff/users/search", {"email": ADDRESS}),
        ("PATCH", f"/staff/users/{USER_ID}", {"given_name": "Ona", "reason": "passport"}),
        ("POST", f"/staff/users/{USER_ID}/sessions/revoke", {"reason": "phone stolen"}),
        ("POST", f"/staff/users/{USER_ID}/identity/unlink", {"reason": "not their link"}),
    ],
)
def test_staff_routes_take_only_json(client, content_type, method, path, fields):
    data = encoded(fields, content_type)
    stack = client.stack
    headers = {"Content-Type": content_type} if content_type is not None else {}
    request = AWSRequest(method=method, url=f"http://{HOST}{path}", data=data, headers=headers)
    credentials = ReadOnlyCredentials(stack.staff.access_key_id, stack.staff.secret_access_key, None)
    SigV4Auth(credentials, "execute-api", stack.region).add_auth(request)
    signed = {k: v for k, v in request.headers.items() if k.lower() not in {"host", "content-type"}}
    answer = send(client, method, path, data, content_type, **signed)
    assert_error(answer, 415, "unsupported_media_type")


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON; Charset=UTF-8"])
def test_json_with_its_charset_keeps_working(client, content_type):
    started = send(client, "POST", "/login/email", json.dumps({"email": ADDRESS}).encode(), content_type)
    assert started.status == 202, started.raw
    fields = {"email": ADDRESS, "login_id": started.json["login_id"], "code": client.last_code(ADDRESS)}
    answer = send(client, "POST", "/login/email/verify", json.dumps(fields).encode(), content_type)
    assert answer.status == 200, answer.raw
    token = answer.json["token"]
    change = json.dumps({"given_name": "Ona", "family_name": "Petraitienė", "phone_number": "+37061234567"})
    filled = send(client, "PUT", "/profile", change.encode(), content_type, Authorization=f"Bearer {token}")
    assert filled.status == 200, filled.raw


def test_a_bodyless_post_needs_no_content_type(client):
    token = client.signed_in(ADDRESS)
    assert send(client, "POST", "/logout", b"", None, Authorization=f"Bearer {token}").status == 204
    assert_error(send(client, "POST", "/login/email", b"", None), 422, "validation_error")


# --- a foreign Origin never gets a session cookie ---


def verify_fields(client: Client, address: str = ADDRESS) -> dict[str, str]:
    login_id = client.start(address).json["login_id"]
    return {"email": address, "login_id": login_id, "code": client.last_code(address)}


@pytest.mark.parametrize("origin", [EVIL, "null", f"{ORIGIN}.evil.example", "http://127.0.0.1:3001", f"{ORIGIN}/"])
def test_a_foreign_origin_is_refused_before_the_code_is_checked(client, origin):
    fields = verify_fields(client)
    answer = client.post("/login/email/verify", fields, headers={"Origin": origin})
    assert_error(answer, 403, "origin_mismatch")
    assert no_session_cookie(answer)
    # Not used up: the same code still signs in from our page.
    signed_in = client.post("/login/email/verify", fields, headers={"Origin": ORIGIN})
    assert signed_in.status == 200, signed_in.raw
    assert cookie_value(signed_in, "__Host-session")[0] == signed_in.json["token"]


def test_wrong_codes_from_a_foreign_origin_count_for_nothing(client):
    fields = verify_fields(client)
    code = fields["code"]
    wrong = {**fields, "code": str((int(code) + 1) % 10 ** len(code)).zfill(len(code))}
    for _ in range(12):  # more than the tries a code has and the failures that lock the address
        assert_error(client.post("/login/email/verify", wrong, headers={"Origin": EVIL}), 403, "origin_mismatch")
    assert client.post("/login/email/verify", fields).status == 200


def test_a_foreign_origin_refusal_is_a_security_log_line(client, caplog):
    fields = verify_fields(client)
    caplog.clear()
    client.post("/login/email/verify", fields, headers={"Origin": EVIL})
    events = [getattr(record, "event", None) for record in caplog.records]
    assert "origin_mismatch" in events
    assert "invalid_code" not in events


@pytest.mark.parametrize("headers", [{}, {"Origin": ORIGIN}], ids=["no-origin", "our-origin"])
def test_our_page_and_non_browser_clients_sign_in(client, headers):
    answer = client.post("/login/email/verify", verify_fields(client), headers=headers)
    assert answer.status == 200, answer.raw
    assert cookie_value(answer, "__Host-session")[0] == answer.json["token"]


# --- the VIISP callback: VIISP's portal posts it; nobody else's page may ---


def viisp_fields(client: Client) -> tuple[ViispBrowser, dict[str, str], str]:
    browser = ViispBrowser(client)
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    return browser, fields, nonce


def callback(client: Client, fields: dict[str, str], nonce: str, origin: str | None) -> Answer:
    headers = {**FORM, "Cookie": f"__Host-viisp={nonce}"}
    if origin is not None:
        headers["Origin"] = origin
    return client.request("POST", "/login/viisp/callback", body=urlencode(fields), headers=headers)


@pytest.mark.parametrize("origin", [EVIL, "null", "https://www.epaslaugos.lt"])
def test_a_viisp_callback_from_a_foreign_origin_is_refused_and_keeps_the_ticket(client, origin):
    # The local stand-in's portal is on the local stack's origin; VIISP's real portal is not configured here.
    _, fields, nonce = viisp_fields(client)
    answer = callback(client, fields, nonce, origin)
    assert_error(answer, 403, "origin_mismatch")
    assert no_session_cookie(answer)
    finished = callback(client, fields, nonce, ORIGIN)
    assert finished.status == 303, finished.raw
    assert cookie_value(finished, "__Host-session")[0]


def viisp_fields_at_portal(client: Client, portal: str) -> tuple[dict[str, str], str]:
    """Start a VIISP sign-in on a stack whose portal URL is not the stand-in's own page, and sign in there."""
    answer = client.get("/login/viisp")
    location = answer.header("Location")
    assert location.startswith(f"{portal}&ticket="), location
    nonce = cookie_value(answer, "__Host-viisp")[0]
    _, fields = ViispBrowser(client).authenticate(location.rsplit("ticket=", 1)[1])
    return fields, nonce


def test_the_allowed_viisp_origin_is_the_configured_portals(make_stack):
    portal = "https://portal.viisp.example:8443/auth/v2?lang=lt"
    stack = make_stack()
    stack.aws.change_viisp_settings(portal_url=portal)
    stack.fresh_containers()  # the new portal URL is read
    client = Client(stack)
    for origin in ("https://portal.viisp.example:8443", ORIGIN, None):
        fields, nonce = viisp_fields_at_portal(client, portal)
        finished = callback(client, fields, nonce, origin)
        assert finished.status == 303, finished.raw
        assert cookie_value(finished, "__Host-session")[0]
    # The portal's origin, not its host: another port or scheme is another origin.
    for origin in ("https://portal.viisp.example", "http://portal.viisp.example:8443", EVIL):
        fields, nonce = viisp_fields_at_portal(client, portal)
        answer = callback(client, fields, nonce, origin)
        assert_error(answer, 403, "origin_mismatch")
        assert no_session_cookie(answer)


# --- more than one Origin: refused, whichever comes last (a browser sends one) ---

TWO_ORIGINS = [
    pytest.param([("Origin", EVIL), ("Origin", ORIGIN)], id="ours-last"),
    pytest.param([("Origin", ORIGIN), ("Origin", EVIL)], id="ours-first"),
    pytest.param([("Origin", ORIGIN), ("Origin", ORIGIN)], id="ours-twice"),
    pytest.param([("Origin", EVIL), ("origin", ORIGIN)], id="another-case"),
]


def with_headers(client: Client, method: str, path: str, data: bytes, headers: list[tuple[str, str]]) -> Answer:
    """A request with exactly this list of headers, repeated names and all (the test client takes a dict)."""
    request = HttpRequest(method, path, {}, [("Host", HOST), *headers], data, client.source_ip)
    response = client.stack.dispatch(request)
    return Answer(response.status, response.headers, response.body)


@pytest.mark.parametrize("origins", TWO_ORIGINS)
def test_a_sign_in_with_two_origins_is_refused_and_the_code_stays_good(client, origins):
    fields = verify_fields(client)
    json_type = [("Content-Type", "application/json")]
    answer = with_headers(client, "POST", "/login/email/verify", json.dumps(fields).encode(), json_type + origins)
    assert_error(answer, 403, "origin_mismatch")
    assert no_session_cookie(answer)
    assert client.post("/login/email/verify", fields, headers={"Origin": ORIGIN}).status == 200


@pytest.mark.parametrize("origins", TWO_ORIGINS)
def test_a_cookie_change_with_two_origins_is_refused_and_changes_nothing(client, origins):
    token = client.signed_in(ADDRESS, filled=True)
    headers = [("Content-Type", "application/json"), ("Cookie", f"__Host-session={token}"), *origins]
    answer = with_headers(client, "PATCH", "/profile", b'{"phone_number": "+37061111111"}', headers)
    assert_error(answer, 403, "origin_mismatch")
    assert client.as_person(token, "GET", "/profile").json["phone_number"] == "+37061234567"


@pytest.mark.parametrize("origins", TWO_ORIGINS)
def test_a_viisp_callback_with_two_origins_is_refused_and_keeps_the_ticket(client, origins):
    _, fields, nonce = viisp_fields(client)
    headers = [*FORM.items(), ("Cookie", f"__Host-viisp={nonce}"), *origins]
    answer = with_headers(client, "POST", "/login/viisp/callback", urlencode(fields).encode(), headers)
    assert_error(answer, 403, "origin_mismatch")
    assert no_session_cookie(answer)
    assert callback(client, fields, nonce, ORIGIN).status == 303
