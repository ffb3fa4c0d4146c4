"""The one map from domain errors to HTTP answers, and the handlers that shape every error."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from urllib.parse import quote

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from migris.domain.errors import (
    AlreadyLinked,
    DeviceNotFound,
    EditConflict,
    EmailTaken,
    FreshSignInRequired,
    IdentityInUse,
    InvalidCode,
    InvalidInput,
    InvalidTicket,
    InvalidToken,
    LinkNotFromOurPage,
    LithuanianEid,
    MailUnavailable,
    NamesLocked,
    NotLinked,
    OriginMismatch,
    PasskeyNotFound,
    PasskeyRefused,
    PasskeySignInRefused,
    ProfileExists,
    ProfileIncomplete,
    RateLimited,
    RecoveryPending,
    RetryLater,
    SessionNotFound,
    StaffIdentityMissing,
    TooManyAttempts,
    TooManyPasskeys,
    Unauthenticated,
    UserNotFound,
    ViispUnavailable,
)
from migris.domain.validation import field_errors
from migris.http.responses import json_response
from migris.observability import log_event, logger
from migris.wiring import services

# The one map from domain errors to HTTP answers: (status, code, message).
ERROR_ANSWERS: dict[type[Exception], tuple[int, str, str]] = {
    InvalidCode: (401, "invalid_code", "The code is wrong, expired or already used. Ask for a new code."),
    TooManyAttempts: (429, "too_many_attempts", "Too many wrong codes. Try again later."),
    RateLimited: (429, "rate_limited", "Too many codes asked for this address. Try again later."),
    Unauthenticated: (401, "unauthenticated", "Sign in first."),
    OriginMismatch: (403, "origin_mismatch", "This request must come from the MIGRIS pages."),
    NamesLocked: (403, "names_locked", "Names can be changed only by migration staff."),
    ProfileExists: (409, "profile_exists", "The contact data is filled in already; change it with PATCH /profile."),
    EmailTaken: (409, "email_taken", "This address already signs in to another account."),
    EditConflict: (409, "edit_conflict", "The account was changed at the same time. Try again."),
    UserNotFound: (404, "not_found", "No such user."),
    SessionNotFound: (404, "not_found", "No such session."),
    DeviceNotFound: (404, "not_found", "No such device."),
    PasskeyNotFound: (404, "not_found", "No such passkey."),
    InvalidToken: (400, "invalid_token", "This link cannot be used any more: it was used already, or it is too old."),
    PasskeySignInRefused: (401, "invalid_passkey", "This passkey cannot sign in here. Sign in with a code instead."),
    PasskeyRefused: (400, "invalid_passkey", "This passkey could not be added. Try again."),
    TooManyPasskeys: (409, "too_many_passkeys", "You have as many passkeys as an account may have. Remove one first."),
    ProfileIncomplete: (409, "profile_incomplete", "The person has not filled in their names yet."),
    StaffIdentityMissing: (403, "forbidden", "This route needs a signed staff request."),
    InvalidTicket: (400, "invalid_ticket", "This VIISP sign-in cannot be finished here. Start the sign-in again."),
    LithuanianEid: (
        400,
        "invalid_ticket",
        "An eID issued by Lithuania is not used through eIDAS here. Sign in through VIISP with a Lithuanian means "
        "instead: e-banking, Smart-ID, mobile e-signature or an identity card.",
    ),
    ViispUnavailable: (502, "viisp_unavailable", "VIISP, the e-government gateway, is not answering. Try again later."),
    MailUnavailable: (503, "mail_unavailable", "The code could not be sent just now; nothing was counted. Try again."),
    IdentityInUse: (
        409,
        "identity_in_use",
        "This VIISP identity has its own MIGRIS account already; nothing was merged. Sign in through VIISP to use "
        "it, or ask migration staff to help.",
    ),
    AlreadyLinked: (409, "already_linked", "This account has an identity confirmed through VIISP already."),
    NotLinked: (
        409,
        "not_linked",
        "This account has no identity linked to it (a VIISP account's identity is how it signs in).",
    ),
    RecoveryPending: (
        409,
        "recovery_pending",
        "A recovery of this account's mailbox is under way; it cannot be changed or deleted until it ends.",
    ),
    FreshSignInRequired: (
        403,
        "fresh_sign_in_required",
        "Sign in again first: this is allowed only within 10 minutes of signing in.",
    ),
}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return json_response(status, {"error": error}, headers=headers)


def _invalid_request(error: RequestValidationError) -> Response[str]:
    fields = field_errors(list(error.errors()))
    return error_response(422, "validation_error", "Some fields are not valid.", fields=fields)


def _invalid_input(error: InvalidInput) -> Response[str]:
    return error_response(422, "validation_error", "Some fields are not valid.", fields=error.fields)


def _link_not_from_our_page(error: LinkNotFromOurPage) -> Response[str]:
    return error_response(
        400, "validation_error", "A link to VIISP starts from the account page only.", fields=error.fields
    )


def _log_domain_error(error: Exception) -> None:
    if isinstance(error, OriginMismatch):
        log_event("origin_mismatch", level="warning", security=True)
    if isinstance(error, ViispUnavailable):
        log_event("viisp_unavailable", level="error", reason=error.reason)


def _domain_error(error: Exception) -> Response[str]:
    status, code, message = ERROR_ANSWERS[type(error)]
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RetryLater) else None
    _log_domain_error(error)
    return error_response(status, code, message, headers=headers)


# --- the VIISP routes a browser navigates to: their refusals as the web app's error screen ---

VIISP_PAGE_ERRORS: tuple[type[Exception], ...] = (
    InvalidTicket,
    LithuanianEid,
    ViispUnavailable,
    OriginMismatch,
    # A link's refusals (its callback's here; the account page shows POST /login/viisp/link's JSON ones on the
    # same screen): not signed in, or not lately; contact data not filled in; linked already; the identity has
    # its own account; the account kept changing under it.
    Unauthenticated,
    FreshSignInRequired,
    ProfileIncomplete,
    AlreadyLinked,
    IdentityInUse,
    EditConflict,
)
# The web app's screen for a VIISP sign-in that failed (web/ builds it); `reason` is the error's code, and
# `detail` names the refusals whose way on differs from their code's (the screen's words say it).
VIISP_ERROR_SCREEN = "/#/viisp-error?reason="
VIISP_ERROR_DETAILS: dict[type[Exception], str] = {LithuanianEid: "lithuanian_eid"}


def accepts_html(app: APIGatewayRestResolver) -> bool:
    """Whether the request is a browser's navigation: its Accept names text/html (with a q above 0). An API
    client (no Accept, `*/*` or application/json) does not."""
    for media_range in (app.current_event.headers.get("Accept") or "").split(","):
        media_type, *params = (part.strip().lower() for part in media_range.split(";"))
        if media_type != "text/html":
            continue
        quality = next((value for name, _, value in (p.partition("=") for p in params) if name == "q"), "1")
        try:
            if float(quality) > 0:
                return True
        except ValueError:
            continue
    return False


def viisp_error_screen(code: str, detail: str | None = None) -> str:
    """The web app's VIISP error screen for this error code (and detail), on the configured web origin (never a
    URL made from the request's headers)."""
    screen = f"{services().settings.web_origin}{VIISP_ERROR_SCREEN}{quote(code)}"
    return f"{screen}&detail={quote(detail)}" if detail else screen


def answer_browsers_with_the_viisp_error_screen(app: APIGatewayRestResolver, navigations: Collection[str]) -> None:
    """For the VIISP routes a browser navigates to (`navigations`, the resource paths: GET /login/viisp, and the
    callback VIISP's page posts): a browser that went there and is refused (400 invalid_ticket, 502
    viisp_unavailable, 403 origin_mismatch) is sent with a 303 to the web app's error screen instead of landing
    on raw JSON. A request whose Accept does not name text/html, and every other route of the app (POST
    /login/viisp/link is a script's call, which reads the JSON), gets the JSON answer with its status; both are
    logged alike, with the status."""

    def answer(error: Exception) -> Response[str]:
        if app.current_event.resource not in navigations or not accepts_html(app):
            return _domain_error(error)
        status, code, _ = ERROR_ANSWERS[type(error)]
        _log_domain_error(error)
        # The answer the API would give stays in the log (a line, not a domain event's metric).
        logger.info("viisp_error_screen", extra={"event": "viisp_error_screen", "status": status, "code": code})
        screen = viisp_error_screen(code, VIISP_ERROR_DETAILS.get(type(error)))
        return Response(status_code=303, body="", headers={"Location": screen})

    app.exception_handler(list(VIISP_PAGE_ERRORS))(answer)


def _undecodable_body(_: UnicodeDecodeError) -> Response[str]:
    # Powertools decodes a base64 body as UTF-8 when the route reads it; only a client's bytes fail there.
    fields = {"body": "the body is not valid UTF-8"}
    return error_response(422, "validation_error", "Some fields are not valid.", fields=fields)


def _unsupported_media_type(_: RequestUnsupportedContentType) -> Response[str]:
    return error_response(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).")


def _not_found(_: NotFoundError) -> Response[str]:
    return error_response(404, "not_found", "No such route.")


def _unexpected(_: Exception) -> Response[str]:
    logger.exception("unhandled_error", extra={"event": "unhandled_error"})
    return error_response(500, "internal_error", "Something went wrong on our side. Try again later.")


def answer_errors_in_our_shape(app: APIGatewayRestResolver) -> None:
    app.exception_handler(RequestValidationError)(_invalid_request)
    app.exception_handler(InvalidInput)(_invalid_input)
    app.exception_handler(LinkNotFromOurPage)(_link_not_from_our_page)
    app.exception_handler(RequestUnsupportedContentType)(_unsupported_media_type)
    app.exception_handler(UnicodeDecodeError)(_undecodable_body)
    app.exception_handler(list(ERROR_ANSWERS))(_domain_error)
    app.not_found(_not_found)
    app.exception_handler(Exception)(_unexpected)
