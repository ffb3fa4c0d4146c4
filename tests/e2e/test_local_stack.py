"""The local stack as a client meets it: `python -m devserver` on a loopback port, driven over HTTP."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Http:
    def __init__(self, base: str) -> None:
        self.base = base

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


@pytest.fixture(scope="module")
def server():
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devserver",
            "--port",
            str(port),
            "--parameter-overrides",
            "CodeLength=8 MaxCodesPerDay=20",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    http = Http(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read() if process.stdout else "devserver exited") from None
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("devserver did not start")
    yield http
    process.terminate()
    process.wait(timeout=10)


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


def test_unknown_route_answers_in_the_error_shape(server):
    status, _, body = server.call("POST", "/no/such/route", {})
    assert status == 404
    assert json.loads(body)["error"]["code"] == "not_found"
