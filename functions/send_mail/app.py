"""The mail function: sends the mails the requests queued (both lanes' SQS event source mappings invoke it) through
SES, by the rules of migris.domain.mail_delivery (a mail that finally failed goes to the dead-letter queue from
there). A record that should be tried again is reported as a batch item failure (Powertools' batch processing),
so SQS hands back only that message after its visibility timeout."""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.observability import logger, metrics
from migris.wiring import services

# Stop waiting for a send slot this long before the function's own timeout: what is left is reported back to
# the queue in time.
STOP_WAITING_MARGIN_SECONDS = 2.0


def _sender(send_by: float) -> Any:
    def send(record: SQSRecord) -> None:
        # A mail to try again raises (SendLater): reported back to its queue, as a batch item failure.
        services().mail_delivery.deliver(record.body, send_by=send_by)

    return send


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    send_by = time.time() + context.get_remaining_time_in_millis() / 1000 - STOP_WAITING_MARGIN_SECONDS
    # A processor per invocation: it keeps the batch's outcomes, which must never mix with another invocation's
    # (the local stack runs invocations side by side while one waits). A batch whose every record is to be tried
    # again (a throttled wave) is an answer, not the function's failure: the error alarm stays for real faults.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    handler = _sender(send_by)
    return dict(process_partial_response(event=event, record_handler=handler, processor=processor, context=context))
