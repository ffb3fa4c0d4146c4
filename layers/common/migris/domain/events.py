"""Domain events: each is a structured log line and a metric, written by migris.observability.

Powertools, which migris.observability is built on, imports botocore as it loads (to tag the SDK's user agent),
so the rules reach it at their first event rather than when they are imported: importing migris.domain loads
no AWS SDK (tests/unit/test_layers.py)."""

from __future__ import annotations

from typing import Any, Literal


def log_event(event: str, *, level: Literal["info", "warning", "error"] = "info", **fields: Any) -> None:
    """Log a domain event at its level and count it. Fields are references (hashed addresses, user ids), never
    a code, token, pepper or address."""
    from migris.observability import log_event as record

    record(event, level=level, **fields)
