"""Known devices over real HTTP (issue 20 §1): a stranger who knows only the owner's address spends, from five
networks, every code the address may be sent without a known device's cookie; the owner's browser, which signed
in before, still gets a code and signs in. `python -m devserver` on a loopback port; each 127.0.0.x source
address is another network to it. The rules one by one: tests/handler/test_known_devices.py."""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from tests.helpers import devserver_running

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-known-devices")]

OWNER = "e2e.device.owner@example.lt"
DEVICE = "__Host-device"
OWNER_HOME = "127.0.0.1"  # where the owner signs in first (and the outbox is read from)
STRANGERS = [f"127.0.0.{n}" for n in range(2, 7)]
NEWCOMER = "127.0.0.7"  # anyone else, without a device cookie
OWNER_ELSEWHERE = "127.0.0.8"  # the owner's browser, on another network
# The template's defaults: 20 codes a day to an address, 5 of them only for its known devices.
CEILING, RESERVE = 20, 5


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def set_cookie(self, name: str) -> str | None:
        return next((v for v in self.headers.get_all("Set-Cookie") or [] if v.startswith(f"{name}=")), None)


@dataclass(frozen=True)
class Server:
    port: int

    @property
    def origin(self) -> str:
        return f"http://localhost:{self.port}"  # WebOrigin: our own pages' origin

    def call(
        self, method: str, path: str, body: Any = None, *, source: str, headers: dict[str, str] | None = None
    ) -> Reply:
        """A request from the `source` loopback address (the stack reports it as the request's source IP)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(source, 0))
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            connection.request(
                method,
                path,
                body=None if body is None else json.dumps(body).encode(),
                headers={**all_headers, **(headers or {})},
            )
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def codes_to(self, address: str) -> list[str]:
        """The codes mailed to the address so far, oldest first (reading the outbox waits for queued mail)."""
        reply = self.call("GET", "/_local/outbox", source=OWNER_HOME)
        assert reply.status == 200, reply.body
        return [re.search(r"\b(\d{8})\b", mail["text"]).group(1) for mail in reply.json() if mail["to"] == address]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    # No cooldown, so the stranger's requests need no waiting; every other limit as deployed.
    overrides = ["--parameter-overrides", "ResendCooldownSeconds=0"]
    with devserver_running(tmp_path_factory.mktemp("devserver"), overrides) as (port, _):
        yield Server(port)


def ask(server: Server, source: str, device: str | None = None) -> Reply:
    headers = {} if device is None else {"Cookie": f"{DEVICE}={device}", "Origin": server.origin}
    return server.call("POST", "/login/email", {"email": OWNER}, source=source, headers=headers)


def verify(server: Server, source: str, login_id: str, code: str, device: str | None = None) -> Reply:
    headers = {} if device is None else {"Cookie": f"{DEVICE}={device}", "Origin": server.origin}
    body = {"email": OWNER, "login_id": login_id, "code": code}
    return server.call("POST", "/login/email/verify", body, source=source, headers=headers)


def test_a_stranger_who_spends_the_addresss_codes_leaves_the_owners_known_device_its_own(server: Server) -> None:
    # The owner signs in once from home; the browser keeps the device cookie.
    started = ask(server, OWNER_HOME)
    assert started.status == 202, started.body
    (code,) = server.codes_to(OWNER)
    signed_in = verify(server, OWNER_HOME, started.json()["login_id"], code)
    assert signed_in.status == 200, signed_in.body
    header = signed_in.set_cookie(DEVICE)
    assert header is not None, signed_in.headers.get_all("Set-Cookie")
    device = header.split(";", 1)[0].partition("=")[2]
    assert device

    # A stranger on five networks asks codes for the owner's address until each of them is refused.
    sent = 0
    for stranger in STRANGERS:
        for _ in range(CEILING):
            reply = ask(server, stranger)
            if reply.status != 202:
                break
            sent += 1
        assert reply.status == 429 and reply.json()["error"]["code"] == "rate_limited", reply.body
    for stranger in STRANGERS:
        assert ask(server, stranger).status == 429
    assert sent == CEILING - RESERVE - 1  # with the owner's own code, what requests without the cookie may ask
    # Anyone else without the cookie is refused too: the address's anonymous day is spent.
    newcomer = ask(server, NEWCOMER)
    assert newcomer.status == 429 and newcomer.json()["error"]["code"] == "rate_limited", newcomer.body

    # The owner's browser, on yet another network, still gets a code: its cookie draws on the reserve.
    mailed_before = server.codes_to(OWNER)
    started = ask(server, OWNER_ELSEWHERE, device)
    assert started.status == 202, started.body
    mailed = server.codes_to(OWNER)
    assert mailed[: len(mailed_before)] == mailed_before and len(mailed) == len(mailed_before) + 1
    code, login_id = mailed[-1], started.json()["login_id"]

    # The device's code signs in only with the device's cookie...
    without = verify(server, OWNER_ELSEWHERE, login_id, code)
    assert without.status == 401 and without.json()["error"]["code"] == "invalid_code", without.body
    # ... and with it, the owner is in, on the same known device.
    answer = verify(server, OWNER_ELSEWHERE, login_id, code, device)
    assert answer.status == 200, answer.body
    assert answer.json()["profile"]["email"] == OWNER
    assert (answer.set_cookie(DEVICE) or "").startswith(f"{DEVICE}={device};")
