"""Fuzzing the API against its own document (issue 11, item 4): schemathesis reads the local stack's
/openapi.json and sends every route generated requests, valid and invalid ones, anonymous, as a signed-in person
(Bearer) and as staff (SigV4 with the local staff key). Every answer must be no server error and must match the
document: its status listed there, its content type and its body as the document describes them; an invalid
request must be refused (4xx). A request that keeps to the document is not refused as invalid, except where
the committed schemathesis.toml says which rule no schema can state. And `st run --checks all` itself
(schemathesis' engine: every phase, every check, the same schemathesis.toml), anonymous and with a person's
Bearer token, finds nothing: what issue 20 ran from outside against `make run`, kept at zero by `make test`.

The requests reach LocalStack.dispatch in process through a small WSGI adapter (no socket). The adapter is also
where a request is authenticated as its caller would do it: the person's Bearer token added, or the staff
request signed as it is sent. Bounded (MAX_EXAMPLES a route and caller) and derandomized: the same requests
every run."""

from __future__ import annotations

import copy
import itertools
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import ReadOnlyCredentials
from hypothesis import HealthCheck, Phase, example, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.core.failures import FailureGroup
from schemathesis.engine import Status, events, from_schema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from devserver.apigw import HttpRequest
from staff.client import SERVICE
from tests.helpers import FIRST_FILL, ORIGIN, Client, LocalStack, local_template

# One stack for the module: its tests share a worker process under pytest-xdist.
pytestmark = pytest.mark.xdist_group("openapi-fuzz")

MAX_EXAMPLES = 20  # generated requests per route, caller and mode (valid or invalid)
CALLERS = ("anonymous", "person", "staff")
SOURCE_IP = "198.51.100.9"
# Fewer 429s from the code limits: all fuzzing comes from one address. A 429 is still a documented answer.
PARAMETERS = {
    "ResendCooldownSeconds": "0",
    "MaxCodesPerHour": "1000",
    "MaxCodesPerDay": "1000",
    "MaxCodesPerAddressPerDay": "1000",
}
# A request that keeps to the document must not be refused as invalid (positive_data_acceptance: no 400 or 422),
# except by a rule the document can only state in words: schemathesis.toml names each (a ticket must be one we
# issued, a phone number must be valid, a name needs a visible letter, ...), for these tests and `st run` alike.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]
SETTINGS: dict[str, Any] = tomllib.loads((Path(__file__).resolve().parents[2] / "schemathesis.toml").read_text())
ST_EXAMPLES = 20  # st run's --max-examples: generated requests per operation and phase


def config(**extra: Any) -> schemathesis.Config:
    """schemathesis.toml's settings with `extra` beside them; nothing written to the work tree (no cache)."""
    return schemathesis.Config.from_dict({**copy.deepcopy(SETTINGS), "cache": {"enabled": False}, **extra})


# An invalid request may be answered with any refusal the API gives, never with a 2xx (negative_data_rejection).
CONFIG = config(checks={"negative_data_rejection": {"expected-statuses": [400, 401, 403, 404, 409, 415, 422, 429]}})
ROUTES = sorted((route.method, route.path) for route in local_template().routes())
PEOPLE = itertools.count()


@dataclass
class Caller:
    """Who the next request is from: nobody, a signed-in person (Bearer), or staff (SigV4)."""

    kind: str = "anonymous"
    token: str = ""


@dataclass
class Fuzzed:
    stack: LocalStack
    caller: Caller
    schema: Any
    known_email: str  # a signed-in, filled-in person the staff examples look up
    known_user_id: str


def wsgi_app(stack: LocalStack, caller: Caller) -> Callable[..., Iterator[bytes]]:
    """The local stack as a WSGI application: each request handed to LocalStack.dispatch, authenticated as
    `caller` says. An exception out of dispatch propagates (API Gateway would answer it with a 502)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = [(key[5:].replace("_", "-").title(), value) for key, value in environ.items() if key[:5] == "HTTP_"]
        if environ.get("CONTENT_TYPE"):
            headers.append(("Content-Type", environ["CONTENT_TYPE"]))
        method = environ["REQUEST_METHOD"]
        # The path as its request line carries it, %-encoded, which is what the socket server hands dispatch
        # (werkzeug's REQUEST_URI); PATH_INFO is already decoded, and a decoded newline is no path a client sends.
        path = urlsplit(environ["REQUEST_URI"]).path or "/"
        query = environ.get("QUERY_STRING") or ""
        if caller.kind == "person":
            headers = [*without(headers, "authorization"), ("Authorization", f"Bearer {caller.token}")]
        elif caller.kind == "staff":
            headers = signed(stack, method, path, query, headers, body)
        request = HttpRequest(method, path, parse_qs(query, keep_blank_values=True), headers, body, SOURCE_IP)
        response = stack.dispatch(request)
        start_response(f"{response.status} -", response.headers)
        return iter([response.body])

    return app


def without(headers: list[tuple[str, str]], *names: str) -> list[tuple[str, str]]:
    return [(key, value) for key, value in headers if key.lower() not in names]


def signed(
    stack: LocalStack, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes
) -> list[tuple[str, str]]:
    """The headers with a SigV4 signature over the request as it is sent, with the local staff key."""
    url = f"{ORIGIN}{path}" + (f"?{query}" if query else "")  # the path as sent: %-encoded
    kept = without(headers, "authorization", "x-amz-date", "x-amz-security-token")
    request = AWSRequest(method=method, url=url, data=body, headers=dict(kept))
    credentials = ReadOnlyCredentials(stack.staff.access_key_id, stack.staff.secret_access_key, None)
    SigV4Auth(credentials, SERVICE, stack.region).add_auth(request)
    return list(request.headers.items())


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[Fuzzed]:
    template = local_template(WebOrigin=ORIGIN, PublicApiUrl=ORIGIN, **PARAMETERS)
    stack = LocalStack(template, ORIGIN)
    stack.start()
    try:
        known_email = "fuzz.known@example.lt"
        known_user_id = Client(stack).sign_in(known_email)["profile"]["user_id"]
        Client(stack).signed_in(known_email, filled=True)
        caller = Caller()
        # The document as GET /openapi.json serves it.
        schema = schemathesis.openapi.from_wsgi("/openapi.json", wsgi_app(stack, caller), config=CONFIG)
        yield Fuzzed(stack, caller, schema, known_email, known_user_id)
    finally:
        stack.stop()


def valid_requests(fuzzed: Fuzzed, method: str, path: str) -> list[dict[str, Any]]:
    """Requests that pass validation, sent first: the generated ones rarely do (an e-mail field is any string
    in the document), and the success answers must match the document too."""
    user = {"user_id": fuzzed.known_user_id}
    return {
        ("POST", "/login/email"): [{"body": {"email": "fuzz.mail@example.lt", "language": "en"}}],
        ("PUT", "/profile"): [{"body": FIRST_FILL}],
        ("PATCH", "/profile"): [
            {"body": {"phone_number": "+370 612 00000"}},
            {"body": {"email": "fuzz.new@example.lt"}},
        ],
        ("POST", "/staff/users/search"): [{"body": {"email": fuzzed.known_email}}],
        ("PATCH", "/staff/users/{user_id}"): [{"path_parameters": user, "body": {"level": 2, "reason": "fuzz"}}],
        ("POST", "/staff/users/{user_id}/sessions/revoke"): [{"path_parameters": user, "body": {"reason": "fuzz"}}],
        ("POST", "/staff/users/{user_id}/identity/unlink"): [{"path_parameters": user, "body": {"reason": "fuzz"}}],
        ("GET", "/staff/users/{user_id}/audit"): [{"path_parameters": user}],
    }.get((method, path), [])


@pytest.mark.parametrize("kind", CALLERS)
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_answer_matches_the_document(fuzzed, method, path, kind):
    fuzzed.caller.kind = kind
    if kind == "person":  # a fresh session (an earlier route may have ended one); PUT /profile needs it unfilled
        address = f"fuzz.{next(PEOPLE)}@example.lt"
        fuzzed.caller.token = Client(fuzzed.stack).signed_in(address, filled=(method, path) != ("PUT", "/profile"))
    operation = fuzzed.schema[path][method]
    failures: list[str] = []
    fuzz_operation(operation, GenerationMode.POSITIVE, failures, valid_requests(fuzzed, method, path), CHECKS)
    if "requestBody" in operation.definition.raw:  # else there is nothing to make invalid
        checks = [*CHECKS[:-1], negative_data_rejection]
        fuzz_operation(operation, GenerationMode.NEGATIVE, failures, [], checks)
    assert not failures, "\n\n".join(sorted(set(failures)))


def fuzz_operation(
    operation: Any, mode: GenerationMode, failures: list[str], explicit: list[dict[str, Any]], checks: list[Any]
) -> None:
    """The explicit requests, then MAX_EXAMPLES generated ones (valid or invalid as `mode` says), each answer
    checked with `checks`. Every failure is collected rather than shrunk: one run names them all, quickly."""

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode))
    def fuzz(case: Any) -> None:
        response = case.call()
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            for failure in group.exceptions:
                failures.append(
                    f"{failure.title}: {case.method} {case.formatted_path} body={sent(case.body)} -> "
                    f"{response.status_code} {response.text[:300]}\n{failure.message[:600]}"
                )

    for request in explicit:
        fuzz = example(case=operation.Case(media_type="application/json", **request))(fuzz)
    fuzz()


def sent(body: Any) -> str:
    return "-" if body is NOT_SET else f"{body!r:.300}"


@pytest.mark.parametrize("kind", ["anonymous", "person"])
def test_st_run_with_every_check_finds_nothing(fuzzed, kind):
    """`st run <stack>/openapi.json --checks all --max-examples 20` in process: schemathesis' own engine, with
    every phase (examples, coverage, fuzzing, stateful) and every check, and schemathesis.toml as the command
    reads it from the repository's root; anonymous, and with a signed-in person's Bearer token (the stateful
    phase may end that session: a 401 from then on is an answer like any other). Deterministic."""
    caller = Caller(kind)
    if kind == "person":
        caller.token = Client(fuzzed.stack).signed_in(f"fuzz.st.{next(PEOPLE)}@example.lt", filled=True)
    settings = config()
    settings.projects.override.checks.update(included_check_names=["all"])  # --checks all
    settings.projects.override.generation.update(max_examples=ST_EXAMPLES, deterministic=True)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", wsgi_app(fuzzed.stack, caller), config=settings)
    found: list[str] = []
    checked = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for results in event.recorder.checks.values():
                checked += len(results)
                found += [
                    f"{event.label}: {result.name}: {result.failure_info.failure.title}\n"
                    f"{result.failure_info.code_sample}\n{result.failure_info.failure.message[:600]}"
                    for result in results
                    if result.status == Status.FAILURE and result.failure_info is not None
                ]
        elif isinstance(event, events.NonFatalError):
            found.append(f"error: {event.label}: {event.info.title}: {event.info.message[:600]}")
        elif isinstance(event, events.FatalError):
            found.append(f"the engine failed: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            found += [f"after the run: {failure.title}: {failure.message[:600]}" for failure in event.failures]
    assert checked > 1000  # every operation was run, not skipped
    assert not found, "\n\n".join(sorted(set(found)))
