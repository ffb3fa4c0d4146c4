"""Reading a request: its JSON body (JSON only, parsed with limits), the language and the source address."""

from __future__ import annotations

import ipaddress
import json
import math
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
)

from migris.domain.errors import (
    InvalidInput,
)
from migris.domain.validation import Language, language_from_header
from migris.http.responses import JSON
from migris.wiring import services

if TYPE_CHECKING:
    # The profile domain (and the code rules, mail and sessions it brings) is for the profile routes only: the
    # sign-in, staff and VIISP functions read bodies here but never make a PersonRequest.
    from migris.domain.profiles import PersonRequest

CLIENT_ADDRESS_HEADER = "True-Client-IP"  # written by ClientAddressFunction in template.yaml
ORIGIN_PROOF_HEADER = "x-origin-verify"  # added by the distribution's API origin (OriginVerifySecret)
MAX_JSON_DEPTH = 32  # no body of ours nests deeper than 3


def json_body(app: APIGatewayRestResolver) -> dict[str, Any]:
    """The request's JSON body: the one way any route reads a body, whether it checks the session first and
    validates after or has Powertools validate a pydantic `body` (new_app routes that through here too).

    A body must say `application/json` (UTF-8 if it names a charset), else 415: an HTML form, a `no-cors`
    fetch or a beacon, which any site can make a browser send without asking, can only say form, multipart or
    text/plain, or nothing. Then it must parse (parse_json) to a JSON object, else 422: Powertools would hand a
    route's model the first element of an array as if it were the body."""
    event = app.current_event
    if not event.body:
        raise InvalidInput({"body": "a JSON body is required"})
    if not _is_json(event.headers.get("Content-Type")):
        raise RequestUnsupportedContentType("Unsupported content type", errors=[])
    value = parse_json(event.decoded_body or "")
    if not isinstance(value, dict):
        raise InvalidInput({"body": "the body must be a JSON object"})
    return value


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


class JsonBodyValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, with the body read by json_body. Left to itself, Powertools hands a
    route's pydantic `body` a multipart or URL-encoded form, or a body with no Content-Type, as if it were
    JSON: exactly what a foreign page's form posts (issue 8)."""

    def _get_body(self, app: Any) -> Any:
        return json_body(app)


def accept_language(app: APIGatewayRestResolver) -> Language:
    """The mail language the request's Accept-Language names (lt, en, uk or ru), Lithuanian if none: what a
    mail is written in when neither the body nor the account names a language."""
    return language_from_header(app.current_event.headers.get("Accept-Language"))


def person_request(app: APIGatewayRestResolver) -> PersonRequest:
    """What the profile domain needs of the request: its JSON body, the language its Accept-Language names (for
    mail, when neither the body nor the account names one), and where it came from (mail limits count per
    network address)."""
    from migris.domain.profiles import PersonRequest  # imported already by every route that calls this

    return PersonRequest(body=json_body(app), accept_language=accept_language(app), source_ip=source_ip(app))


def source_ip(app: APIGatewayRestResolver) -> str | None:
    """The client's network address. API Gateway's requestContext.identity.sourceIp is the connecting peer: the
    client when it calls the API directly, but a CloudFront server behind our distribution. So True-Client-IP
    (which our CloudFront function writes over whatever the client sent) is taken only with the x-origin-verify
    proof that only the distribution adds; any other header the client writes (X-Forwarded-For) is never read."""
    headers = app.current_event.headers
    peer = app.current_event.request_context.identity.source_ip or None
    forwarded, proof = headers.get(CLIENT_ADDRESS_HEADER), headers.get(ORIGIN_PROOF_HEADER)
    if not forwarded or not proof or not services().is_our_cdn(proof):
        return peer
    try:
        return str(ipaddress.ip_address(forwarded.strip()))
    except ValueError:
        return peer
