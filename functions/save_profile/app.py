"""The signed-in person's profile: GET /profile, PATCH /profile (phone, e-mail), POST /profile/email/verify,
POST /logout, and their sessions: GET /sessions, DELETE /sessions/{id}. Each checks the session before it reads
the body. PUT /profile (the first fill, which may write names) runs in its own function (first_fill.py) with its
own role; the staff routes in staff.py."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.clock import iso_utc
from migris.domain.profiles import EmailChangeCode, ProfileChanges
from migris.domain.views import Profile
from migris.http.app import new_app, respond
from migris.http.body import person_request
from migris.http.responses import body_doc, error_docs, no_body_doc
from migris.http.session import cleared_session_cookie, require_session
from migris.observability import logger, metrics
from migris.wiring import services
from pydantic import BaseModel, ConfigDict, Field

app = new_app()


class SessionItem(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built by the first request that lists sessions, not at import

    id: str = Field(description="The session's own id: neither its token nor the token's hash")
    created_at: str
    last_seen_at: str
    current: bool = Field(description="The session this request came with")
    method: str = Field(description="How it was opened: email or viisp")


class SessionList(BaseModel):
    model_config = ConfigDict(defer_build=True)

    sessions: list[SessionItem]  # the most recently used first, this one at the top


@app.get(
    "/profile",
    summary="The signed-in person's profile",
    responses={200: {"description": "The profile"}, **error_docs(401)},
)
def get_profile() -> Profile:
    session = require_session(app)
    return Profile.of(services().profiles.view(session.account))


@app.patch(
    "/profile",
    summary="Change the phone number or the e-mail address",
    description="A new e-mail is pending until the code sent to it is entered; the old address gets a notice. "
    "The answer is the same for a free and a taken address. 403 names_locked for a name; 422 (on email also for a "
    "domain that cannot receive mail); 429 rate_limited.",
    openapi_extensions=body_doc(ProfileChanges),
    responses={200: {"description": "The profile as changed"}, **error_docs(401, 403, 409, 415, 422, 429)},
)
def change_profile() -> Profile:
    session = require_session(app)
    request = person_request(app)
    return Profile.of(services().profiles.change(session.account, request))


@app.post(
    "/profile/email/verify",
    summary="Confirm a new e-mail address with the code sent to it",
    description="The person's other sessions end. 401 invalid_code; 429 too_many_attempts; 409 email_taken if "
    "the address was taken meanwhile.",
    openapi_extensions=body_doc(EmailChangeCode),
    responses={200: {"description": "The profile, with the new address"}, **error_docs(401, 403, 409, 415, 422, 429)},
)
def confirm_email() -> Profile:
    session = require_session(app)
    request = person_request(app)
    return Profile.of(services().profiles.confirm_email(session.account, session.token_hash, request))


@app.post(
    "/logout",
    summary="End this session",
    responses={204: no_body_doc("Signed out; the session cookie cleared"), **error_docs(401, 403)},
)
def logout() -> Response[str]:
    session = require_session(app)
    services().sessions.revoke(session)
    return Response(status_code=204, body="", cookies=[cleared_session_cookie()])


@app.get(
    "/sessions",
    summary="The signed-in person's live sessions",
    responses={200: {"description": "The live sessions"}, **error_docs(401)},
)
def list_sessions() -> SessionList:
    session = require_session(app)
    entries = services().sessions.live_of(session)
    return SessionList(
        sessions=[
            SessionItem(
                id=entry.id,
                created_at=iso_utc(entry.created_at),
                last_seen_at=iso_utc(entry.last_seen_at),
                current=entry.current,
                method=entry.method,
            )
            for entry in entries
        ]
    )


@app.delete(
    "/sessions/<session_id>",
    summary="End one of the person's sessions at once",
    description="404 not_found for an id that is not one of the person's live sessions. Ending this very session "
    "clears its cookie, as a logout does.",
    responses={204: no_body_doc("Ended"), **error_docs(401, 403, 404)},
)
def end_session(session_id: str) -> Response[str]:
    session = require_session(app)
    was_this_one = services().sessions.end_one(session, session_id)
    return Response(status_code=204, body="", cookies=[cleared_session_cookie()] if was_this_one else None)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
