"""Fixtures of the handler tests (the shared ones are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.helpers import Client, ViispBrowser


@pytest.fixture
def browser(client: Client) -> ViispBrowser:
    """A browser on the local stack that signs in through VIISP (its stand-in)."""
    return ViispBrowser(client)
