"""Fixtures: a movable clock, a local stack per test (built from template.yaml on moto), and the code rules
alone over a codes table. The helpers they use are in tests/helpers.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

# tests.helpers puts the template's Powertools settings into the environment before migris loads (as Lambda
# does before any code runs): migris, devserver and moto come in through it.
from tests.helpers import (
    ORIGIN,
    Client,
    CodeDesk,
    FakeClock,
    LocalStack,
    code_desk,
    codes_table_alone,
    local_template,
)
from tests.iam_calls import CHECKER

# Before any function's client is made: each AWS call a function makes is checked against its own role.
CHECKER.install()


@pytest.fixture(autouse=True)
def every_aws_call_is_allowed_by_the_callers_role(request: pytest.FixtureRequest) -> Iterator[None]:
    """moto does not enforce IAM: a call a function's role lacks fails here, in the test that made it."""
    CHECKER.take()
    yield
    refused = CHECKER.take()
    if request.node.get_closest_marker("breaks_a_call"):
        return
    assert not refused, "AWS calls their function's role does not allow:\n" + "\n".join(sorted(set(refused)))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_stack(clock: FakeClock) -> Iterator[Callable[..., LocalStack]]:
    """Start a local stack with these template parameters (on top of the local origin)."""
    started: list[LocalStack] = []

    def make(**overrides: str) -> LocalStack:
        template = local_template(**{"WebOrigin": ORIGIN, "PublicApiUrl": ORIGIN, **overrides})
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


@pytest.fixture
def codes_table() -> Iterator[Any]:
    """The codes table alone, made as template.yaml declares it, on fresh moto backends."""
    with codes_table_alone() as table:
        yield table


@pytest.fixture
def make_codes(codes_table: Any, clock: FakeClock) -> Callable[..., CodeDesk]:
    """The code rules with the template's numbers (or these parameter values), a fresh pepper and a mailer that
    records."""
    return lambda **parameters: code_desk(codes_table, clock, **parameters)


@pytest.fixture
def desk(make_codes: Callable[..., CodeDesk]) -> CodeDesk:
    return make_codes()
