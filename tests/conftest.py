"""Shared fixtures: a movable clock, moto-backed AWS built from template.yaml, and an HTTP-shaped client
that sends API Gateway events through the real handlers (the local stack's dispatch, without a socket)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from devserver.template import Template

# Lambda sets the Powertools settings before any code loads; do the same before migris is imported.
Template.load().apply_process_environment()

from devserver.apigw import HttpRequest  # noqa: E402
from devserver.server import LocalStack  # noqa: E402

ORIGIN = "http://127.0.0.1:3000"
START = 1_800_000_000


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
        all_headers = dict(headers or {})
        data = b""
        if json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        elif body is not None:
            data = body.encode() if isinstance(body, str) else body
            all_headers.setdefault("Content-Type", "application/json")
        request = HttpRequest(method, path, {}, list(all_headers.items()), data, self.source_ip)
        response = self.stack.dispatch(request)
        return Answer(response.status, response.headers, response.body)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> Answer:
        return self.request("POST", path, json_body=json_body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    # --- the e-mail sign-in, step by step ---

    def last_code(self, address: str) -> str:
        mails = self.stack.aws.mails_to(address)
        assert mails, f"no mail to {address}"
        match = re.search(r"\b(\d{4,})\b", mails[-1]["text"])
        assert match
        return match.group(1)

    def start(self, address: str, **extra: Any) -> Answer:
        return self.post("/login/email", {"email": address, **extra})

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


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_stack(clock: FakeClock) -> Iterator[Callable[..., LocalStack]]:
    started: list[LocalStack] = []

    def make(**overrides: str) -> LocalStack:
        template = Template.load({"WebOrigin": ORIGIN, **overrides})
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
