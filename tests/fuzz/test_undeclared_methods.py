"""Methods the document does not declare (issue 20): every route's path asked with methods it lacks, the ones
HTTP names (TRACE, CONNECT, DELETE where only GET is), made-up tokens (FOO, get) and generated ones. API Gateway
answers each with its 403 Missing Authentication Token and never runs a function; the local stack, served over a
socket as `make run` serves it (http.server would answer an unknown method with a 501 of its own), must do the
same: never a 5xx, never a function's answer. Bounded and derandomized: the same requests every run."""

from __future__ import annotations

import http.client
import json
import string
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import devserver_running

# One server for the module, so its tests share a worker process under pytest-xdist.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("fuzz-undeclared-methods")]

MAX_EXAMPLES = 150
# The edge's rate rule counts /login/* requests per address: out of the way, so the gateway's answer is seen.
OVERRIDES = ["--parameter-overrides", "LoginEdgeRequests=100000"]
NAMED = ["TRACE", "CONNECT", "FOO", "QUERY", "PROPFIND", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
TOKEN = string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~"  # RFC 9110's tchar
GATEWAY_REFUSAL = {"message": "Missing Authentication Token"}
SAMPLE_PARAMETERS = {
    "user_id": "00000000-0000-4000-8000-000000000000",
    "session_id": "0" * 32,
    "device_id": "0" * 22,
    "passkey_id": "0" * 22,
}


class Served:
    def __init__(self, port: int) -> None:
        self.port = port
        self.document: dict[str, Any] = json.loads(self.call("GET", "/openapi.json")[2])

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def declared(self) -> dict[str, set[str]]:
        """Each path of the document, its parameters filled, with the methods declared on it."""
        paths = {}
        for template, operations in self.document["paths"].items():
            path = template
            for name, value in SAMPLE_PARAMETERS.items():
                path = path.replace(f"{{{name}}}", value)
            assert "{" not in path, f"no sample value for a parameter of {template}"
            paths[path] = {method.upper() for method in operations}
        return paths


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with devserver_running(tmp_path_factory.mktemp("devserver-methods"), OVERRIDES) as (port, _):
        yield Served(port)


def undeclared_requests(declared: dict[str, set[str]]) -> st.SearchStrategy[tuple[str, str]]:
    paths = sorted(declared)
    methods = st.sampled_from(NAMED) | st.text(alphabet=TOKEN, min_size=1, max_size=12)
    return st.tuples(st.sampled_from(paths), methods).filter(lambda pair: pair[1] not in declared[pair[0]])


def test_every_path_answers_a_named_undeclared_method_as_api_gateway(served):
    declared = served.declared()
    for path, methods in sorted(declared.items()):
        for method in sorted(set(NAMED) - methods):
            status, headers, body = served.call(method, path)
            assert status == 403, f"{method} {path}: {status} {body[:200]!r}"
            assert headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
            if method != "HEAD":
                assert json.loads(body) == GATEWAY_REFUSAL, f"{method} {path}"


def test_generated_undeclared_methods_are_refused_by_the_gateway_never_a_5xx(served):
    declared = served.declared()

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=undeclared_requests(declared), body=st.one_of(st.none(), st.binary(min_size=1, max_size=64)))
    def refused(request: tuple[str, str], body: bytes | None) -> None:
        method, path = request[1], request[0]
        status, headers, answer = served.call(method, path, body)
        assert status == 403, f"{method} {path}: {status} {answer[:200]!r}"
        assert headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
        if method != "HEAD":  # a HEAD's answer has no body
            assert json.loads(answer) == GATEWAY_REFUSAL

    refused()


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "FOO"])
def test_a_page_asked_with_another_method_is_refused_not_a_5xx(served, method):
    """Not the API's: the pages answer GET and HEAD only (deployed, the distribution refuses the rest)."""
    status, _, _ = served.call(method, "/index.html")
    assert 400 <= status < 500
