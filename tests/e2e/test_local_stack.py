"""The local stack as a client meets it: `python -m devserver` on a loopback port, driven over HTTP."""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import ROOT, devserver_running

# One server for the module, so its tests share a worker process under pytest-xdist.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-local-stack")]


class Http:
    def __init__(self, base: str) -> None:
        self.base = base
        self.log_path: Path | None = None

    def call(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


STAFF_KEY = {"LOCAL_STAFF_ACCESS_KEY_ID": "AKIAE2ESTAFF00000000", "LOCAL_STAFF_SECRET_ACCESS_KEY": "e2e-staff-secret"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    overrides = ["--parameter-overrides", "CodeLength=8 MaxCodesPerDay=20 ResendCooldownSeconds=0"]
    with devserver_running(tmp_path_factory.mktemp("devserver"), overrides, STAFF_KEY) as (port, log_path):
        http = Http(f"http://localhost:{port}")  # WebOrigin, where a developer opens the pages
        http.log_path = log_path
        yield http


def at_the_address(server):
    """The same server at the address it listens at, http://127.0.0.1:PORT."""
    alias = Http(f"http://127.0.0.1:{urllib.parse.urlsplit(server.base).port}")
    alias.log_path = server.log_path
    return alias


def test_whole_email_flow_over_http(server):
    address = "e2e.ona@example.lt"
    status, headers, body = server.call("POST", "/login/email", {"email": "E2E.Ona@Example.lt", "language": "en"})
    assert status == 202, body
    started = json.loads(body)
    assert started["email"] == address
    assert headers["Cache-Control"] == "no-store"

    status, _, body = server.call("GET", "/_local/outbox")
    assert status == 200
    mails = [m for m in json.loads(body) if m["to"] == address]
    assert len(mails) == 1
    assert set(mails[0]) == {"to", "subject", "text", "html", "sent_at"}
    code = re.search(r"\b(\d{8})\b", mails[0]["text"]).group(1)
    assert code in mails[0]["html"]

    status, headers, body = server.call(
        "POST", "/login/email/verify", {"email": address, "login_id": started["login_id"], "code": code}
    )
    assert status == 200, body
    signed_in = json.loads(body)
    assert signed_in["profile_complete"] is False
    assert "__Host-session=" in headers["Set-Cookie"]
    token = signed_in["token"]

    status, _, body = server.call("GET", "/profile", headers={"Authorization": f"Bearer {token}"})
    assert status == 200
    assert json.loads(body)["email"] == address

    status, _, body = server.call("GET", "/profile", headers={"Cookie": f"__Host-session={token}"})
    assert status == 200

    origin = server.base
    status, headers, body = server.call(
        "POST", "/logout", headers={"Cookie": f"__Host-session={token}", "Origin": origin}
    )
    assert status == 204
    assert "Max-Age=0" in headers["Set-Cookie"]

    status, _, body = server.call("GET", "/profile", headers={"Authorization": f"Bearer {token}"})
    assert status == 401
    assert json.loads(body)["error"]["code"] == "unauthenticated"


def test_wrong_code_and_bad_input_over_http(server):
    status, _, body = server.call("POST", "/login/email", {"email": "nope"})
    assert status == 422
    assert "email" in json.loads(body)["error"]["fields"]
    status, _, body = server.call(
        "POST", "/login/email/verify", {"email": "x@example.lt", "login_id": "abc", "code": "00000000"}
    )
    assert status == 401
    assert json.loads(body)["error"]["code"] == "invalid_code"


def test_an_international_address_is_mailed_in_ascii_and_a_domain_without_mail_refused_over_http(server):
    status, _, body = server.call("POST", "/login/email", {"email": "E2E.Jonas@Bücher.lt"})
    assert status == 202, body
    assert json.loads(body)["email"] == "e2e.jonas@xn--bcher-kva.lt"
    status, _, body = server.call("POST", "/login/email", {"email": "e2e.jonas@no-mail.example.lt"})
    assert status == 422, body
    assert "cannot receive mail" in json.loads(body)["error"]["fields"]["email"]
    _, _, body = server.call("GET", "/_local/outbox")
    to = [mail["to"] for mail in json.loads(body) if mail["to"].startswith("e2e.jonas@")]
    assert to == ["e2e.jonas@xn--bcher-kva.lt"]


def test_openapi_document_lists_every_route(server):
    status, _, body = server.call("GET", "/openapi.json")
    assert status == 200
    document = json.loads(body)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert "post" in paths["/login/email"]
    assert "post" in paths["/login/email/verify"]
    assert "get" in paths["/profile"]
    assert "post" in paths["/logout"]
    assert {"get", "put", "patch"} <= set(paths["/profile"])
    assert "post" in paths["/profile/email/verify"]
    assert "patch" in paths["/staff/users/{user_id}"]
    assert paths["/profile"]["patch"]["requestBody"]["content"]["application/json"]["schema"]["properties"]


def test_unknown_route_answers_in_the_error_shape(server):
    status, _, body = server.call("POST", "/no/such/route", {})
    assert status == 404
    assert json.loads(body)["error"]["code"] == "not_found"


# --- the whole life of an e-mail account, and the staff side, over HTTP ---


def mails_to(server, address):
    _, _, body = server.call("GET", "/_local/outbox")
    mails = [m for m in json.loads(body) if m["to"] == address]
    assert mails, f"no mail to {address}"
    return mails


def last_code_to(server, address):
    return re.search(r"\b(\d{8})\b", mails_to(server, address)[-1]["text"]).group(1)


def sign_in(server, address):
    status, _, body = server.call("POST", "/login/email", {"email": address})
    assert status == 202, body
    login_id = json.loads(body)["login_id"]
    code = last_code_to(server, address)
    status, _, body = server.call("POST", "/login/email/verify", {"email": address, "login_id": login_id, "code": code})
    assert status == 200, body
    return json.loads(body)


def run_staff(server, *args) -> subprocess.CompletedProcess[str]:
    """`python -m staff`, signing with the local staff key as the caller's own AWS credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "AWS_ACCESS_KEY_ID": STAFF_KEY["LOCAL_STAFF_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": STAFF_KEY["LOCAL_STAFF_SECRET_ACCESS_KEY"],
        "AWS_REGION": "eu-north-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    return subprocess.run(
        [sys.executable, "-m", "staff", "--api", server.base, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def staff_cli(server, *args):
    """The staff CLI's JSON answer; it must succeed."""
    done = run_staff(server, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_persons_life_and_a_staff_rename_over_http(server):
    address, new_address = "walk.ona@example.lt", "walk.ona.nauja@example.lt"
    first = sign_in(server, address)
    assert first["profile_complete"] is False
    token = first["token"]
    bearer = {"Authorization": f"Bearer {token}"}

    contact = {"given_name": "Ona", "family_name": "Petraitienė", "phone_number": "8 612 34567"}
    status, _, body = server.call("PUT", "/profile", contact, headers=bearer)
    assert status == 200, body
    assert json.loads(body)["profile_complete"] is True

    second = sign_in(server, address)
    assert second["profile_complete"] is True  # the web page asks for nothing more
    other_session = second["token"]

    # The phone changes from the web page: the cookie and our Origin.
    web = {"Cookie": f"__Host-session={token}", "Origin": server.base}
    status, _, body = server.call("PATCH", "/profile", {"phone_number": "+370 699 99999"}, headers=web)
    assert status == 200, body
    assert json.loads(body)["phone_number"] == "+37069999999"

    status, _, body = server.call("PATCH", "/profile", {"email": new_address}, headers=bearer)
    assert status == 200, body
    assert json.loads(body)["pending_email"] == new_address
    code = last_code_to(server, new_address)
    assert "w***@example.lt" in mails_to(server, address)[-1]["text"]
    status, _, body = server.call("POST", "/profile/email/verify", {"code": code}, headers=bearer)
    assert status == 200, body
    assert json.loads(body)["email"] == new_address
    status, _, _ = server.call("GET", "/profile", headers={"Authorization": f"Bearer {other_session}"})
    assert status == 401
    assert mails_to(server, address)[-1]["subject"] == "MIGRIS: el. pašto adresas pakeistas"

    (found,) = staff_cli(server, "find", "--email", new_address)["users"]
    user_id = found["user_id"]
    changed = staff_cli(server, "change", user_id, "--given-name", "Ona Marija", "--reason", "Passport checked")
    assert changed["given_name"] == "Ona Marija"

    status, _, body = server.call("GET", "/profile", headers=bearer)
    assert json.loads(body)["given_name"] == "Ona Marija"

    (event,) = staff_cli(server, "audit", user_id)["events"]
    assert event["actor"].startswith("arn:aws:sts::123456789012:assumed-role/migris-local-StaffRole/")
    assert event["changes"] == {"given_name": {"before": "Ona", "after": "Ona Marija"}}
    assert event["reason"] == "Passport checked"

    # Unsigned, or with the person's own session: API Gateway's 403, and nothing changes.
    for headers in ({}, bearer, web):
        status, _, body = server.call(
            "PATCH", f"/staff/users/{user_id}", {"given_name": "Kita", "reason": "x"}, headers=headers
        )
        assert status == 403, body
        assert "message" in json.loads(body)
    status, _, body = server.call("GET", "/profile", headers=bearer)
    assert json.loads(body)["given_name"] == "Ona Marija"


def test_staff_end_a_persons_sessions_over_http(server):
    address = "walk.revoke@example.lt"
    tokens = [sign_in(server, address)["token"] for _ in range(2)]
    status, _, body = server.call("GET", "/profile", headers={"Authorization": f"Bearer {tokens[0]}"})
    assert status == 200, body
    user_id = json.loads(body)["user_id"]

    # Unsigned, or with the person's own session: API Gateway's 403, and every session stays.
    for headers in ({}, {"Authorization": f"Bearer {tokens[0]}"}):
        status, _, body = server.call(
            "POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "x"}, headers=headers
        )
        assert status == 403, body
    assert staff_cli(server, "revoke-sessions", user_id, "--reason", "Phone reported stolen") == {"ended": 2}
    for token in tokens:
        status, _, body = server.call("GET", "/profile", headers={"Authorization": f"Bearer {token}"})
        assert status == 401, body
        assert json.loads(body)["error"]["code"] == "unauthenticated"

    (event,) = staff_cli(server, "audit", user_id)["events"]
    assert event["actor"].startswith("arn:aws:sts::123456789012:assumed-role/migris-local-StaffRole/")
    assert event["changes"] == {"sessions": {"before": 2, "after": 0}}
    assert event["reason"] == "Phone reported stolen"

    fresh = sign_in(server, address)["token"]  # the person signs in again as usual
    status, _, body = server.call("GET", "/profile", headers={"Authorization": f"Bearer {fresh}"})
    assert status == 200, body
    assert json.loads(body)["user_id"] == user_id


def logged_line(server, marker):
    """The access log's line that holds `marker`, once the server has written it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [line for line in server.log_path.read_text(encoding="utf-8").splitlines() if marker in line]
        if lines:
            return lines[-1]
        time.sleep(0.05)
    raise AssertionError(f"no log line with {marker}")


# What a terminal acts on (C0 and C1 controls, DEL) but a log line's own newline.
TERMINAL_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("where", ["path", "method"])
def test_the_access_log_writes_terminal_escapes_out_instead_of_sending_them(server, where):
    """A request can carry escape sequences that clear the developer's screen, retitle the terminal or recolour
    what follows: the access log shows them as escapes, so the developer reads what was sent and the terminal
    does nothing."""
    marker = secrets.token_hex(4)
    hostile = "\x1b[2J\x1b]0;pwned\x07\x9b31m\x7f"  # clear screen, set the title, C1 CSI, DEL
    method, path = ("GET", f"/{marker}/{hostile}") if where == "path" else (f"{hostile}{marker}", "/")
    port = urllib.parse.urlsplit(server.base).port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        request = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        connection.sendall(request.encode("latin-1"))
        assert connection.recv(9) == b"HTTP/1.1 "  # answered
    line = logged_line(server, marker)
    assert not TERMINAL_CONTROLS.search(line), repr(line)
    assert "\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\x7f" in line  # what was sent, readable


# --- WebOrigin is http://localhost:PORT; http://127.0.0.1:PORT answers the API and sends its pages there ---


def test_the_pages_are_at_localhost_and_the_address_sends_them_there(server):
    alias = at_the_address(server)
    status, headers, body = raw_call(server, "GET", "/")
    assert status == 200 and b"MIGRIS" in body
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    for path in ["/", "/js/app.js?v=1", "/docs"]:
        status, headers, _ = raw_call(alias, "GET", path)
        assert (status, headers["Location"]) == (307, f"{server.base}{path}"), path
    # Followed, as a browser does: the page from localhost.
    status, headers, body = alias.call("GET", "/")
    assert status == 200 and b"MIGRIS" in body


def test_the_address_answers_the_api_and_counts_as_our_origin(server):
    alias = at_the_address(server)
    token = sign_in(alias, "alias.ona@example.lt")["token"]
    cookie = {"Cookie": f"__Host-session={token}"}
    for origin in (alias.base, server.base):
        headers = {**cookie, "Origin": origin}
        status, _, body = alias.call("PATCH", "/profile", {"phone_number": "+370 612 34567"}, headers=headers)
        assert status == 200, body
    for foreign in ("http://127.0.0.2:3000", f"http://127.0.0.1:{urllib.parse.urlsplit(server.base).port + 1}"):
        status, _, body = alias.call(
            "PATCH", "/profile", {"phone_number": "+370 612 00000"}, {**cookie, "Origin": foreign}
        )
        assert status == 403 and json.loads(body)["error"]["code"] == "origin_mismatch", foreign
    assert profile_over_http(alias, token)["phone_number"] == "+37061234567"


def test_viisp_and_the_mail_send_people_to_localhost(server):
    """VIISP's postbackUrl and where the callback sends the browser come from WebOrigin, wherever the round trip
    began: at the address, too."""
    alias = at_the_address(server)
    status, headers, _ = raw_call(alias, "GET", "/login/viisp")
    assert status == 302
    assert headers["Location"].startswith(f"{server.base}/_local/viisp/portal?ticket=")
    person = {"personal_code": "48504140959", "given_name": "Ona", "family_name": "Žemaitytė"}  # as signs in above
    status, headers, _ = viisp_round_trip(alias, person)
    assert (status, headers["Location"]) == (303, f"{server.base}/")
    assert "MIGRIS local stack on http://localhost:" in server.log_path.read_text()


def test_the_server_prints_the_staff_key_it_takes(server):
    text = server.log_path.read_text()
    assert f"AWS_ACCESS_KEY_ID={STAFF_KEY['LOCAL_STAFF_ACCESS_KEY_ID']}" in text
    assert "region eu-north-1" in text


# --- VIISP through the stand-in, as a browser goes: every hop over HTTP, the functions reaching VIISP by urllib3 ---


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def raw_call(server, method, path, body=None, headers=None):
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(server.base + path, data=body, method=method, headers=headers or {})
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def set_cookie(headers, name):
    for header in headers.get_all("Set-Cookie") or []:
        key, _, rest = header.partition("=")
        if key == name:
            return rest.split(";")[0]
    return None


def test_a_viisp_sign_in_over_http(server):
    status, headers, _ = raw_call(server, "GET", "/login/viisp")
    assert status == 302
    portal = urllib.parse.urlsplit(headers["Location"])
    assert portal.path == "/_local/viisp/portal"
    ticket = urllib.parse.parse_qs(portal.query)["ticket"][0]
    nonce = set_cookie(headers, "__Host-viisp")

    status, _, page = raw_call(server, "GET", f"{portal.path}?{portal.query}")
    assert status == 200 and b"48504140959" in page

    form = urllib.parse.urlencode(
        {"ticket": ticket, "personal_code": "48504140959", "given_name": "Ona", "family_name": "Žemaitytė"}
    ).encode()
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, page = raw_call(server, "POST", "/_local/viisp/authenticate", form, form_headers)
    assert status == 200
    text = page.decode()
    action = html.unescape(re.search(r'action="([^"]+)"', text).group(1))
    fields = {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', text)}
    assert action == f"{server.base}/login/viisp/callback"

    callback = urllib.parse.urlsplit(action).path
    body = urllib.parse.urlencode(fields).encode()
    status, headers, body = raw_call(
        server, "POST", callback, body, {**form_headers, "Cookie": f"__Host-viisp={nonce}"}
    )
    assert status == 303, body
    assert headers["Location"] == f"{server.base}/"
    token = set_cookie(headers, "__Host-session")

    status, _, body = server.call("GET", "/profile", headers={"Cookie": f"__Host-session={token}"})
    assert status == 200
    profile = json.loads(body)
    assert (profile["level"], profile["login_method"], profile["family_name"]) == (3, "viisp", "ŽEMAITYTĖ")

    # The same post again: the ticket was used.
    status, _, body = raw_call(
        server,
        "POST",
        callback,
        urllib.parse.urlencode(fields).encode(),
        {**form_headers, "Cookie": f"__Host-viisp={nonce}"},
    )
    assert status == 400 and json.loads(body)["error"]["code"] == "invalid_ticket"


def call_from(server, source_ip, method, path, body=None):
    """A request sent from another loopback address: the local stack reports the socket's address as the
    request's source IP, as API Gateway would."""
    import http.client

    port = urllib.parse.urlsplit(server.base).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source_ip, 0))
    try:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def test_a_stranger_elsewhere_cannot_lock_the_owner_out_over_http(server):
    owner_address = "e2e.owner@example.lt"
    stranger, owner = "127.0.0.2", "127.0.0.1"
    status, started = call_from(server, stranger, "POST", "/login/email", {"email": owner_address})
    assert status == 202
    statuses = []
    for guess in range(10):
        status, _ = call_from(
            server,
            stranger,
            "POST",
            "/login/email/verify",
            {"email": owner_address, "login_id": started["login_id"], "code": f"{guess:08d}"},
        )
        statuses.append(status)
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}
    status, answer = call_from(server, stranger, "POST", "/login/email", {"email": owner_address})
    assert status == 429 and answer["error"]["code"] == "rate_limited"

    status, started = call_from(server, owner, "POST", "/login/email", {"email": owner_address})
    assert status == 202
    status, _, body = server.call("GET", "/_local/outbox")
    code = re.search(r"\b(\d{8})\b", [m for m in json.loads(body) if m["to"] == owner_address][-1]["text"]).group(1)
    status, signed_in = call_from(
        server,
        owner,
        "POST",
        "/login/email/verify",
        {"email": owner_address, "login_id": started["login_id"], "code": code},
    )
    assert status == 200 and signed_in["profile"]["email"] == owner_address


# --- one person, one account: linking, eIDAS and the person's own sessions, over HTTP ---


def viisp_round_trip(server, person, link_token=None, callback_headers=None):
    """A browser's VIISP round trip over HTTP: start (a sign-in, or with `link_token` a link as the account page
    starts it), sign in on the stand-in as `person` (its form fields), and VIISP's page posting back cross-site
    (no session cookie goes along). The callback's answer."""
    if link_token is None:
        status, headers, body = raw_call(server, "GET", "/login/viisp")
        assert status == 302, body
        portal = headers["Location"]
    else:
        bearer = {"Authorization": f"Bearer {link_token}", "Content-Type": "application/json"}
        status, headers, body = raw_call(server, "POST", "/login/viisp/link", b"{}", bearer)
        assert status == 200, body
        portal = json.loads(body)["location"]
    ticket = urllib.parse.parse_qs(urllib.parse.urlsplit(portal).query)["ticket"][0]
    nonce = set_cookie(headers, "__Host-viisp")
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
    form = urllib.parse.urlencode({"ticket": ticket, **person}).encode()
    status, _, page = raw_call(server, "POST", "/_local/viisp/authenticate", form, form_headers)
    assert status == 200, page
    fields = {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', page.decode())}
    body = urllib.parse.urlencode(fields).encode()
    headers = {**form_headers, "Cookie": f"__Host-viisp={nonce}", "Origin": server.base, **(callback_headers or {})}
    return raw_call(server, "POST", "/login/viisp/callback", body, headers)


def profile_over_http(server, token):
    status, _, body = server.call("GET", "/profile", headers={"Authorization": f"Bearer {token}"})
    assert status == 200, body
    return json.loads(body)


def filled_email_person(server, address):
    token = sign_in(server, address)["token"]
    contact = {"given_name": "Ona", "family_name": "Petraitienė", "phone_number": "+370 612 34567"}
    status, _, body = server.call("PUT", "/profile", contact, headers={"Authorization": f"Bearer {token}"})
    assert status == 200, body
    return token


ONA = {"personal_code": "61205010081", "given_name": "Aušra", "family_name": "Petraitienė"}
ERIKA = {"eidas_eid": "DE/LT/e2e0000erika", "given_name": "Erika", "family_name": "Mustermann", "nationality": "DE"}


def test_an_email_person_links_viisp_and_both_sign_ins_open_one_account_over_http(server):
    address = "link.ausra@example.lt"
    token = filled_email_person(server, address)
    user_id = profile_over_http(server, token)["user_id"]

    status, headers, body = viisp_round_trip(server, ONA, link_token=token)
    assert status == 303, body
    assert headers["Location"] == f"{server.base}/#/account?linked=1"
    linked = profile_over_http(server, set_cookie(headers, "__Host-session"))
    assert (linked["user_id"], linked["level"], linked["identity"]) == (user_id, 3, {"kind": "lt-personal-code"})
    assert (linked["given_name"], linked["family_name"]) == ("AUŠRA", "PETRAITIENĖ")

    status, headers, body = viisp_round_trip(server, ONA)  # VIISP alone, later
    assert status == 303, body
    assert profile_over_http(server, set_cookie(headers, "__Host-session"))["user_id"] == user_id
    assert profile_over_http(server, sign_in(server, address)["token"])["user_id"] == user_id  # and the e-mail code
    (event,) = staff_cli(server, "audit", user_id)["events"]
    assert event["actor"] == "self:viisp" and event["changes"]["level"] == {"before": 1, "after": 3}

    # Staff take the link off: VIISP then opens the identity's own new account.
    unlinked = staff_cli(server, "unlink", user_id, "--reason", "The person did not make this link")
    assert (unlinked["identity"], unlinked["level"]) == (None, 1)
    status, headers, body = viisp_round_trip(server, ONA)
    assert status == 303, body
    assert profile_over_http(server, set_cookie(headers, "__Host-session"))["user_id"] != user_id


def test_an_identity_with_its_own_account_is_refused_and_nothing_changes_over_http(server):
    person = {"personal_code": "36805280109", "given_name": "Žydrūnas", "family_name": "Čeponis"}
    status, _, body = viisp_round_trip(server, person)  # the identity's own account
    assert status == 303, body
    token = filled_email_person(server, "link.refused@example.lt")
    before = profile_over_http(server, token)

    status, headers, body = viisp_round_trip(server, person, link_token=token)
    assert status == 409 and json.loads(body)["error"]["code"] == "identity_in_use", body
    assert set_cookie(headers, "__Host-session") is None
    assert profile_over_http(server, token) == before
    # A browser is sent to the page that says what to do.
    browser = {"Accept": "text/html"}
    status, headers, _ = viisp_round_trip(server, person, link_token=token, callback_headers=browser)
    assert (status, headers["Location"]) == (303, f"{server.base}/#/viisp-error?reason=identity_in_use")
    assert profile_over_http(server, token) == before


def test_an_eidas_person_signs_in_to_a_level_3_account_keyed_by_the_identifier_over_http(server):
    status, headers, body = viisp_round_trip(server, ERIKA)
    assert status == 303, body
    profile = profile_over_http(server, set_cookie(headers, "__Host-session"))
    assert (profile["level"], profile["identity"]) == (3, {"kind": "eidas", "country": "DE"})
    assert ERIKA["eidas_eid"] not in json.dumps(profile)
    (found,) = staff_cli(server, "find", "--eidas-id", ERIKA["eidas_eid"])["users"]
    assert (found["user_id"], found["eidas_id"]) == (profile["user_id"], ERIKA["eidas_eid"])


def test_a_person_lists_their_sessions_and_ends_another_one_over_http(server):
    address = "sessions.ona@example.lt"
    phone, laptop = (sign_in(server, address)["token"] for _ in range(2))
    status, _, body = server.call("GET", "/sessions", headers={"Authorization": f"Bearer {laptop}"})
    assert status == 200, body
    sessions = json.loads(body)["sessions"]
    assert len(sessions) == 2 and sum(entry["current"] for entry in sessions) == 1
    assert all(phone not in json.dumps(entry) and laptop not in json.dumps(entry) for entry in sessions)
    (other,) = [entry for entry in sessions if not entry["current"]]
    status, _, body = server.call("DELETE", f"/sessions/{other['id']}", headers={"Authorization": f"Bearer {laptop}"})
    assert status == 204, body
    status, _, body = server.call("GET", "/profile", headers={"Authorization": f"Bearer {phone}"})
    assert status == 401 and json.loads(body)["error"]["code"] == "unauthenticated"
    assert profile_over_http(server, laptop)["email"] == address


# --- your account: the activity with staff's reasons, and the notice of a sign-in from a new device ---


def test_the_activity_shows_a_staff_change_with_its_reason_over_http(server):
    address = "walk.activity@example.lt"
    token = sign_in(server, address)["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    contact = {"given_name": "Ona", "family_name": "Petraitienė", "phone_number": "8 612 34567"}
    assert server.call("PUT", "/profile", contact, headers=bearer)[0] == 200
    (found,) = staff_cli(server, "find", "--email", address)["users"]
    staff_cli(server, "change", found["user_id"], "--given-name", "Rūta", "--reason", "Passport LT1234567 checked")

    status, _, body = server.call("GET", "/activity", headers=bearer)
    assert status == 200, body
    newest = json.loads(body)["events"][0]
    assert newest["kind"] == "staff_changed" and newest["actor"] == "staff"
    assert newest["reason"] == "Passport LT1234567 checked"
    assert newest["changes"] == {"given_name": {"before": "Ona", "after": "Rūta"}}
    assert b"arn:" not in body


def test_a_sign_in_from_a_new_device_is_told_and_only_the_notices_button_ends_every_session_over_http(server):
    address = "walk.notice@example.lt"
    first = server.call("POST", "/login/email", {"email": address})
    login_id = json.loads(first[2])["login_id"]
    verify = {"email": address, "login_id": login_id, "code": last_code_to(server, address)}
    request = urllib.request.Request(
        server.base + "/login/email/verify",
        data=json.dumps(verify).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        mine = json.loads(response.read())["token"]
        cookies = response.headers.get_all("Set-Cookie")
    device = next(re.match(r"__Host-device=([^;]+)", c).group(1) for c in cookies if c.startswith("__Host-device="))
    assert not [m for m in mails_to(server, address) if "naujo įrenginio" in m["subject"]]  # a new account: none

    # The same phone (its device cookie) signs in again: a known device, no notice.
    status, _, body = server.call(
        "POST", "/login/email", {"email": address}, headers={"Cookie": f"__Host-device={device}"}
    )
    login_id = json.loads(body)["login_id"]
    verify = {"email": address, "login_id": login_id, "code": last_code_to(server, address)}
    status, _, body = server.call("POST", "/login/email/verify", verify, headers={"Cookie": f"__Host-device={device}"})
    assert status == 200, body
    assert not [m for m in mails_to(server, address) if "naujo įrenginio" in m["subject"]]

    intruder = sign_in(server, address)["token"]  # another browser: no device cookie
    (notice,) = [m for m in mails_to(server, address) if "naujo įrenginio" in m["subject"]]
    link = re.search(r"(https?://\S+)/#/not-me\?t=([\w-]+)", notice["text"])
    assert link and link.group(1) == server.base

    # Opening the link loads the page (the token stays in the fragment, never sent): nothing changes.
    status, _, page = server.call("GET", "/")
    assert status == 200 and b"<html" in page
    for token in (mine, intruder):
        assert server.call("GET", "/profile", headers={"Authorization": f"Bearer {token}"})[0] == 200

    status, _, body = server.call("POST", "/activity/not-me", {"token": link.group(2)})
    assert status == 200, body
    reference = json.loads(body)["reference"]
    for token in (mine, intruder):
        assert server.call("GET", "/profile", headers={"Authorization": f"Bearer {token}"})[0] == 401
    mine = sign_in(server, address)["token"]
    status, _, body = server.call("GET", "/activity", headers={"Authorization": f"Bearer {mine}"})
    assert reference in [event.get("reference") for event in json.loads(body)["events"]]


def test_a_person_downloads_their_data_and_erases_the_account_over_http(server):
    address = "walk.erase@example.lt"
    first = sign_in(server, address)
    bearer = {"Authorization": f"Bearer {first['token']}"}
    contact = {"given_name": "Ona", "family_name": "Petraitienė", "phone_number": "8 612 34567"}
    status, _, body = server.call("PUT", "/profile", contact, headers=bearer)
    assert status == 200, body
    user_id = json.loads(body)["user_id"]
    staff_cli(server, "change", user_id, "--family-name", "Kazlauskienė", "--reason", "Marriage certificate seen")

    # The export: the address, the phone and the staff reason; no token, and staff only as "staff".
    token = sign_in(server, address)["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    status, headers, body = server.call("GET", "/profile/export", headers=bearer)
    assert status == 200, body
    assert headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="migris-account-\d{4}-\d{2}-\d{2}\.json"', headers["Content-Disposition"]
    )
    exported = json.loads(body)
    assert exported["account"]["email"] == address
    assert exported["account"]["phone_number"] == "+37061234567"
    (event,) = exported["staff_audit"]
    assert (event["actor"], event["reason"]) == ("staff", "Marriage certificate seen")
    text = body.decode()
    assert token not in text and first["token"] not in text and "arn:" not in text

    # The erasure: a session and a JSON body; then the token is over and the address free.
    status, _, body = server.call("DELETE", "/profile", {})
    assert status == 401, body
    status, headers, body = server.call("DELETE", "/profile", {}, headers=bearer)
    assert status == 204, body
    status, _, body = server.call("GET", "/profile", headers=bearer)
    assert status == 401, body
    assert mails_to(server, address)[-1]["subject"] == "MIGRIS: paskyra ištrinta"
    again = sign_in(server, address)
    assert again["profile"]["user_id"] != user_id and again["profile_complete"] is False
    (found,) = staff_cli(server, "find", "--email", address)["users"]
    assert found["user_id"] == again["profile"]["user_id"]

    # The audit stays for staff, its names unreadable: neither the address nor a name is in it.
    audit = staff_cli(server, "audit", user_id)
    (event,) = audit["events"]
    assert event["changes"] == {"family_name": {"before": None, "after": None, "erased": True}}
    assert event["reason"] == "Marriage certificate seen"
    printed = json.dumps(audit, ensure_ascii=False)
    assert address not in printed and "Petraitienė" not in printed and "Kazlauskienė" not in printed
