"""Begin an e-mail sign-in: POST /login/email mails a one-time code. Never in the VIISP VPC (issue 24): the VIISP
routes, start and callback, are functions/viisp_callback/, so e-mail sign-in does not depend on that VPC's one NAT
gateway."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.domain.validation import EmailAddress, Language
from migris.http.app import new_app, respond
from migris.http.body import accept_language, source_ip
from migris.http.responses import error_docs, model_response
from migris.http.session import presented_device
from migris.observability import logger, metrics
from migris.wiring import services
from pydantic import BaseModel, ConfigDict

app = new_app()


class EmailLoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: EmailAddress
    language: Language | None = None


class EmailLoginStarted(BaseModel):
    email: str
    login_id: str
    expires_in: int
    resend_after: int


@app.post(
    "/login/email",
    summary="Mail a one-time sign-in code",
    description="The same 202 for a new and a known address; `email` is the address as kept, its domain in ASCII "
    "(IDNA). 422 on email for a part before @ outside ASCII, or a domain that cannot receive mail (checked before "
    "any limit is counted). 429 rate_limited with Retry-After.",
    responses={202: {"description": "Code sent"}, **error_docs(415, 422, 429)},
)
def start_email_login(body: EmailLoginRequest) -> Response[EmailLoginStarted]:
    language = body.language or accept_language(app)
    device = presented_device(app)
    known = None if device is None else device.record
    started = services().codes.send_sign_in_code(body.email, language, source_ip(app), known)
    return model_response(202, EmailLoginStarted(**vars(started)))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
