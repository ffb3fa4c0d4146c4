"""Shared fixtures: a movable clock, moto-backed AWS built from template.yaml, and an HTTP-shaped client
that sends API Gateway events through the real handlers (the local stack's dispatch, without a socket)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import pytest

from devserver.template import Template

# Lambda sets the Powertools settings before any code loads; do the same before migris is imported.
Template.load().apply_process_environment()

from botocore.credentials import ReadOnlyCredentials  # noqa: E402

from devserver.apigw import HttpRequest  # noqa: E402
from devserver.iam import LocalPrincipal  # noqa: E402
from devserver.server import LocalStack  # noqa: E402
from staff.client import signed_headers  # noqa: E402

HOST = "127.0.0.1:3000"
ORIGIN = f"http://{HOST}"
START = 1_800_000_000
FIRST_FILL = {"given_name": "Ona", "family_name": "Petraitienė", "phone_number": "+370 612 34567"}


class FakeClock:
    def __init__(self, start: float = START) -> None:
        self.current = float(start)

    def now(self) -> float:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += seconds


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return values[-1] if values else None

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def error_code(self) -> str:
        return str(self.json["error"]["code"])


class Client:
    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.source_ip = "198.51.100.7"

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        all_headers = {"Host": HOST, **(headers or {})}
        data = b""
        if json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        elif body is not None:
            data = body.encode() if isinstance(body, str) else body
            all_headers.setdefault("Content-Type", "application/json")
        path, _, query = path.partition("?")
        request = HttpRequest(
            method, path, parse_qs(query, keep_blank_values=True), list(all_headers.items()), data, self.source_ip
        )
        response = self.stack.dispatch(request)
        return Answer(response.status, response.headers, response.body)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> Answer:
        return self.request("POST", path, json_body=json_body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    # --- a signed-in person (Bearer) ---

    def as_person(self, token: str, method: str, path: str, json_body: Any = None, **kwargs: Any) -> Answer:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return self.request(method, path, json_body=json_body, headers=headers, **kwargs)

    # --- staff: SigV4-signed as API Gateway demands, with the local staff key unless told otherwise ---

    def as_staff(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        *,
        principal: LocalPrincipal | None = None,
        region: str | None = None,
        raw_body: bytes | None = None,
        content_type: str = "application/json",
    ) -> Answer:
        signer = principal or self.stack.staff
        data = json.dumps(json_body).encode() if json_body is not None else (raw_body or b"")
        credentials = ReadOnlyCredentials(signer.access_key_id, signer.secret_access_key, None)
        headers = signed_headers(method, f"http://{HOST}{path}", data, credentials, region or self.stack.region)
        headers["Host"] = HOST
        headers["Content-Type"] = content_type
        return self.request(method, path, body=data or None, headers=headers)

    # --- the e-mail sign-in, step by step ---

    def last_code(self, address: str) -> str:
        mails = self.stack.aws.mails_to(address)
        assert mails, f"no mail to {address}"
        match = re.search(r"\b(\d{4,})\b", mails[-1]["text"])
        assert match
        return match.group(1)

    def start(self, address: str, **extra: Any) -> Answer:
        return self.post("/login/email", {"email": address, **extra})

    def signed_in(self, address: str, *, filled: bool = False) -> str:
        """Sign in and return the session token; with `filled`, fill in the contact data first."""
        token = str(self.sign_in(address)["token"])
        if filled:
            answer = self.as_person(token, "PUT", "/profile", FIRST_FILL)
            assert answer.status == 200, answer.raw
        return token

    def sign_in(self, address: str) -> dict[str, Any]:
        started = self.start(address)
        assert started.status == 202, started.raw
        login_id = started.json["login_id"]
        answer = self.post(
            "/login/email/verify",
            {"email": address, "login_id": login_id, "code": self.last_code(address)},
        )
        assert answer.status == 200, answer.raw
        return dict(answer.json)


def handler_client_hooks(service: str) -> Any:
    """The event hooks of the boto client the handlers use for `service` ("dynamodb" or "sesv2"). A botocore
    client copies its session's hooks when it is made, so a hook meant for calls already under way goes here."""
    from migris.wiring import services

    domain = services()
    client = domain._dynamodb.meta.client if service == "dynamodb" else domain.mailer._ses
    return client.meta.events


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_stack(clock: FakeClock) -> Iterator[Callable[..., LocalStack]]:
    started: list[LocalStack] = []

    def make(**overrides: str) -> LocalStack:
        template = Template.load({"WebOrigin": ORIGIN, "PublicApiUrl": ORIGIN, **overrides})
        stack = LocalStack(template, ORIGIN, clock=clock)
        stack.start()
        started.append(stack)
        return stack

    yield make
    for stack in started:
        stack.stop()


@pytest.fixture
def stack(make_stack: Callable[..., LocalStack]) -> LocalStack:
    return make_stack()


@pytest.fixture
def client(stack: LocalStack) -> Client:
    return Client(stack)
