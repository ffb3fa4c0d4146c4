"""HTTP glue shared by the handlers: the resolver with every error mapped to DESIGN.md's error body in one
place, the no-store header on every answer, the session cookie, and session lookup with the Origin rule.

Domain code never imports this module."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
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
MAX_JSON_DEPTH = 32  # no body of ours nests deeper than 3
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
    """The request's JSON body: the one way any route reads a body, whether it checks the session first and
    validates after or has Powertools validate a pydantic `body` (new_app routes that through here too).

    A body must say `application/json` (UTF-8 if it names a charset), else 415: an HTML form, a `no-cors`
    fetch or a beacon, which any site can make a browser send without asking, can only say form, multipart or
    text/plain, or nothing. Then it must parse (parse_json), else 422."""
    event = app.current_event
    if not event.body:
        raise InvalidInput({"body": "a JSON body is required"})
    if not _is_json(event.headers.get("Content-Type")):
        raise RequestUnsupportedContentType("Unsupported content type", errors=[])
    return parse_json(event.decoded_body or "")


def _is_json(content_type: str | None) -> bool:
    media_type, *parameters = (content_type or "").split(";")
    if media_type.strip().lower() != JSON:
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            return False
    return True


def parse_json(raw: str) -> Any:
    """JSON as RFC 8259 has it, or InvalidInput naming the body: no NaN or Infinity, no number too large for
    a float (1e999) or with more digits than Python converts (4,300), and no nesting deeper than
    MAX_JSON_DEPTH (the parser's own limit is a RecursionError). None of these may surface as a 500."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):  # JSONDecodeError and the integer digit limit are ValueErrors
        raise InvalidInput({"body": "the body is not valid JSON"}) from None
    if _nests_deeper_than(value, MAX_JSON_DEPTH):
        raise InvalidInput({"body": f"the body nests deeper than {MAX_JSON_DEPTH} levels"})
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("the number is too large")
    return number


def _nests_deeper_than(value: Any, limit: int) -> bool:
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


class _JsonBodyValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, with the body read by json_body. Left to itself, Powertools hands a
    route's pydantic `body` a multipart or URL-encoded form, or a body with no Content-Type, as if it were
    JSON: exactly what a foreign page's form posts (issue 8)."""

    def _get_body(self, app: Any) -> Any:
        return json_body(app)


def person_request(app: APIGatewayRestResolver) -> PersonRequest:
    """What the profile domain needs of the request: its JSON body, the language for any mail, and where it
    came from (mail limits count per network address)."""
    language: Language = language_from_header(app.current_event.headers.get("Accept-Language"))
    return PersonRequest(body=json_body(app), language=language, source_ip=source_ip(app))


def source_ip(app: APIGatewayRestResolver) -> str | None:
    """The client's address as API Gateway saw it (requestContext.identity.sourceIp), never a header the
    client could write (X-Forwarded-For is the client's to fill)."""
    return app.current_event.request_context.identity.source_ip or None


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
    """A resolver with request validation and every error answered in DESIGN.md's shape. Every body, the
    ones Powertools validates included, is read by json_body: JSON only."""
    app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=parse_json)
    if not isinstance(getattr(app, "_request_validation_middleware", None), OpenAPIRequestValidationMiddleware):
        raise RuntimeError("Powertools no longer keeps its request validation where new_app replaces it")
    # (Powertools' middleware __init__ carries no annotations.)
    app._request_validation_middleware = _JsonBodyValidation()  # type: ignore[no-untyped-call]
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


def api_url(path: str) -> str:
    """The absolute URL a browser reaches `path` of this API at: from configuration (PublicApiUrl, else
    WebOrigin), never from the request's Host or X-Forwarded-* headers, which the client writes."""
    return f"{services().settings.api_base_url}{path}"


def require_our_origin(app: APIGatewayRestResolver, *, also: Iterable[str] = (), required: bool = False) -> None:
    """The Origin rule, decided here only, for every request that sets the session cookie or acts on it: a
    browser's request must come from our web pages' origin (or one of `also`), else OriginMismatch (403).

    A request without Origin is a non-browser client's (browsers send it with every POST) and passes, unless
    `required` (a state change authenticated by the cookie). `null` (a sandboxed frame, a privacy redirect)
    is foreign. Call it before anything is used up: a refused sign-in must not spend the code or the ticket."""
    origin = app.current_event.headers.get("Origin")
    if origin is None and not required:
        return
    if origin not in {services().settings.web_origin, *also}:
        raise OriginMismatch


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
        require_our_origin(app, required=True)
    return session


def staff_actor(app: APIGatewayRestResolver) -> str:
    """The IAM ARN API Gateway verified for this staff request (AWS_IAM on the method)."""
    arn = app.current_event.request_context.identity.user_arn
    if not arn:
        log_event("staff_identity_missing", level="warning", security=True)
        raise StaffIdentityMissing
    return str(arn)
