"""One place for logs and metrics (traces come from Lambda's active tracing: no X-Ray SDK in the function).
Every domain event is a structured log line and a metric of the same name. Callers pass references (hashed
addresses, user ids), never a code, token, pepper or address."""

from __future__ import annotations

from typing import Any, Literal

from aws_lambda_powertools.logging import Logger
from aws_lambda_powertools.metrics import Metrics, MetricUnit

logger = Logger()
metrics = Metrics()


def metric_name(event: str) -> str:
    return "".join(part.capitalize() for part in event.split("_"))


def log_event(event: str, *, level: Literal["info", "warning", "error"] = "info", **fields: Any) -> None:
    """Log a domain event at its level and count it."""
    getattr(logger, level)(event, extra={"event": event, **fields})
    metrics.add_metric(name=metric_name(event), unit=MetricUnit.Count, value=1)
