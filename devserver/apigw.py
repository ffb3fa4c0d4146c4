"""What API Gateway does between an HTTP request and a Lambda proxy integration (REST API, v1 events)."""

from __future__ import annotations

import base64
import importlib.util
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from devserver.template import Route

STAGE = "v1"
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:eu-north-1:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


@dataclass
class HttpRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def load_module(route: Route) -> ModuleType:
    """Import the function's handler module from its CodeUri, under a module name of its own (every
    function's file is called app.py), once."""
    module_file = route.handler.rpartition(".")[0]
    path = Path(route.code_uri) / f"{module_file.replace('.', '/')}.py"
    name = f"migris_function_{route.function}"
    module: ModuleType | None = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


def load_handler(route: Route) -> Handler:
    handler: Handler = getattr(load_module(route), route.handler.rpartition(".")[2])
    return handler


def proxy_event(
    route: Route,
    request: HttpRequest,
    path_parameters: dict[str, str],
    identity: dict[str, Any] | None = None,
) -> dict[str, Any]:
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        multi_headers.setdefault(name, []).append(value)
    # API Gateway adds these; the local stack speaks plain HTTP.
    multi_headers.setdefault("X-Forwarded-Proto", ["http"])
    multi_headers.setdefault("X-Forwarded-For", [request.source_ip])
    try:
        body: str | None = request.body.decode("utf-8") if request.body else None
        encoded = False
    except UnicodeDecodeError:
        body, encoded = base64.b64encode(request.body).decode("ascii"), True
    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    return {
        "resource": route.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in request.query.items()} or None,
        "multiValueQueryStringParameters": request.query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "body": body,
        "isBase64Encoded": encoded,
        "requestContext": {
            "resourcePath": route.path,
            "httpMethod": request.method,
            # As behind a custom domain with no base path: the local stack serves the API at its root.
            "path": request.path,
            "stage": STAGE,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "protocol": "HTTP/1.1",
            "accountId": "123456789012",
            "apiId": "local",
            "identity": {
                "sourceIp": request.source_ip,
                "userAgent": next((v for k, v in request.headers if k.lower() == "user-agent"), None),
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "user": None,
                "userArn": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                **(identity or {}),
            },
        },
    }


def http_response(result: dict[str, Any]) -> HttpResponse:
    headers: list[tuple[str, str]] = []
    multi = result.get("multiValueHeaders") or {}
    for name, values in multi.items():
        headers.extend((name, str(value)) for value in values)
    for name, value in (result.get("headers") or {}).items():
        if name not in multi:
            headers.append((name, str(value)))
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    return HttpResponse(status=int(result.get("statusCode", 502)), headers=headers, body=body)
