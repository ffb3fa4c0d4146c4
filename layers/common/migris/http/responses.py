"""What every answer is made of: JSON bodies (an error's, or a model the route's annotation names), the headers
every answer carries, and the OpenAPI of a body a route reads itself."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseHeader
from aws_lambda_powertools.shared.cookies import Cookie
from pydantic import BaseModel, ConfigDict, Field

JSON = "application/json"
ALWAYS_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


def json_text(body: Any) -> str:
    """Every JSON body we answer, as text: UTF-8 as is (no \\u escapes)."""
    return json.dumps(body, ensure_ascii=False)


def json_response(
    status: int, body: Any, *, cookies: list[Cookie] | None = None, headers: dict[str, str] | None = None
) -> Response[str]:
    return Response(status_code=status, content_type=JSON, body=json_text(body), cookies=cookies, headers=headers)


def model_response[Answer: BaseModel](
    status: int, answer: Answer, *, cookies: list[Cookie] | None = None, headers: dict[str, str] | None = None
) -> Response[Answer]:
    """An answer that is a model: Powertools checks it against the route's `Response[Model]` annotation and
    writes it with json_text (new_app)."""
    return Response(status_code=status, content_type=JSON, body=answer, cookies=cookies, headers=headers)


def body_doc(*models: type[BaseModel], media_type: str = JSON, required: bool = True) -> dict[str, Any]:
    """OpenAPI for a body a route reads itself (after the session check); several models are alternatives.
    `media_type`: JSON, but for the one form the API takes (VIISP's callback); `required=False`: a body the
    route may go without."""
    schemas = [model.model_json_schema() for model in models]
    schema = schemas[0] if len(schemas) == 1 else {"oneOf": schemas}
    return {"requestBody": {"required": required, "content": {media_type: {"schema": schema}}}}


# --- what the OpenAPI document says a route answers (the `responses=` of a route decorator) ---


class ErrorDetail(BaseModel):
    model_config = ConfigDict(defer_build=True)  # these four: built for the OpenAPI document, on its first use

    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict, description="On a 422: each invalid field's problem")


class ErrorAnswer(BaseModel):
    """Every error the API answers: `code` for programs, `message` for people (errors.error_response)."""

    model_config = ConfigDict(defer_build=True)  # for the OpenAPI document only

    error: ErrorDetail


class GatewayRefusal(BaseModel):
    """API Gateway's own 403 for a staff call without a valid signature."""

    model_config = ConfigDict(defer_build=True)  # for the OpenAPI document only

    message: str


class GatewayDenial(BaseModel):
    """API Gateway's own 403 for a signed staff call that the resource policy does not allow."""

    model_config = ConfigDict(defer_build=True)  # for the OpenAPI document only

    Message: str


# Which codes each status carries (migris.http.errors.ERROR_ANSWERS and the handlers there).
ERROR_STATUSES: dict[int, str] = {
    400: "invalid_ticket; validation_error for GET /login/viisp with an intent (a link starts from our page)",
    401: "unauthenticated (no live session) or invalid_code",
    403: "origin_mismatch, names_locked, fresh_sign_in_required or forbidden",
    404: "not_found",
    409: "profile_exists, email_taken, edit_conflict, profile_incomplete, already_linked, identity_in_use or "
    "recovery_pending",
    415: "unsupported_media_type: the body must be application/json",
    422: "validation_error, with `fields`",
    429: "rate_limited or too_many_attempts; on every /login/ path also edge_rate_limited, the WAF rate rule's "
    "answer (docs/edge-limits.md); with Retry-After (seconds)",
    502: "viisp_unavailable",
}
_RETRY_AFTER: dict[str, OpenAPIResponseHeader] = {
    "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
}


def error_docs(*statuses: int) -> dict[int, OpenAPIResponse]:
    """The error answers a route can give, for its `responses=`: each in ErrorAnswer's shape (one component).
    Always 422 too: Powertools lists it for every route (request validation), in a shape we never answer."""
    docs: dict[int, OpenAPIResponse] = {}
    for status in sorted({422, *statuses}):
        doc: OpenAPIResponse = {"description": ERROR_STATUSES[status], "content": {JSON: {"model": ErrorAnswer}}}
        if status == 429:
            doc["headers"] = _RETRY_AFTER
        docs[status] = doc
    return docs


def staff_error_docs(*statuses: int) -> dict[int, OpenAPIResponse]:
    """error_docs for a staff route, whose 403 may also be API Gateway's own refusal of an unsigned call."""
    docs = error_docs(*statuses)
    docs[403] = {
        "description": "Not a staff call: API Gateway's refusal (`message`, or `Message` from its resource policy), "
        "or forbidden",
        "content": {JSON: {"model": ErrorAnswer | GatewayRefusal | GatewayDenial}},
    }
    return docs


def no_body_doc(description: str) -> OpenAPIResponse:
    """An answer without a body (a redirect, a 204)."""
    return {"description": description, "content": {}}
