"""The local stack's event source mappings: what Lambda does between the mail queues and the mail function.

For each queue the template's AWS::Lambda::EventSourceMapping reads, it receives up to BatchSize messages (the
priority lane before the bulk one), invokes the function with the SQS event Lambda would build, and deletes the
messages the function did not report back (ReportBatchItemFailures). The receive and delete are made as the
function's role (Lambda's mapping uses that role), so tests/iam_calls.py checks them against it.

A message the function reported back comes back after `redelivery_seconds` (the queue's visibility timeout in
AWS: a minute; locally a second, so a retried mail arrives in the time a person waits, and 0 in tests, which
drain on demand and try each message once a drain). `drain` runs until no message is visible (and, asked to,
until none is in flight); `run_in_background` drains every POLL_SECONDS, as the mapping's long poll would."""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from devserver.apigw import LambdaContext, load_handler
from devserver.repeating import Repeating
from devserver.template import Route

if TYPE_CHECKING:
    from devserver.server import LocalStack

POLL_SECONDS = 0.1


class MailPump:
    def __init__(self, stack: LocalStack, redelivery_seconds: int) -> None:
        self._stack = stack
        self._redelivery_seconds = redelivery_seconds
        template = stack.template
        functions = template.functions()
        # Priority first: the mappings in the order the lanes are drained.
        self._sources = sorted(
            (
                (queue, function, int(template.resources[mapping]["Properties"].get("BatchSize", 10)))
                for queue, (function, mapping) in template.event_sources().items()
            ),
            key=lambda source: "Priority" not in source[0],
        )
        self._routes = {
            function: Route(
                method="",
                path="",
                function=function,
                code_uri=stack.template_root / str(functions[function]["Properties"]["CodeUri"]),
                handler=str(functions[function]["Properties"]["Handler"]),
                iam_auth=False,
            )
            for _, function, _ in self._sources
        }
        self._loop = Repeating("mail-pump", POLL_SECONDS, self.drain)
        self._held = 0

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Mail stays on the queues meanwhile (a test lets a code expire, or be replaced, before its mail goes)."""
        with self._stack.lock:
            self._held += 1
        try:
            yield
        finally:
            with self._stack.lock:
                self._held -= 1

    def drain(self, settle_seconds: float = 0.0) -> int:
        """Hand every message waiting on the queues to its function, each at most once in this call; how many
        invocations that took. With `settle_seconds`, then wait (that long at most) for the messages another
        drain holds in flight (the background pump's, while its function waits for a send slot), so that what
        was queued before the call has been handled when it returns."""
        tried: set[str] = set()
        invocations = 0
        settled_by = time.monotonic() + settle_seconds
        while True:
            with self._stack.lock:
                if self._held:
                    return invocations
                batch = self._next_batch(tried)
                if batch is None and not (time.monotonic() < settled_by and self._in_flight()):
                    return invocations
                if batch is not None:
                    queue, function, messages = batch
                    self._invoke(queue, function, messages)
                    invocations += 1
                    continue
            # Letting go of the dispatch lock however deep it is held (a read of the outbox holds it too), so
            # the drain that holds them can finish.
            self._stack.wait_unlocked(POLL_SECONDS)

    def _in_flight(self) -> bool:
        # The mapping's own bookkeeping (no call of the function's role), from moto's state.
        return any(self._stack.aws.queue_depth(queue)[1] for queue, _, _ in self._sources)

    def _next_batch(self, tried: set[str]) -> tuple[str, str, list[dict[str, Any]]] | None:
        for queue, function, batch_size in self._sources:
            if not self._stack.aws.queue_depth(queue)[0]:
                continue  # the receive would return nothing: most requests queue no mail
            sqs = self._stack.function_client("sqs")
            request = {"QueueUrl": self._stack.template.queue_url(queue), "MaxNumberOfMessages": batch_size}
            answer: dict[str, Any] = self._stack.as_function(
                function, partial(sqs.receive_message, AttributeNames=["All"], **request)
            )
            received: list[dict[str, Any]] = answer.get("Messages", [])
            url = str(request["QueueUrl"])
            # Served, a message reported back is invisible for a while before it comes again, which paces its
            # tries; in tests it comes back at once, so a drain tries each message once.
            fresh = [m for m in received if self._redelivery_seconds or m["MessageId"] not in tried]
            stale = [m for m in received if m not in fresh]
            self._redeliver_later(url, stale)
            if fresh:
                tried.update(message["MessageId"] for message in fresh)
                return queue, function, fresh
        return None

    def _invoke(self, queue: str, function: str, messages: list[dict[str, Any]]) -> None:
        url = self._stack.template.queue_url(queue)
        arn = self._stack.aws.queue_arn(queue)
        event = {"Records": [_record(message, arn, self._stack.region) for message in messages]}
        handler = load_handler(self._routes[function])
        result = self._stack.as_function(function, lambda: handler(event, LambdaContext(function_name=function)))
        failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        sqs = self._stack.function_client("sqs")
        for message in messages:
            if message["MessageId"] not in failed:
                self._stack.as_function(
                    function, partial(sqs.delete_message, QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                )
        self._redeliver_later(url, [message for message in messages if message["MessageId"] in failed])

    def _redeliver_later(self, url: str, messages: list[dict[str, Any]]) -> None:
        own = self._stack.aws.client("sqs")  # the mapping's own bookkeeping: no call of the function's role
        for message in messages:
            own.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=self._redelivery_seconds
            )

    # --- as the mapping's poll: in the background ---

    def run_in_background(self, on_error: Callable[[BaseException], None]) -> None:
        self._loop.start(on_error)

    def stop(self) -> None:
        self._loop.stop()


def _record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One record of the SQS event Lambda builds."""
    attributes = message.get("Attributes", {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {
            "ApproximateReceiveCount": attributes.get("ApproximateReceiveCount", "1"),
            "SentTimestamp": attributes.get("SentTimestamp", str(int(time.time() * 1000))),
            "SenderId": attributes.get("SenderId", "local"),
            "ApproximateFirstReceiveTimestamp": attributes.get("ApproximateFirstReceiveTimestamp", "0"),
        },
        "messageAttributes": {},
        "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),  # noqa: S324
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
