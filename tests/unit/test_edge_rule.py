"""The local stack's copy of WAF's rate rule (devserver/edge.py): read from the template with its parameters,
counted per source address over a sliding window, safe when many connections are answered at once."""

from __future__ import annotations

import json
import threading

import pytest

from devserver.apigw import HttpRequest
from devserver.edge import EdgeGuard, rate_rule
from tests.helpers import FakeClock, local_template


def request(path: str = "/login/email", source: str = "198.51.100.20") -> HttpRequest:
    return HttpRequest("POST", path, {}, [("Content-Type", "application/json")], b"{}", source)


def guard(limit: int, clock: FakeClock | None = None) -> EdgeGuard:
    rule = rate_rule(local_template(LoginEdgeRequests=str(limit)))
    assert rule is not None
    return EdgeGuard(rule, clock)


def test_the_rule_is_the_templates_with_its_parameters():
    rule = rate_rule(local_template(LoginEdgeRequests="25"))
    assert rule is not None
    assert (rule.limit, rule.window_seconds) == (25, 300)
    assert rule.refusal.status == 429
    headers = dict(rule.refusal.headers)
    assert headers["Retry-After"] == "300"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(rule.refusal.body)["error"]["code"] == "edge_rate_limited"


def test_without_the_acl_nothing_is_refused():
    assert rate_rule(local_template(EnableWaf="false")) is None


def test_the_parameter_keeps_wafs_lowest_limit():
    with pytest.raises(ValueError, match="LoginEdgeRequests must be at least 10"):
        local_template(LoginEdgeRequests="9")


def test_only_paths_with_login_count():
    edge = guard(10)
    for _ in range(50):
        assert edge.refusal(request("/profile")) is None
        assert edge.refusal(request("/sessions")) is None
    for _ in range(10):
        assert edge.refusal(request("/LOGIN/email")) is None  # WAF lower-cases before it matches
    assert edge.refusal(request("/login/email")) is not None


def test_the_window_slides_and_counts_each_address_apart():
    clock = FakeClock()
    edge = guard(10, clock)
    for _ in range(5):
        assert edge.refusal(request()) is None
    clock.advance(200)
    for _ in range(5):
        assert edge.refusal(request()) is None
    assert edge.refusal(request()) is not None  # 11 in the last 300 s
    assert edge.refusal(request(source="198.51.100.21")) is None
    clock.advance(101)  # the first five have left the window; the five after them and the refused one have not
    for _ in range(4):
        assert edge.refusal(request()) is None
    assert edge.refusal(request()) is not None


def test_a_crowd_at_once_gets_exactly_the_limit_through():
    edge = guard(50)
    start = threading.Barrier(200)
    let_through: list[bool] = []
    record = threading.Lock()

    def one() -> None:
        start.wait(timeout=30)
        passed = edge.refusal(request()) is None
        with record:
            let_through.append(passed)

    threads = [threading.Thread(target=one) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(let_through) == 200
    assert let_through.count(True) == 50
