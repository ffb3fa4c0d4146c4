"""The staff routes (API Gateway AWS_IAM, the resource policy lets only the staff role in): find a person,
change names or the level with a reason, end a person's sessions with a reason, read the audit. Its own
function with its own role: the only role that may write names after the first fill, or the audit table."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.domain.recovery import RecoveryCancelByStaff, RecoveryStart
from migris.domain.staff import IdentityUnlink, SessionsRevoke, StaffChange, UserSearch
from migris.domain.views import AuditEntry, StaffProfile
from migris.http.app import new_app, respond
from migris.http.responses import model_response, staff_error_docs
from migris.http.session import staff_actor
from migris.observability import logger, metrics
from migris.wiring import services
from pydantic import BaseModel, Field

app = new_app()


class FoundUsers(BaseModel):
    users: list[StaffProfile]  # one at most: the keys are unique


class AuditTrail(BaseModel):
    events: list[AuditEntry]  # oldest first


class SessionsEnded(BaseModel):
    ended: int = Field(ge=0, description="How many of the person's sessions were live and have ended")


@app.post(
    "/staff/users/search",
    summary="Find a person by e-mail address, personal code or eIDAS identifier",
    description="The key travels in the body, so no personal data lands in URLs or access logs.",
    responses={200: {"description": "The person found, or none"}, **staff_error_docs(403, 415, 422)},
)
def search_users(body: UserSearch) -> FoundUsers:
    return FoundUsers(users=services().staff_desk.search(body, staff_actor(app)))


@app.patch(
    "/staff/users/<user_id>",
    summary="Change a person's names or level, with a reason",
    description="Each change is recorded with the caller's IAM ARN, before and after, and the reason. 404; 422, "
    "also for level 3 (it comes only with an identity confirmed through VIISP) and for any level on an account "
    "that has an identity (level 3 while it has one).",
    responses={200: {"description": "The profile as changed"}, **staff_error_docs(403, 404, 409, 415, 422)},
)
def change_user(user_id: str, body: StaffChange) -> StaffProfile:
    return services().staff_desk.change(user_id, body, staff_actor(app))


@app.post(
    "/staff/users/<user_id>/sessions/revoke",
    summary="End every session of a person at once, with a reason",
    description="Recorded in the audit with the caller's IAM ARN, how many sessions ended and the reason; none "
    "live is still recorded (ended 0). 404; 422.",
    responses={200: {"description": "How many sessions ended"}, **staff_error_docs(403, 404, 409, 415, 422)},
)
def revoke_sessions(user_id: str, body: SessionsRevoke) -> SessionsEnded:
    return SessionsEnded(ended=services().staff_desk.revoke_sessions(user_id, body, staff_actor(app)))


@app.post(
    "/staff/users/<user_id>/identity/unlink",
    summary="Take a linked VIISP identity off an e-mail account, with a reason",
    description="The identity no longer opens the account, the level is 1 again and every session of the person "
    "ends; recorded in the audit with the caller's IAM ARN. 404; 409 not_linked (no link: a VIISP account's "
    "identity is how it signs in); 422.",
    responses={200: {"description": "The profile without the identity"}, **staff_error_docs(403, 404, 409, 415, 422)},
)
def unlink_identity(user_id: str, body: IdentityUnlink) -> StaffProfile:
    return services().staff_desk.unlink_identity(user_id, body, staff_actor(app))


class RecoveryAnswer(BaseModel):
    state: str = Field(description="started (mails on their way) or cancelled")


@app.post(
    "/staff/users/<user_id>/email",
    summary="Recover a lost mailbox: move a level 2 account to a new address, with a reason",
    description="Only for an account at level 2 (staff checked an identity document in person). The new address's "
    "uniqueness item is reserved, it is mailed a confirmation link, and the old address is told at once with a "
    "cancel link; the hold of RecoveryHoldSeconds starts when the person confirms, and a scheduled function then "
    "completes it (docs/recovery.md). Recorded in the audit with the caller's IAM ARN. 404; 409 has_identity (the "
    "person recovers through VIISP), not_identified (level 1), recovery_pending, email_taken; 422, also for the "
    "account's own address and a domain that cannot receive mail.",
    responses={
        202: {"description": "The recovery started"},
        **staff_error_docs(403, 404, 409, 415, 422),
    },
)
def start_recovery(user_id: str, body: RecoveryStart) -> Response[RecoveryAnswer]:
    services().recoveries.start(user_id, body, staff_actor(app))
    return model_response(202, RecoveryAnswer(state="started"))


@app.post(
    "/staff/users/<user_id>/email/cancel",
    summary="Cancel a pending recovery of a person's mailbox, with a reason",
    description="The reserved address is freed; recorded in the audit with the caller's IAM ARN. 404; 409 "
    "no_recovery; 422.",
    responses={200: {"description": "The recovery was cancelled"}, **staff_error_docs(403, 404, 409, 415, 422)},
)
def cancel_recovery(user_id: str, body: RecoveryCancelByStaff) -> RecoveryAnswer:
    services().recoveries.cancel_by_staff(user_id, body, staff_actor(app))
    return RecoveryAnswer(state="cancelled")


@app.get(
    "/staff/users/<user_id>/audit",
    summary="The staff changes of a person's account, oldest first",
    responses={200: {"description": "The audit trail"}, **staff_error_docs(403, 404)},
)
def user_audit(user_id: str) -> AuditTrail:
    staff_actor(app)
    return AuditTrail(events=services().staff_desk.audit(user_id))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
