"""Time as seconds since the epoch; tests hand in a clock they can move."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol

DAY_SECONDS = 86400


class Clock(Protocol):
    def now(self) -> float: ...


class SystemClock:
    def now(self) -> float:
        return time.time()


def iso_utc(epoch_seconds: float) -> str:
    """ISO 8601 UTC with a Z, to the second: the form every time in the API takes."""
    return datetime.fromtimestamp(int(epoch_seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
