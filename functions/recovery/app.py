"""The scheduled function of recovery (an EventBridge schedule, every minute): completes every recovery of a lost
mailbox whose hold has ended, and lets go of every one left unconfirmed too long (migris.domain.recovery). The
local stack runs it every second (devserver.schedules)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.observability import logger, metrics
from migris.wiring import services


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"completed": services().recoveries.complete_due()}
