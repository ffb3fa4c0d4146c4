"""Erasure of the signed-in person's account: DELETE /profile (fresh session, body `{}`), and the erasure queue's
messages, which finish what a request left undone (migris.domain.erasure). Its own function with its own role:
the only role that may mark an account erased, delete its uniqueness items with every session, device, "not
me" token and passkey of it, and strip the account to its tombstone."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.domain.validation import parse_input
from migris.http.app import new_app, respond
from migris.http.body import json_body
from migris.http.responses import body_doc, error_docs, no_body_doc
from migris.http.session import cleared_device_cookie, cleared_session_cookie, require_session
from migris.observability import logger, metrics
from migris.wiring import services
from pydantic import BaseModel, ConfigDict

app = new_app()


class EraseRequest(BaseModel):
    """`{}`: nothing to say; a JSON body all the same, so no cross-site form can reach the route."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


@app.delete(
    "/profile",
    summary="Erase the signed-in person's account",
    description="A session opened in the last FreshSignInSeconds only (403 fresh_sign_in_required). Every session "
    "and device ends at once; the address and the identity are released (they may start a new account); sessions, "
    "devices, passkeys and the account's data are deleted; the address is told. The staff audit stays, its names "
    "unreadable (docs/erasure.md). 409 recovery_pending while a mailbox recovery is pending.",
    openapi_extensions=body_doc(EraseRequest),
    responses={
        204: no_body_doc("Erased; the session and device cookies cleared"),
        **error_docs(401, 403, 409, 415, 422),
    },
)
def erase_account() -> Response[str]:
    session = require_session(app)
    parse_input(EraseRequest, json_body(app))
    services().erasure.erase(session)
    return Response(status_code=204, body="", cookies=[cleared_session_cookie(), cleared_device_cookie()])


def _finish(record: SQSRecord) -> None:
    # A message that cannot be finished raises: reported back to the queue, tried again after its visibility
    # timeout, and kept by the dead-letter queue (with its alarm) after too many tries.
    user_id = str(json.loads(record.body)["erase"])
    services().erasure.finish(user_id)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:  # the erasure queue
        processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        return dict(process_partial_response(event=event, record_handler=_finish, processor=processor, context=context))
    return respond(app, event, context)
