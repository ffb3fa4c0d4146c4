"""Fixtures of the handler tests (the shared ones are in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Client, ViispBrowser


@pytest.fixture
def browser(client: Client) -> ViispBrowser:
    """A browser on the local stack that signs in through VIISP (its stand-in)."""
    return ViispBrowser(client)


@pytest.fixture
def audit_writes_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every audit event's write goes to a table that does not exist, so the transaction it is in fails (mark the
    test `breaks_a_call`)."""
    from migris.dal.audit import AuditRepository

    original = AuditRepository.append_item

    def broken(self: AuditRepository, event: Any, at_seconds: float, *args: Any) -> dict[str, Any]:
        item = original(self, event, at_seconds, *args)
        item["Put"]["TableName"] = "no-such-table"
        return item

    monkeypatch.setattr(AuditRepository, "append_item", broken)
