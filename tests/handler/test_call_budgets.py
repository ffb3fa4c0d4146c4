"""Issue 11's request budgets: the AWS requests each flow makes on a warm stack (bench/calls.py counts them, and
`make bench` shows them), within budget, and no Scan anywhere. Counts, not times: they are exact and repeatable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.calls import BUDGETS, SCAN, START, aws_calls_per_flow
from tests.helpers import ORIGIN, FakeClock, LocalStack, local_template

# One stack and one count for the module, so its tests share a worker process under pytest-xdist.
pytestmark = pytest.mark.xdist_group("call-budgets")


@pytest.fixture(scope="module")
def calls() -> Iterator[dict[str, list[str]]]:
    stack = LocalStack(local_template(WebOrigin=ORIGIN, PublicApiUrl=ORIGIN), ORIGIN, clock=FakeClock())
    stack.start()
    try:
        counted = aws_calls_per_flow(stack)
    finally:
        stack.stop()  # before any other test of this worker starts its own (moto's state is the process's)
    yield counted


@pytest.mark.parametrize("flow", list(BUDGETS))
def test_the_flow_makes_no_more_aws_requests_than_its_budget(calls, flow):
    assert len(calls[flow]) <= BUDGETS[flow], f"{flow}: {len(calls[flow])} requests: {calls[flow]}"


def test_no_flow_scans(calls):
    assert {flow: made for flow, made in calls.items() if SCAN in made} == {}


def test_every_flow_was_counted(calls):
    # A flow that made no request at all would pass any budget: each one reaches DynamoDB at least once.
    assert all(calls.values()), calls


def test_a_sign_in_start_is_one_write_and_one_enqueue(calls):
    """Issue 19: the mail is queued in place of being sent; the request never calls SES."""
    assert calls[START] == ["dynamodb:UpdateItem", "sqs:SendMessage"]
