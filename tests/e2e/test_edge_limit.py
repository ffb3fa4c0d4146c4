"""The edge's rate rule on the local stack, over HTTP: `python -m devserver` with a small `LoginEdgeRequests`
answers beyond it as WAF does (429, Retry-After, the API's error body), counting per network address."""

from __future__ import annotations

import http.client
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.helpers import devserver_running

LIMIT = 10
ADMIN = "127.0.0.1"  # reads the outbox, never calls /login/
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-edge-limit")]


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Server:
    port: int

    def call(self, method: str, path: str, body: Any = None, *, source: str) -> Reply:
        """A request from the `source` loopback address (each address is another network to the stack)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(source, 0))
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def mails_to(self, address: str) -> list[dict[str, Any]]:
        return [mail for mail in self.call("GET", "/_local/outbox", source=ADMIN).json() if mail["to"] == address]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One stack for the module; each test acts from loopback addresses of its own, so its counts start at 0."""
    arguments = ["--parameter-overrides", f"LoginEdgeRequests={LIMIT}"]
    with devserver_running(tmp_path_factory.mktemp("devserver-edge"), arguments) as (port, _):
        yield Server(port)


def new_address() -> str:
    return f"edge.{uuid.uuid4().hex[:10]}@example.lt"


def assert_edge_refusal(reply: Reply) -> None:
    assert reply.status == 429
    assert reply.headers["Retry-After"] == "300"
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.json() == {
        "error": {
            "code": "edge_rate_limited",
            "message": "Too many sign-ins from your network. Try again in a few minutes.",
        }
    }


def test_the_request_after_the_limit_gets_the_edges_429_and_reaches_nothing(server: Server):
    crowd = "127.0.0.2"
    for _ in range(LIMIT):
        assert server.call("POST", "/login/email", {"email": new_address()}, source=crowd).status == 202

    refused_address = new_address()
    assert_edge_refusal(server.call("POST", "/login/email", {"email": refused_address}, source=crowd))
    assert server.mails_to(refused_address) == []  # the request never reached the function

    # Every /login/ route is behind the rule; the rest of the API is not.
    verify = {"email": refused_address, "login_id": "x", "code": "12345678"}
    assert_edge_refusal(server.call("POST", "/login/email/verify", verify, source=crowd))
    assert_edge_refusal(server.call("GET", "/login/viisp", source=crowd))
    assert server.call("GET", "/profile", source=crowd).json()["error"]["code"] == "unauthenticated"


def test_another_network_address_is_not_held_back(server: Server):
    crowd, elsewhere = "127.0.0.3", "127.0.0.4"
    for _ in range(LIMIT):
        server.call("POST", "/login/email", {"email": new_address()}, source=crowd)
    assert server.call("POST", "/login/email", {"email": new_address()}, source=crowd).status == 429

    address = new_address()
    reply = server.call("POST", "/login/email", {"email": address}, source=elsewhere)
    assert reply.status == 202, reply.body
    assert len(server.mails_to(address)) == 1


def test_what_the_api_would_refuse_counts_as_any_request(server: Server):
    """WAF counts every request its rule sees, whatever the API would have answered."""
    crowd = "127.0.0.5"
    for _ in range(LIMIT):
        assert server.call("POST", "/login/email", {"email": "not an address"}, source=crowd).status == 422
    assert_edge_refusal(server.call("POST", "/login/email", {"email": new_address()}, source=crowd))
