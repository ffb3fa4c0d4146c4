"""The local stack's HTTP side: routes from template.yaml handed to the handlers in process, the web pages,
the outbox, and the OpenAPI document with Swagger UI over it (devserver.docs)."""

from __future__ import annotations

import contextvars
import json
import mimetypes
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import serialization
from migris.clock import Clock
from migris.observability import metrics
from migris.viisp.transport import SoapTransport
from migris.wiring import Services, services, use_services

from devserver.apigw import (
    HttpRequest,
    HttpResponse,
    LambdaContext,
    http_response,
    load_handler,
    load_module,
    proxy_event,
)
from devserver.cdn import PageHeaders
from devserver.docs import DOCS_PATH, OPENAPI_PATH, merged_openapi, swagger_asset, swagger_page
from devserver.edge import EdgeGuard, rate_rule
from devserver.iam import IamGate, Refusal, staff_principal
from devserver.local_aws import LocalAws
from devserver.mail_pump import MailPump
from devserver.schedules import Schedules
from devserver.template import ROOT, Route, Template
from devserver.viisp_standin import InProcessTransport, ViispStandIn, local_rsa_key

Result = TypeVar("Result")
WEB_ROOT = ROOT / "web"
# The template's logical id of the function serving the request under way (tests record which function made
# each AWS call, to check it against that function's own role: tests/iam_calls.py).
serving_function: contextvars.ContextVar[str | None] = contextvars.ContextVar("serving_function", default=None)
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
LISTEN_BACKLOG = 1024  # connections the kernel holds until accepted (socketserver's default, 5, resets a crowd)
IDLE_SECONDS = 30  # a connection silent this long (between requests, or mid-request) is closed
# How long a read of /_local/outbox waits at most for mail the background pump holds in flight.
OUTBOX_SETTLE_SECONDS = 15.0


# What API Gateway (REST) answers a method the resource does not declare (TRACE, CONNECT, FOO, or DELETE where only
# GET is): its MISSING_AUTHENTICATION_TOKEN gateway response, 403. Never a 5xx, and never the function.
UNDECLARED_METHOD = Refusal("MissingAuthenticationTokenException", "Missing Authentication Token")


def _json(status: int, body: Any) -> HttpResponse:
    data = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
    return HttpResponse(status, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], data)


def _error(status: int, code: str, message: str) -> HttpResponse:
    return _json(status, {"error": {"code": code, "message": message}})


class LocalStack:
    """Everything `make run` serves, without the socket: tests drive `dispatch` or the real server."""

    def __init__(
        self,
        template: Template,
        origin: str,
        clock: Clock | None = None,
        *,
        aliases: Iterable[str] = (),
        viisp_over_http: bool = False,
        mail_redelivery_seconds: int = 0,
        mail_at_once: bool = True,
    ) -> None:
        """`origin`: where the pages, the API and the VIISP stand-in are (WebOrigin). `aliases`: other origins
        the same server answers at (`http://127.0.0.1:PORT` beside `http://localhost:PORT`): the API answers
        there too and their Origin counts as ours, while their pages redirect to `origin`, where the cookies and
        passkeys live. `mail_redelivery_seconds`: how soon a mail the mail function reported back is tried again
        (the queue's visibility timeout in AWS; 0 for tests). `mail_at_once`: the queues are drained after each
        request (tests, in process); served, the mail pump drains them in the background instead."""
        self.template = template
        self.template_root = ROOT
        self.origin = origin
        self.aliases = frozenset(alias for alias in aliases if alias != origin)
        self.clock = clock
        self.aws = LocalAws(template)
        self.routes: list[Route] = template.routes()
        self.region = os.environ.get("AWS_REGION") or "eu-north-1"
        self.staff = staff_principal(template)
        self.iam = IamGate(template, self.region, [self.staff])
        # The service's VIISP key and the stand-in (with its own key, which the service pins) are made at start.
        self.viisp_service_key = local_rsa_key("viisp-service")
        self.viisp = ViispStandIn(
            self.viisp_service_key.public_key(),
            pid=template.parameters["ViispPid"],
            ticket_seconds=int(template.parameters["ViispTicketSeconds"]),
            clock=clock,
        )
        # Served over a socket, the functions reach the stand-in over HTTP (urllib3, as in AWS); driven
        # in process (tests), they call it directly.
        self._viisp_transport: SoapTransport | None = None if viisp_over_http else InProcessTransport(self.viisp)
        self.lock = threading.RLock()  # re-entrant: a test may nest one request inside another
        # WAF's rate rule on /login/*, in front of everything API Gateway does (None: the template makes no ACL).
        rule = rate_rule(template)
        self.edge = EdgeGuard(rule, clock) if rule else None
        # The distribution's security headers on the pages (CSP with frame-ancestors, X-Frame-Options, ...).
        self.page_headers = PageHeaders.from_template(template)
        self._containers: dict[str, Services] = {}
        self.mail = MailPump(self, mail_redelivery_seconds)
        # The EventBridge schedules (the recovery function): served, every second; in tests, `run` on demand.
        self.schedules = Schedules(self)
        self._mail_at_once = mail_at_once
        # Reading the outbox shows what was queued before: the queues drained, what is in flight waited for.
        self.aws.before_reading_outbox = lambda: self.mail.drain(settle_seconds=OUTBOX_SETTLE_SECONDS)
        self.aws.pause = self.wait_unlocked

    def start(self) -> None:
        self.template.apply_process_environment()
        self.aws.start()
        self._configure_viisp()
        self.fresh_containers()
        for route in self.routes:
            load_handler(route)

    def use_viisp_transport(self, transport: SoapTransport | None) -> None:
        """Reach VIISP another way from now on (tests put a failing or tampering one in between)."""
        self._viisp_transport = transport
        self.fresh_containers()

    def fresh_containers(self) -> None:
        """As if every function started a new container: its domain objects and caches (the pepper, VIISP's
        configuration and key) are made again on its next request."""
        self._containers = {}
        use_services(self.aws.services(self.clock, self._viisp_transport))

    def _container(self, function: str) -> Services:
        """The function's own domain objects and caches, as each Lambda function has its own containers: a secret
        one function read is never served to another from a shared cache, so each function's own reads (and its
        role's grants for them, tests/iam_calls.py) are what the local stack exercises."""
        if function not in self._containers:
            self._containers[function] = self.aws.services(self.clock, self._viisp_transport, sleep=self.wait_unlocked)
        return self._containers[function]

    def as_function(self, function: str, call: Callable[[], Result]) -> Result:
        """Run `call` as the function would: in its own container, its AWS calls made (and checked) as its role."""
        serving = serving_function.set(function)
        use_services(self._container(function))
        try:
            return call()
        finally:
            serving_function.reset(serving)
            # With EMF output off (the local default) Powertools never flushes, so nothing would empty the
            # metric set: drop it after each invocation.
            metrics.clear_metrics()

    def _invoke(self, route: Route, event: dict[str, Any]) -> dict[str, Any]:
        handler = load_handler(route)
        return self.as_function(route.function, lambda: handler(event, LambdaContext(function_name=route.function)))

    def function_client(self, service: str) -> Any:
        """The functions' client for the service (made once, as a Lambda container keeps it)."""
        return self.aws.function_session.client(service)

    def wait_unlocked(self, seconds: float) -> None:
        """A function's wait (the mail function waiting for a send slot, or for a late SES) lets the other
        requests through, as separate Lambda containers would: the dispatch lock is let go however deep it is
        held (as threading.Condition lets go of an RLock), and the function's container is its own again after.
        A thread that holds no lock just waits."""
        if not self.lock._is_owned():  # type: ignore[attr-defined]
            time.sleep(seconds)
            return
        container = services()
        held = self.lock._release_save()  # type: ignore[attr-defined]
        try:
            time.sleep(seconds)
        finally:
            self.lock._acquire_restore(held)  # type: ignore[attr-defined]
            use_services(container)

    def _configure_viisp(self) -> None:
        self.aws.change_viisp_settings(
            soap_endpoint=f"{self.origin}/_local/viisp/auth",
            portal_url=f"{self.origin}/_local/viisp/portal",
            certificate=self.viisp.certificate_pem.decode(),
        )
        key_pem = self.viisp_service_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self.aws.put_secret("ViispServiceKeySecret", key_pem.decode())

    def run_schedules(self) -> dict[str, Any]:
        """Invoke the scheduled functions once (as their schedule would), then send the mail they queued."""
        answers = self.schedules.run()
        if self._mail_at_once:
            with self.lock:
                self.mail.drain()
        return answers

    def stop(self) -> None:
        self.schedules.stop()
        self.mail.stop()
        use_services(None)
        self.aws.stop()

    def dispatch(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/_local/viisp/"):
            # Outside the lock: a function serving a request calls the stand-in over HTTP meanwhile.
            return self.viisp.handle(request)
        refusal = self.edge.refusal(request) if self.edge else None
        if refusal is not None:
            return refusal
        with self.lock:
            response = self._dispatch(request)
            if self._mail_at_once:
                self.mail.drain()  # in process (tests): the mail a request queued is sent before it answers
            return response

    def _dispatch(self, request: HttpRequest) -> HttpResponse:
        if request.path == DOCS_PATH and request.method in {"GET", "HEAD"} and self._at_an_alias(request):
            return self._to_our_origin(request)
        if request.path.startswith("/_local/") or request.path in {OPENAPI_PATH, DOCS_PATH}:
            return self._local(request)
        request = self._alias_origin_as_ours(request)
        a_resource = False
        for route in self.routes:
            match = route.pattern.match(request.path)
            if not match:
                continue
            if route.method != request.method:
                a_resource = True
                continue
            identity = None
            try:
                if route.iam_auth:
                    identity = self.iam.identity(route, request)
                else:
                    self.iam.allow_anonymous(request)
            except Refusal as refusal:
                return refusal.response()
            event = proxy_event(route, request, match.groupdict(), identity)
            return http_response(self._invoke(route, event))
        if a_resource:
            return UNDECLARED_METHOD.response()
        if request.method in {"GET", "HEAD"}:
            return self._to_our_origin(request) if self._at_an_alias(request) else self._static(request.path)
        return _error(404, "not_found", "No such route.")

    def _at_an_alias(self, request: HttpRequest) -> bool:
        """Whether the request was sent to one of the aliases (by its Host: it only picks where a page is
        served from, never whom to trust)."""
        host = next((value for name, value in request.headers if name.lower() == "host"), None)
        return host is not None and f"http://{host.lower()}" in self.aliases

    def _to_our_origin(self, request: HttpRequest) -> HttpResponse:
        """A page asked at an alias: the same page at our origin, where the session cookie, the VIISP binding and
        passkeys (whose RP ID cannot be an IP address) belong."""
        query = urlencode(request.query, doseq=True)
        location = f"{self.origin}{request.path}{'?' + query if query else ''}"
        return HttpResponse(307, [("Location", location), ("Cache-Control", "no-store")], b"")

    def _alias_origin_as_ours(self, request: HttpRequest) -> HttpRequest:
        """One site under two names: an alias in Origin is our origin as the functions compare it (they know
        WebOrigin only). Only an exact alias is mapped; any other Origin, and every other header, stays as sent
        (two Origin headers stay two)."""
        if not self.aliases:
            return request
        headers = [
            (name, self.origin if name.lower() == "origin" and value in self.aliases else value)
            for name, value in request.headers
        ]
        return replace(request, headers=headers)

    def _local(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET":
            return _error(405, "method_not_allowed", "Use GET on this route.")
        if request.path == "/_local/outbox":
            return _json(200, self.aws.outbox)
        # Swagger UI shows the document's address as /docs?format=json, as enable_swagger's route answers it.
        if request.path == OPENAPI_PATH or (request.path == DOCS_PATH and request.query.get("format") == ["json"]):
            return HttpResponse(
                200, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], self._openapi_json.encode()
            )
        if request.path == DOCS_PATH:
            page = swagger_page(self._openapi_json).encode()
            return HttpResponse(
                200, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")], page
            )
        asset = swagger_asset(request.path)
        if asset is not None:
            body, content_type = asset
            return HttpResponse(200, [("Content-Type", content_type), ("Cache-Control", "max-age=3600")], body)
        return _error(404, "not_found", "No such route.")

    def _static(self, path: str) -> HttpResponse:
        """A file of web/ (the pages' origin: S3 behind the distribution), with the headers the distribution adds."""
        relative = "index.html" if path in {"", "/"} else path.lstrip("/")
        target = (WEB_ROOT / relative).resolve()
        if not target.is_relative_to(WEB_ROOT.resolve()) or not target.is_file():
            return self.page_headers.put_on(_error(404, "not_found", "No such route."))
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        page = HttpResponse(200, [("Content-Type", content_type), ("Cache-Control", "no-store")], target.read_bytes())
        return self.page_headers.put_on(page)

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI document of the whole API, as GET /openapi.json answers it."""
        document: dict[str, Any] = json.loads(self._openapi_json)
        return document

    @cached_property
    def _openapi_json(self) -> str:
        # Made once: the functions, and so their routes, are fixed for the stack's life.
        resolvers = {route.function: load_module(route).app for route in self.routes}
        return merged_openapi(resolvers.values())


# What API Gateway answers when the function fails (an unhandled exception): the connection is still answered.
_TOO_LARGE = _error(413, "payload_too_large", "The body is larger than 10 MB.")
_BAD_CHUNK = _error(400, "bad_request", "The chunked body is not well formed.")
_CHUNK_LINE_BYTES = 4096  # a chunk's size line, or a trailer field
_TRAILER_LINES = 100
_FUNCTION_FAILED = HttpResponse(
    502,
    [("Content-Type", "application/json"), ("x-amzn-ErrorType", "InternalServerErrorException")],
    b'{"message": "Internal server error"}',
)


class _RequestHandler(BaseHTTPRequestHandler):
    """One connection, in a thread of its own (kept alive between requests): a slow or idle client holds only
    its own thread, never the dispatch lock, and is let go after IDLE_SECONDS of silence."""

    stack: LocalStack
    server_version = "migris-local"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS
    disable_nagle_algorithm = True  # headers and body go out as two writes: no delayed-ACK stall between them

    def _serve(self) -> None:
        url = urlsplit(self.path)
        body = self._read_chunked() if self.headers.get("Transfer-Encoding") else self._read_sized()
        if isinstance(body, HttpResponse) or body is None:
            # The body was not read to its end, so the connection cannot carry another request: what is left of
            # it must never be taken for one.
            self.close_connection = True
            if body is not None:
                self._send(body)
            return  # None: the client left before its body was in, and there is nobody to answer
        request = HttpRequest(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],  # the connecting socket's address, as API Gateway's sourceIp
        )
        try:
            response = self.stack.dispatch(request)
        except Exception:
            traceback.print_exc()
            response = _FUNCTION_FAILED
        self._send(response)

    def _read_sized(self) -> bytes | HttpResponse | None:
        """The body of Content-Length bytes (none without the header); a refusal, or None if the client left."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return _error(400, "bad_request", "Content-Length is not a length.")
        if length > MAX_BODY_BYTES:
            return _TOO_LARGE
        body = self.rfile.read(length) if length else b""
        return body if len(body) == length else None

    def _read_chunked(self) -> bytes | HttpResponse | None:
        """A `Transfer-Encoding: chunked` body, joined, as API Gateway hands it to the function: chunk by chunk
        to the last (size 0) and its trailer, bounded by the payload limit. Only `chunked` alone and without a
        Content-Length, as RFC 9112 asks (a message with both is how requests are smuggled); a refusal
        otherwise, or None if the client left."""
        codings = [coding.strip().lower() for coding in self.headers.get_all("Transfer-Encoding", [])]
        if ",".join(codings) != "chunked" or "Content-Length" in self.headers:
            return _error(400, "bad_request", "Send the body with Content-Length, or chunked alone.")
        body = bytearray()
        while True:
            line = self.rfile.readline(_CHUNK_LINE_BYTES + 1)
            if not line.endswith(b"\n"):
                return None if len(line) <= _CHUNK_LINE_BYTES else _BAD_CHUNK
            size_text = line.split(b";", 1)[0].strip()  # chunk extensions (;name=value) carry nothing here
            if not size_text or size_text.strip(b"0123456789abcdefABCDEF"):
                return _BAD_CHUNK
            size = int(size_text, 16)
            if size == 0:
                break
            if len(body) + size > MAX_BODY_BYTES:
                return _TOO_LARGE
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                return None
            body += chunk
            end = self.rfile.readline(3)
            if end not in (b"\r\n", b"\n"):
                return None if not end else _BAD_CHUNK
        for _ in range(_TRAILER_LINES):  # the trailer fields, up to the empty line; none of them is kept
            line = self.rfile.readline(_CHUNK_LINE_BYTES + 1)
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                return bytes(body)
        return _BAD_CHUNK

    def _send(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def __getattr__(self, name: str) -> Any:
        # http.server answers 501 itself for a method it has no do_<METHOD> for (TRACE, CONNECT, FOO); API
        # Gateway takes any method and answers one a resource lacks with a 4xx, so every method is served.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        # Access log without the query string: no personal data belongs in URLs, but keep logs clean anyway.
        # A request line that never came or did not parse leaves neither command nor path.
        command, path = getattr(self, "command", None) or "-", urlsplit(getattr(self, "path", None) or "-").path
        _log_line(f"{self.address_string()} {command} {path}")

    def log_error(self, format: str, *args: Any) -> None:
        _log_line(f"{self.address_string()} {format % args}")


def printable(text: str) -> str:
    """`text` with every character a terminal could act on (C0 and C1 controls such as ESC and CSI, DEL, bidi
    and other format characters, line separators) written as its Python escape, and a backslash as two: what a
    client sent can neither move the cursor, recolour, retitle nor rewrite what the developer reads, and cannot
    pass a forged escape off as one of these."""
    return "".join(c if c.isprintable() and c != "\\" else c.encode("unicode_escape").decode("ascii") for c in text)


def _log_line(line: str) -> None:
    """One write per line: print() writes the text and its newline apart, so threads would interleave them. The
    line holds what the client sent (method, path, a malformed request line): printable() only."""
    sys.stdout.write(printable(line) + "\n")
    sys.stdout.flush()


class _Server(ThreadingHTTPServer):
    """A thread per connection (the dispatch lock keeps moto to one request at a time) and a listen backlog
    deep enough for a crowd connecting at once."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that hung up is no server error
            super().handle_error(request, client_address)


def make_server(stack: LocalStack, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("Handler", (_RequestHandler,), {"stack": stack})
    return _Server((host, port), handler)
