"""Begin a sign-in: POST /login/email mails a one-time code; GET /login/viisp sends the browser to VIISP, to sign
in or (intent=link, signed in by e-mail) to link the identity to the person's account."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.domain.validation import EmailAddress, Language
from migris.http.app import api_url, new_app, respond
from migris.http.body import accept_language, source_ip
from migris.http.errors import answer_browsers_with_the_viisp_error_screen
from migris.http.responses import error_docs, model_response, no_body_doc
from migris.http.session import require_session, viisp_cookie
from migris.observability import logger, metrics
from migris.wiring import services
from pydantic import BaseModel, ConfigDict

app = new_app()
answer_browsers_with_the_viisp_error_screen(app)


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
    started = services().codes.send_sign_in_code(body.email, language, source_ip(app))
    return model_response(202, EmailLoginStarted(**vars(started)))


@app.get(
    "/login/viisp",
    summary="Start a sign-in through VIISP",
    description="302 to the VIISP sign-in page with a fresh ticket, and a short-lived SameSite=None cookie that "
    "binds the ticket to this browser. With intent=link (signed in by e-mail, session cookie or Bearer token) "
    "the ticket is bound to the account as well, and the callback links the identity to it: 401 unauthenticated "
    "without a session, 403 fresh_sign_in_required unless the session was opened just before (the message says "
    "how long), 409 already_linked for an account with an identity, 409 profile_incomplete before the contact "
    "data is filled in. 502 viisp_unavailable; a browser (Accept names text/html) is sent instead with a 303 to "
    "the web app's /#/viisp-error?reason=<code>.",
    responses={
        302: no_body_doc("To the VIISP portal"),
        303: no_body_doc("A browser, refused: to the web app's error screen"),
        **error_docs(401, 403, 409, 422, 502),
    },
)
def start_viisp_login(
    intent: Annotated[Literal["link"] | None, Query(description="link: link VIISP to the signed-in account")] = None,
) -> Response[str]:
    linking = require_session(app) if intent == "link" else None
    start = services().viisp_sign_in.begin(api_url("/login/viisp/callback"), linking)
    return Response(
        status_code=302,
        body="",
        headers={"Location": start.portal_url},
        cookies=[viisp_cookie(start.nonce, start.max_age)],
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
