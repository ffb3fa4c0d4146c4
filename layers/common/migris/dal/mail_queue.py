"""The mail queues (SQS): a request puts its mail on a lane and the mail function (functions/send_mail) sends it
through SES. Two queues, one a lane: `priority` (codes asked from a known device, and notices) is drained
before `bulk` (every other code). The queues are encrypted under the stack's mail key (template.yaml)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from migris.clock import Clock
from migris.domain.mail import CodeMailRef, Lane, MailKind, MailMessage
from migris.domain.queued_mail import QueuedMail
from migris.observability import log_event


class MailQueue:
    def __init__(self, sqs: Callable[[], Any], queue_urls: dict[Lane, str], clock: Clock) -> None:
        """`sqs` makes the SQS client on the first mail: a request that mails nothing never loads its model."""
        self._make_sqs = sqs
        self._queue_urls = queue_urls
        self._clock = clock

    @cached_property
    def _sqs(self) -> Any:
        return self._make_sqs()

    def deliver(
        self,
        address: str,
        message: MailMessage,
        *,
        email_ref: str,
        kind: MailKind = "code",
        code: CodeMailRef | None = None,
        lane: Lane | None = None,
    ) -> bool:
        """Put the mail on its lane; whether the queue took it. A failure is logged and counted, never raised: the
        caller decides what a mail that did not go means (a code's send is taken back)."""
        mail = QueuedMail.of(
            address, message, email_ref=email_ref, kind=kind, code=code, lane=lane, now=int(self._clock.now())
        )
        try:
            self._sqs.send_message(QueueUrl=self._queue_urls[mail.lane], MessageBody=mail.model_dump_json())
        except (ClientError, BotoCoreError) as error:
            code_name = error.response.get("Error", {}).get("Code", "unknown") if isinstance(error, ClientError) else ""
            log_event(
                "mail_enqueue_failed",
                level="error",
                email_ref=email_ref,
                kind=kind,
                error_code=code_name or type(error).__name__,
            )
            return False
        log_event(f"{kind}_queued", email_ref=email_ref, lane=mail.lane)
        return True


# How long the mail function trusts what it read of the priority lane's depth: SQS's count is approximate anyway,
# and a read per send would double the requests of a wave.
DEPTH_MAX_AGE_SECONDS = 1.0


class MailQueueConsumer:
    """What the mail function does to the queues besides what its event source mapping does (receive, delete):
    read whether the priority lane has mail waiting, and move a dead mail to the dead-letter queue."""

    def __init__(
        self,
        sqs: Callable[[], Any],
        priority_url: str,
        dead_letter_url: str,
        wall_clock: Callable[[], float],
    ) -> None:
        self._make_sqs = sqs
        self._priority_url = priority_url
        self._dead_letter_url = dead_letter_url
        self._wall_clock = wall_clock
        self._depth_read_at = float("-inf")
        self._priority_waiting = False

    @cached_property
    def _sqs(self) -> Any:
        return self._make_sqs()

    def priority_waiting(self) -> bool:
        now = self._wall_clock()
        if now - self._depth_read_at >= DEPTH_MAX_AGE_SECONDS:
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=self._priority_url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
            self._priority_waiting = int(attributes.get("ApproximateNumberOfMessages", 0)) > 0
            self._depth_read_at = now
        return self._priority_waiting

    def bury(self, body: str) -> None:
        """Put a mail that finally failed on the dead-letter queue (the alarm on it tells someone)."""
        self._sqs.send_message(QueueUrl=self._dead_letter_url, MessageBody=body)
