"""The resolver every handler uses: request validation, JSON-only bodies, every error in DESIGN.md's shape,
and the headers every answer carries."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.utilities.typing import LambdaContext

from migris.http.body import JsonBodyValidation, parse_json
from migris.http.errors import answer_errors_in_our_shape
from migris.http.responses import ALWAYS_HEADERS, json_text
from migris.wiring import services


def new_app() -> APIGatewayRestResolver:
    """A resolver with request validation and every error answered in DESIGN.md's shape. Every body, the
    ones Powertools validates included, is read by json_body: JSON only. An answer is checked against the
    route's return annotation (a model, or Response[Model]); one that does not match is our fault, a 500."""
    app = APIGatewayRestResolver(
        enable_validation=True,
        json_body_deserializer=parse_json,
        serializer=json_text,
        response_validation_error_http_code=HTTPStatus.INTERNAL_SERVER_ERROR,
    )
    if not isinstance(getattr(app, "_request_validation_middleware", None), OpenAPIRequestValidationMiddleware):
        raise RuntimeError("Powertools no longer keeps its request validation where new_app replaces it")
    # (Powertools' middleware __init__ carries no annotations.)
    app._request_validation_middleware = JsonBodyValidation()  # type: ignore[no-untyped-call]
    answer_errors_in_our_shape(app)
    return app


def respond(app: APIGatewayRestResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Resolve the event and put the headers that every answer carries."""
    result = app.resolve(event, context)
    multi = result.setdefault("multiValueHeaders", {})
    for name, value in ALWAYS_HEADERS.items():
        multi[name] = [value]
    return result


def api_url(path: str) -> str:
    """The absolute URL a browser reaches `path` of this API at: from configuration (PublicApiUrl, else
    WebOrigin), never from the request's Host or X-Forwarded-* headers, which the client writes."""
    return f"{services().settings.api_base_url}{path}"
