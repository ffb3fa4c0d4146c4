"""HTTP glue shared by the handlers: the resolver with every error mapped to DESIGN.md's error body in one
place, the no-store header on every answer, the session cookie, and session lookup with the Origin rule.

Domain code never imports this module."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from migris.errors import (
    EditConflict,
    EmailTaken,
    InvalidCode,
    InvalidInput,
    InvalidTicket,
    NamesLocked,
    OriginMismatch,
    ProfileExists,
    ProfileIncomplete,
    RateLimited,
    RetryLater,
    StaffIdentityMissing,
    TooManyAttempts,
    Unauthenticated,
    UserNotFound,
    ViispUnavailable,
)
from migris.observability import log_event, logger
from migris.profiles import PersonRequest
from migris.repositories import SessionRecord
from migris.services import services
from migris.validation import Language, field_errors, language_from_header

JSON = "application/json"
SESSION_COOKIE = "__Host-session"
VIISP_COOKIE = "__Host-viisp"
STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ALWAYS_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}

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
    ProfileIncomplete: (409, "profile_incomplete", "The person has not filled in their names yet."),
    StaffIdentityMissing: (403, "forbidden", "This route needs a signed staff request."),
    InvalidTicket: (400, "invalid_ticket", "This VIISP sign-in cannot be finished here. Start the sign-in again."),
    ViispUnavailable: (502, "viisp_unavailable", "VIISP, the e-government gateway, is not answering. Try again later."),
}


def json_response(
    status: int, body: Any, *, cookies: list[Cookie] | None = None, headers: dict[str, str] | None = None
) -> Response[str]:
    return Response(
        status_code=status,
        content_type=JSON,
        body=json.dumps(body, ensure_ascii=False),
        cookies=cookies,
        headers=headers,
    )


def body_doc(*models: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for a body a route reads itself (after the session check); several models are alternatives."""
    schemas = [model.model_json_schema() for model in models]
    schema = schemas[0] if len(schemas) == 1 else {"oneOf": schemas}
    return {"requestBody": {"required": True, "content": {JSON: {"schema": schema}}}}


def json_body(app: APIGatewayRestResolver) -> Any:
    """The request's JSON body, for routes that check the session first and validate after."""
    event = app.current_event
    content_type = (event.headers.get("Content-Type") or "").strip()
    if content_type and not content_type.lower().startswith(JSON):
        raise RequestUnsupportedContentType("Unsupported content type", errors=[])
    raw = event.decoded_body if event.body is not None else None
    if not raw:
        raise InvalidInput({"body": "a JSON body is required"})
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidInput({"body": "the body is not valid JSON"}) from None


def person_request(app: APIGatewayRestResolver) -> PersonRequest:
    """What the profile domain needs of the request: its JSON body and the language for any mail."""
    language: Language = language_from_header(app.current_event.headers.get("Accept-Language"))
    return PersonRequest(body=json_body(app), language=language)


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


def _domain_error(error: Exception) -> Response[str]:
    status, code, message = ERROR_ANSWERS[type(error)]
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RetryLater) else None
    if isinstance(error, OriginMismatch):
        log_event("origin_mismatch", level="warning", security=True)
    if isinstance(error, ViispUnavailable):
        log_event("viisp_unavailable", level="error", reason=error.reason)
    return error_response(status, code, message, headers=headers)


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


def new_app() -> APIGatewayRestResolver:
    """A resolver with request validation and every error answered in DESIGN.md's shape."""
    app = APIGatewayRestResolver(enable_validation=True)
    app.exception_handler(RequestValidationError)(_invalid_request)
    app.exception_handler(InvalidInput)(_invalid_input)
    app.exception_handler(RequestUnsupportedContentType)(_unsupported_media_type)
    app.exception_handler(UnicodeDecodeError)(_undecodable_body)
    app.exception_handler(list(ERROR_ANSWERS))(_domain_error)
    app.not_found(_not_found)
    app.exception_handler(Exception)(_unexpected)
    return app


def respond(app: APIGatewayRestResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Resolve the event and put the headers that every answer carries."""
    result = app.resolve(event, context)
    multi = result.setdefault("multiValueHeaders", {})
    for name, value in ALWAYS_HEADERS.items():
        multi[name] = [value]
    return result


# --- sessions over HTTP ---


def session_cookie(token: str) -> Cookie:
    # No Max-Age: the browser drops it at close; expiry itself is enforced on the server.
    return Cookie(name=SESSION_COOKIE, value=token, path="/", secure=True, http_only=True, same_site=SameSite.LAX_MODE)


def cleared_session_cookie() -> Cookie:
    return Cookie(
        name=SESSION_COOKIE,
        value="",
        path="/",
        secure=True,
        http_only=True,
        same_site=SameSite.LAX_MODE,
        max_age=0,
    )


def viisp_cookie(nonce: str, max_age: int) -> Cookie:
    """Binds a VIISP ticket to this browser. SameSite=None: VIISP's page posts back to us cross-site."""
    return Cookie(
        name=VIISP_COOKIE,
        value=nonce,
        path="/",
        secure=True,
        http_only=True,
        same_site=SameSite.NONE_MODE,
        max_age=max_age,
    )


def cleared_viisp_cookie() -> Cookie:
    return Cookie(
        name=VIISP_COOKIE, value="", path="/", secure=True, http_only=True, same_site=SameSite.NONE_MODE, max_age=0
    )


def cookie(app: APIGatewayRestResolver, name: str) -> str | None:
    return _cookie_value(app.current_event.headers.get("Cookie"), name)


def public_url(app: APIGatewayRestResolver, path: str) -> str:
    """The URL a browser reaches `path` of this API at, as this request came in (stage or base path kept):
    API Gateway's host and X-Forwarded-Proto, and what its request path holds before the route's path."""
    event = app.current_event
    proto = event.headers.get("X-Forwarded-Proto") or "https"
    host = event.headers.get("Host") or ""
    full_path = event.request_context.path or event.path
    prefix = full_path[: -len(event.path)] if event.path and full_path.endswith(event.path) else ""
    return f"{proto}://{host}{prefix}{path}"


def _cookie_value(cookie_header: str | None, name: str) -> str | None:
    for part in (cookie_header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def require_session(app: APIGatewayRestResolver) -> SessionRecord:
    """The caller's live session, from `Authorization: Bearer` or the session cookie. A state-changing
    request that relies on the cookie must come from our web origin (CSRF); a Bearer request needs none."""
    event = app.current_event
    authorization = event.headers.get("Authorization") or ""
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return services().sessions.authenticate(credentials.strip())
    token = _cookie_value(event.headers.get("Cookie"), SESSION_COOKIE)
    session = services().sessions.authenticate(token)
    if event.http_method.upper() in STATE_CHANGING_METHODS:
        origin = event.headers.get("Origin")
        if origin != services().settings.web_origin:
            raise OriginMismatch
    return session


def staff_actor(app: APIGatewayRestResolver) -> str:
    """The IAM ARN API Gateway verified for this staff request (AWS_IAM on the method)."""
    arn = app.current_event.request_context.identity.user_arn
    if not arn:
        log_event("staff_identity_missing", level="warning", security=True)
        raise StaffIdentityMissing
    return str(arn)
