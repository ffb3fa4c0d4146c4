"""The local stack under a crowd: `python -m devserver` on a loopback port, met by many clients at once."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import devserver_running

HOST = "127.0.0.1"
CROWD = 200
# Distinct addresses stay clear of every per-address limit anyway; no cooldown for good measure. The server under
# a crowd is the subject here, not SES's rate (make load keeps the template's): the mails go out as fast as
# they can.
OVERRIDES = ["ResendCooldownSeconds=0", "MaxCodesPerHour=50", "MaxCodesPerDay=100", "MailSendRate=1000"]
ANSWER_SECONDS = 20  # per socket operation; a crowd of sign-ins is answered in a few seconds
# One server for the module, so its tests share a worker process under pytest-xdist.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-local-stack-load")]


@dataclass
class Server:
    port: int
    log_path: Path  # stdout: the access log and the functions' logs, one line per write

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(errors="replace").splitlines()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    arguments = ["--parameter-overrides", *OVERRIDES]
    # The functions log the event API Gateway hands them: how the source IP is seen from outside.
    env = {"POWERTOOLS_LOGGER_LOG_EVENT": "true"}
    with devserver_running(tmp_path_factory.mktemp("devserver-load"), arguments, env) as (port, log_path):
        yield Server(port, log_path)


def crowd(server: Server, call: Any) -> list[Any]:
    """Run `call(connection, i)` from CROWD threads, each with its own socket, connecting at once; the outcome
    of each is what it returned, or the error it met (a reset, a refusal, a timeout)."""
    barrier = threading.Barrier(CROWD)
    outcomes: list[Any] = ["never ran"] * CROWD

    def one(i: int) -> None:
        connection = http.client.HTTPConnection(HOST, server.port, timeout=ANSWER_SECONDS)
        try:
            barrier.wait(timeout=30)  # the connection is made by the first request, right after the barrier
            outcomes[i] = call(connection, i)
        except Exception as error:
            outcomes[i] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(CROWD)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + ANSWER_SECONDS + 30
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    return outcomes


def test_two_hundred_simultaneous_sign_ins_are_all_answered(server):
    run = uuid.uuid4().hex[:8]

    def start_login(connection: http.client.HTTPConnection, i: int) -> int:
        body = json.dumps({"email": f"crowd.{run}.{i}@example.lt"})
        connection.request("POST", "/login/email", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status

    started = time.monotonic()
    outcomes = crowd(server, start_login)
    elapsed = time.monotonic() - started
    unanswered = Counter(outcome for outcome in outcomes if outcome != 202)
    assert not unanswered, f"{sum(unanswered.values())} of {CROWD} sign-ins not answered 202: {unanswered}"
    assert elapsed < ANSWER_SECONDS, f"the crowd took {elapsed:.1f} s"

    # Every sign-in went through the (serialised) functions and moto: one mail to each address.
    connection = http.client.HTTPConnection(HOST, server.port, timeout=ANSWER_SECONDS)
    connection.request("GET", "/_local/outbox")
    mails = json.loads(connection.getresponse().read())
    connection.close()
    sent = Counter(mail["to"] for mail in mails if mail["to"].startswith(f"crowd.{run}."))
    assert sent == Counter({f"crowd.{run}.{i}@example.lt": 1 for i in range(CROWD)})


def test_idle_and_slow_clients_do_not_hold_up_the_others(server):
    holders: list[socket.socket] = []
    try:
        for i in range(20):
            # Kept alive after an answer and then silent; and a request whose body never finishes arriving.
            idle = http.client.HTTPConnection(HOST, server.port, timeout=ANSWER_SECONDS)
            idle.request("GET", "/_local/outbox")
            idle.getresponse().read()
            holders.append(idle.sock)
            slow = socket.create_connection((HOST, server.port), timeout=ANSWER_SECONDS)
            slow.sendall(
                b"POST /login/email HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n" + f'{{"email": "slow.{i}'.encode()
            )
            holders.append(slow)
        started = time.monotonic()
        connection = http.client.HTTPConnection(HOST, server.port, timeout=ANSWER_SECONDS)
        connection.request("GET", "/_local/outbox")
        assert connection.getresponse().status == 200
        connection.close()
        assert time.monotonic() - started < 2
    finally:
        for held in holders:
            held.close()


def test_the_source_ip_is_the_connecting_sockets_address(server):
    marker = f"source-ip-probe-{uuid.uuid4().hex}"
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10, source_address=("127.0.0.2", 0))
    try:
        connection.connect()
    except OSError as error:
        pytest.skip(f"this host cannot send from 127.0.0.2: {error}")
    try:
        connection.request("GET", "/profile", headers={"User-Agent": marker})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert response.status == 401

    def logged_event() -> dict[str, Any] | None:
        for line in server.log_lines():
            if marker not in line or not line.startswith("{"):
                continue
            message = json.loads(line).get("message")
            if isinstance(message, dict) and message["requestContext"]["identity"]["userAgent"] == marker:
                return message
        return None

    deadline = time.monotonic() + 5
    while (event := logged_event()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert event is not None, "the function's event log line was not found"
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.2"
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.2"
    assert "127.0.0.2 GET /profile" in server.log_lines()  # the access log says the same


def exchange(server: Server, data: bytes) -> bytes:
    """`data` sent on one connection, and everything the server writes back until it closes the connection."""
    with socket.create_connection((HOST, server.port), timeout=ANSWER_SECONDS) as raw:
        raw.sendall(data)
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    return answer


def chunked(*parts: bytes, trailer: bytes = b"") -> bytes:
    return b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in parts) + b"0\r\n" + trailer + b"\r\n"


def test_a_chunked_body_is_read_as_api_gateway_reads_it(server):
    """API Gateway takes a chunked body (schemathesis sends some): the chunks joined, an extension and a
    trailer field ignored, and the connection still good for the next request."""
    body = chunked(b'{"email": "chunk', b'ed@example.lt"}', trailer=b"X-Checksum: 1\r\n")
    first = (
        b"POST /login/email HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + body.replace(b"\r\n", b";ext=1\r\n", 1)
    )
    second = b"GET /profile HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    answer = exchange(server, first + second)
    assert answer.startswith(b"HTTP/1.1 202 "), answer[:300]
    assert b'"email": "chunked@example.lt"' in answer
    assert answer.count(b"HTTP/1.1 ") == 2
    assert b"HTTP/1.1 401 " in answer  # the second request, read after the whole chunked body


def test_a_chunked_body_is_never_read_as_a_request_of_its_own(server):
    smuggled = b"GET /_local/outbox HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answer = exchange(
        server,
        b"POST /login/email HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + chunked(smuggled),
    )
    assert answer.startswith(b"HTTP/1.1 422 "), answer[:300]  # the request's body, which is not JSON
    assert answer.count(b"HTTP/1.1 ") == 1, "the chunk was served as a request"


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        # Content-Length beside chunked: which one frames the body is how requests are smuggled (RFC 9112, 6.1)
        (b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", chunked(b"{}")),
        (b"Transfer-Encoding: gzip, chunked\r\n", chunked(b"{}")),
        (b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", chunked(b"{}")),
        (b"Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n"),  # not a size
        (b"Transfer-Encoding: chunked\r\n", b"2\r\n{}xx0\r\n\r\n"),  # a chunk longer than its size
    ],
)
def test_a_body_framed_two_ways_or_badly_is_refused_and_the_connection_closed(server, headers, body):
    smuggled = b"GET /_local/outbox HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answer = exchange(
        server,
        b"POST /login/email HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + headers
        + b"\r\n"
        + body
        + smuggled,
    )
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:300]
    assert b'"bad_request"' in answer
    assert answer.count(b"HTTP/1.1 ") == 1, "what followed was served as a request"


def test_a_chunked_body_over_the_payload_limit_is_refused_unread(server):
    answer = exchange(
        server,
        b"POST /login/email HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + f"{10 * 1024 * 1024 + 1:x}\r\n".encode() + b"{",
    )
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:300]
