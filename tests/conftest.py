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
