"""What every answer is made of: JSON bodies (an error's, or a model the route's annotation names), the headers
every answer carries, and the OpenAPI of a body a route reads itself."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.shared.cookies import Cookie
from pydantic import BaseModel

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


def body_doc(*models: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for a body a route reads itself (after the session check); several models are alternatives."""
    schemas = [model.model_json_schema() for model in models]
    schema = schemas[0] if len(schemas) == 1 else {"oneOf": schemas}
    return {"requestBody": {"required": True, "content": {JSON: {"schema": schema}}}}
