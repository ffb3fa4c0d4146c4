"""The signed-in person's profile: GET /profile, PATCH /profile (phone, e-mail), POST /profile/email/verify,
POST /logout, and their sessions and known devices: GET /sessions, DELETE /sessions/{id},
DELETE /devices/{id}; and the public routes of mailed links: POST /activity/not-me, POST /recovery/confirm,
POST /recovery/cancel. Each signed-in route checks the session before it reads
the body. PUT /profile (the first fill, which may write names) runs in its own function (first_fill.py) with its
own role; the staff routes in staff.py."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.clock import iso_utc
from migris.domain.export import AccountExport
from migris.domain.profiles import EmailChangeCode, ProfileChanges
from migris.domain.recovery import RecoveryLink
from migris.domain.validation import parse_input
from migris.domain.views import ActivityEntry, ActivityList, Profile
from migris.http.app import new_app, respond
from migris.http.body import json_body, person_request
from migris.http.responses import body_doc, error_docs, model_response, no_body_doc
from migris.http.session import cleared_device_cookie, cleared_session_cookie, presented_device, require_session
from migris.observability import logger, metrics
from migris.wiring import services
from pydantic import BaseModel, ConfigDict, Field, StrictBool

app = new_app()


class SessionItem(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built by the first request that lists sessions, not at import

    id: str = Field(description="The session's own id: neither its token nor the token's hash")
    created_at: str
    last_seen_at: str
    current: bool = Field(description="The session this request came with")
    method: str = Field(description="How it was opened: email, viisp or passkey")
    browser: str = Field(description="Browser and system in words, e.g. 'Chrome Mobile on Android'; may be empty")


class DeviceItem(BaseModel):
    model_config = ConfigDict(defer_build=True)

    id: str = Field(description="The device's own id: neither its cookie's token nor a hash of it")
    created_at: str
    last_used_at: str = Field(description="Its last sign-in")
    current: bool = Field(description="The device this request came from (its cookie)")
    browser: str = Field(description="Browser and system in words, e.g. 'Chrome Mobile on Android'; may be empty")


class SessionList(BaseModel):
    model_config = ConfigDict(defer_build=True)

    sessions: list[SessionItem]  # the most recently used first, this one at the top
    devices: list[DeviceItem] = Field(
        description="The known devices: browsers that signed in (not ticked as a shared computer), whose codes "
        "use the address's reserve; the most recently used first"
    )


class LogoutRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    forget_device: StrictBool = Field(default=False, description="Also forget this browser as a known device")


@app.get(
    "/profile",
    summary="The signed-in person's profile",
    responses={200: {"description": "The profile"}, **error_docs(401)},
)
def get_profile() -> Profile:
    session = require_session(app)
    return Profile.of(services().profiles.view(session.account))


@app.get(
    "/profile/export",
    summary="Download everything the service holds about the signed-in person",
    description="One JSON file (Content-Disposition: attachment): the account with the person's own personal code "
    "or eIDAS identifier, their sessions, devices, passkeys (no key material) and the staff audit of their account "
    "(a staff actor reads `staff`). Never a token, a token or device hash, or an ARN. A session opened in the last "
    "FreshSignInSeconds only: 403 fresh_sign_in_required.",
    responses={200: {"description": "The file"}, **error_docs(401, 403)},
)
def export_account() -> Response[AccountExport]:
    session = require_session(app)
    exported = services().exports.export(session)
    day = exported.exported_at[:10]
    return model_response(
        200, exported, headers={"Content-Disposition": f'attachment; filename="migris-account-{day}.json"'}
    )


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
    device = presented_device(app)
    return Profile.of(services().profiles.confirm_email(session.account, session.token_hash, request, device))


@app.post(
    "/logout",
    summary="End this session",
    description='The body is optional: `{"forget_device": true}` also forgets this browser as a known device (its '
    "cookie cleared); otherwise the device stays known.",
    openapi_extensions=body_doc(LogoutRequest, required=False),
    responses={
        204: no_body_doc("Signed out; the session cookie cleared (and the device cookie, when forgotten)"),
        **error_docs(401, 403, 415, 422),
    },
)
def logout() -> Response[str]:
    session = require_session(app)
    asked = parse_input(LogoutRequest, json_body(app)) if app.current_event.body else LogoutRequest()
    services().sessions.revoke(session)
    cookies = [cleared_session_cookie()]
    if asked.forget_device:
        services().devices.forget_presented(session.account, presented_device(app))
        cookies.append(cleared_device_cookie())
    return Response(status_code=204, body="", cookies=cookies)


@app.get(
    "/sessions",
    summary="The signed-in person's live sessions",
    responses={200: {"description": "The live sessions"}, **error_docs(401)},
)
def list_sessions() -> SessionList:
    session = require_session(app)
    entries = services().sessions.live_of(session)
    presented = presented_device(app)
    devices = services().devices.live_of(session.account)
    return SessionList(
        devices=[
            DeviceItem(
                id=device.public_id,
                created_at=iso_utc(device.created_at),
                last_used_at=iso_utc(device.last_used_at),
                current=presented is not None and presented.hash == device.device_hash,
                browser=device.browser,
            )
            for device in devices
        ],
        sessions=[
            SessionItem(
                id=entry.id,
                created_at=iso_utc(entry.created_at),
                last_seen_at=iso_utc(entry.last_seen_at),
                current=entry.current,
                method=entry.method,
                browser=entry.browser,
            )
            for entry in entries
        ],
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


@app.delete(
    "/devices/<device_id>",
    summary="Forget one of the person's known devices",
    description="404 not_found for an id that is not one of the person's live devices. Its codes no longer use "
    "the reserve, and its next sign-in sets a new device. Forgetting this very browser clears its cookie.",
    responses={204: no_body_doc("Forgotten"), **error_docs(401, 403, 404)},
)
def forget_device(device_id: str) -> Response[str]:
    session = require_session(app)
    presented = presented_device(app)
    forgotten = services().devices.forget(session.account, device_id)
    this_one = presented is not None and presented.hash == forgotten
    return Response(status_code=204, body="", cookies=[cleared_device_cookie()] if this_one else None)


@app.get(
    "/activity",
    summary="What happened to the person's account, newest first",
    description="Sign-ins (how, the browser and system in a parser's words, the network cut to /24 or /48), "
    'contact changes, passkeys, links, sessions and devices ended, "not me" reports, recoveries and every staff '
    "change with staff's reason (staff shown as `staff`). A page at a time: `?next=` the page before's `next`.",
    responses={200: {"description": "A page of events"}, **error_docs(401, 422)},
)
def list_activity() -> ActivityList:
    session = require_session(app)
    cursor = app.current_event.get_query_string_value("next")
    found = services().activity.page(session.user_id, cursor)
    return ActivityList(events=[ActivityEntry.of(event) for event in found.events], next=found.next)


class NotMeReport(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    token: str = Field(min_length=1, max_length=128, description="The `t` of the mailed link /#/not-me?t=<token>")


class NotMeReference(BaseModel):
    reference: str = Field(description="The report's reference number, for the person to quote")


@app.post(
    "/activity/not-me",
    summary="Report what a mail told of as not the person's doing",
    description="Public (the mailed link's token is the proof; a session sent along is ignored). Every session and "
    "device of the account ends, every passkey added since what the mail told of is removed, a pending e-mail "
    "change is cancelled. 400 invalid_token for a token unknown, used or expired.",
    openapi_extensions=body_doc(NotMeReport),
    responses={200: {"description": "The report's reference"}, **error_docs(400, 415, 422, 429)},
)
def report_not_me() -> NotMeReference:
    asked = parse_input(NotMeReport, json_body(app))
    return NotMeReference(reference=services().not_me.report(asked.token))


class RecoveryDone(BaseModel):
    state: str = Field(description="held (the hold started) or cancelled")


class RecoveryHeld(RecoveryDone):
    hold_ends_at: str = Field(
        description="When the hold ends (ISO 8601 UTC) and the recovery completes, unless cancelled first: the "
        "page says it, so the person knows when the new address signs in"
    )


@app.post(
    "/recovery/confirm",
    summary="Confirm a recovery's new address (the link mailed to it)",
    description="Public (the mailed link's token is the proof). The hold of RecoveryHoldSeconds starts now; a "
    "scheduled function completes the recovery when it ends, unless the old address cancels it first. 400 "
    "invalid_token for a token unknown, used, too old, or of a recovery no longer pending.",
    openapi_extensions=body_doc(RecoveryLink),
    responses={200: {"description": "The hold started"}, **error_docs(400, 409, 415, 422, 429)},
)
def confirm_recovery() -> RecoveryHeld:
    asked = parse_input(RecoveryLink, json_body(app))
    return RecoveryHeld(state="held", hold_ends_at=iso_utc(services().recoveries.confirm(asked.token)))


@app.post(
    "/recovery/cancel",
    summary="Cancel a recovery (the link mailed to the old address)",
    description="Public (the mailed link's token is the proof). The recovery ends, the new address is freed, and "
    "an audit event staff see records it. 400 invalid_token for a token unknown, of a recovery no longer pending, "
    "or after the hold ended.",
    openapi_extensions=body_doc(RecoveryLink),
    responses={200: {"description": "The recovery was cancelled"}, **error_docs(400, 409, 415, 422, 429)},
)
def cancel_recovery() -> RecoveryDone:
    asked = parse_input(RecoveryLink, json_body(app))
    services().recoveries.cancel(asked.token)
    return RecoveryDone(state="cancelled")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
