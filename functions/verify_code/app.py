"""Finish an e-mail sign-in: POST /login/email/verify checks the code and opens a session."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.domain.validation import EmailAddress
from migris.domain.views import SignedIn
from migris.http.app import new_app, respond
from migris.http.body import source_ip
from migris.http.responses import error_docs, model_response
from migris.http.session import device_cookies, presented_device, require_our_origin, session_cookie
from migris.observability import logger, metrics
from migris.wiring import services
from pydantic import BaseModel, ConfigDict, Field, StrictBool

app = new_app()


class VerifyCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: EmailAddress
    login_id: Annotated[str, Field(min_length=1, max_length=128)]
    code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9]+$")]
    shared_computer: StrictBool = Field(
        default=False, description="The person ticked 'this is a shared computer': no device cookie is set"
    )


@app.post(
    "/login/email/verify",
    summary="Check the code and open a session",
    description="401 invalid_code for a wrong, expired, used, replaced or foreign code; 429 too_many_attempts; "
    "403 origin_mismatch from a page that is not ours (before the code is looked at); 409 recovery_pending for an "
    "address a recovery at the desk reserved (it signs in once the recovery completes; the code stays unused).",
    responses={200: {"description": "Signed in"}, **error_docs(401, 403, 409, 415, 422, 429)},
)
def verify_email_code(body: VerifyCodeRequest) -> Response[SignedIn]:
    require_our_origin(app)  # login CSRF: a foreign page gets no session, and spends no try of the code
    account, session, device = services().email_sign_in.sign_in(
        body.email,
        body.login_id,
        body.code,
        source_ip(app),
        device=presented_device(app),
        shared=body.shared_computer,
        user_agent=app.current_event.headers.get("User-Agent"),
    )
    answer = SignedIn.of(account, session.token, session.expires_in)
    return model_response(200, answer, cookies=[session_cookie(session.token), *device_cookies(device)])


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
