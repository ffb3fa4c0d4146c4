"""Begin a sign-in: POST /login/email mails a one-time code; GET /login/viisp sends the browser to VIISP to sign
in; POST /login/viisp/link (from our own page, signed in by e-mail) starts the same round trip to link the
identity to the person's account."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.domain.errors import LinkNotFromOurPage
from migris.domain.validation import EmailAddress, Language, parse_input
from migris.http.app import api_url, new_app, respond
from migris.http.body import accept_language, json_body, source_ip
from migris.http.errors import answer_browsers_with_the_viisp_error_screen
from migris.http.responses import body_doc, error_docs, model_response, no_body_doc
from migris.http.session import presented_device, require_session, viisp_cookie
from migris.observability import logger, metrics
from migris.wiring import services
from pydantic import BaseModel, ConfigDict, Field

app = new_app()
VIISP_START = "/login/viisp"
# Only the GET is a browser's navigation: the link's POST is the account page's script, which reads JSON.
answer_browsers_with_the_viisp_error_screen(app, navigations={VIISP_START})


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


@app.get(
    VIISP_START,
    summary="Start a sign-in through VIISP",
    description="302 to the VIISP sign-in page with a fresh ticket, and a short-lived SameSite=None cookie that "
    "binds the ticket to this browser. It takes no parameters: with `intent` (a link, as this route once took) it "
    "is 400 validation_error, because a link starts only from our own page (POST /login/viisp/link). 502 "
    "viisp_unavailable; a browser (Accept names text/html) is sent instead with a 303 to the web app's "
    "/#/viisp-error?reason=<code>.",
    responses={
        302: no_body_doc("To the VIISP portal"),
        303: no_body_doc("A browser, refused: to the web app's error screen"),
        **error_docs(400, 429, 502),
    },
)
def start_viisp_login(
    shared_computer: Annotated[
        bool,
        Query(description="The person ticked 'this is a shared computer': the sign-in sets no device cookie"),
    ] = False,
) -> Response[str]:
    # Not a declared parameter: a GET any page can make a browser send must not start a link (LinkNotFromOurPage).
    if "intent" in (app.current_event.query_string_parameters or {}):
        raise LinkNotFromOurPage
    # A same-site navigation, so the browser's Lax device cookie comes along: the ticket keeps its hash for the
    # callback, a cross-site post that carries none.
    start = services().viisp_sign_in.begin(
        api_url("/login/viisp/callback"), device=presented_device(app), shared_computer=shared_computer
    )
    return Response(
        status_code=302,
        body="",
        headers={"Location": start.portal_url},
        cookies=[viisp_cookie(start.nonce, start.max_age)],
    )


class LinkRequest(BaseModel):
    """Nothing to say: the session says whose account it is."""

    model_config = ConfigDict(extra="forbid")


class LinkStarted(BaseModel):
    location: str = Field(description="The VIISP portal address with the fresh ticket: the page goes there")


@app.post(
    "/login/viisp/link",
    summary="Start linking VIISP to the signed-in e-mail account",
    description="From our own page only (a JSON POST, and with the session cookie our Origin): a fresh ticket bound "
    "to this browser (the SameSite=None cookie set here) and to this account and session; the page then goes to "
    "`location`, and the callback links the identity VIISP vouches for to the account. 401 unauthenticated; 403 "
    "origin_mismatch, or fresh_sign_in_required unless the session was opened in the last 10 minutes; 409 "
    "already_linked for an account with an identity, profile_incomplete before the contact data is filled in; "
    "502 viisp_unavailable.",
    openapi_extensions=body_doc(LinkRequest),
    responses={200: {"description": "The portal address"}, **error_docs(401, 403, 409, 415, 422, 429, 502)},
)
def start_viisp_link() -> Response[LinkStarted]:
    session = require_session(app)
    parse_input(LinkRequest, json_body(app))
    start = services().viisp_sign_in.begin(api_url("/login/viisp/callback"), session)
    return model_response(
        200, LinkStarted(location=start.portal_url), cookies=[viisp_cookie(start.nonce, start.max_age)]
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
