"""VIISP sign-in, both ends, the one function that talks to VIISP (with ViispFixedAddress, the only one in its
VPC): GET /login/viisp sends the browser to VIISP to sign in; POST /login/viisp/link (from our own page, signed
in by e-mail) starts the same round trip to link the identity to the person's account; POST
/login/viisp/callback takes the ticket VIISP's page posts, fetches and verifies the identity, and opens a
session, or for a link gives the identity to the account that asked."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.domain.errors import LinkNotFromOurPage
from migris.domain.validation import parse_input
from migris.domain.viisp_login import MAX_STATE_LENGTH, MAX_TICKET_LENGTH
from migris.http.app import api_url, new_app, respond
from migris.http.body import accept_language, json_body, source_ip
from migris.http.errors import answer_browsers_with_the_viisp_error_screen
from migris.http.responses import body_doc, error_docs, model_response, no_body_doc
from migris.http.session import (
    SESSION_COOKIE,
    VIISP_COOKIE,
    cleared_viisp_cookie,
    cookie,
    device_cookies,
    presented_device,
    require_our_origin,
    require_session,
    session_cookie,
    viisp_cookie,
)
from migris.observability import logger, metrics
from migris.wiring import services
from pydantic import BaseModel, ConfigDict, Field

app = new_app()
VIISP_START = "/login/viisp"
CALLBACK = "/login/viisp/callback"
# The start's GET and the callback's post are a browser's navigations; the link's POST is the account page's
# script, which reads JSON.
answer_browsers_with_the_viisp_error_screen(app, navigations={VIISP_START, CALLBACK})
FORM = "application/x-www-form-urlencoded"
LINKED_SCREEN = "/#/account?linked=1"  # the web app's account page, saying the link is made


class CallbackForm(BaseModel):
    """What VIISP's page posts, for the OpenAPI document (the route reads the form itself: any refusal of it is
    400 invalid_ticket, as for a ticket that is not ours)."""

    model_config = ConfigDict(defer_build=True, extra="forbid")  # for the OpenAPI document only

    ticket: str = Field(min_length=1, max_length=MAX_TICKET_LENGTH, description="VIISP's ticket")
    customData: str = Field(
        min_length=1, max_length=MAX_STATE_LENGTH, description="The state we gave VIISP with the ticket"
    )


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
        api_url(CALLBACK), device=presented_device(app), shared_computer=shared_computer
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
    start = services().viisp_sign_in.begin(api_url(CALLBACK), session)
    return model_response(
        200, LinkStarted(location=start.portal_url), cookies=[viisp_cookie(start.nonce, start.max_age)]
    )


def _form_field(form: dict[str, list[str]], name: str) -> str | None:
    values = form.get(name) or []
    return values[0] if len(values) == 1 else None


@app.post(
    CALLBACK,
    summary="VIISP's page posts the ticket back here",
    description="Form fields ticket and customData. 303 to the web app with the session cookie (a link: to its "
    "account page, the identity now the account's); 400 invalid_ticket (unknown, used, expired, not ours, another "
    "browser's or another session's, not signed by VIISP, an identity or a name that breaks its rules, or an eIDAS "
    "identity issued by Lithuania, whose message says to sign in with a Lithuanian means); 409 identity_in_use (a "
    "link whose identity has its own account: nothing is merged) or already_linked; 502 viisp_unavailable; 403 "
    "origin_mismatch when posted from a page that is neither VIISP's nor ours (or with more than one Origin). A "
    "browser (Accept names text/html) is sent instead with a 303 to the web app's /#/viisp-error?reason=<code> "
    "(&detail=lithuanian_eid for a Lithuanian eID).",
    openapi_extensions=body_doc(CallbackForm, media_type=FORM),
    responses={
        303: no_body_doc("Signed in: to the web app (or, for a refused browser, to its error screen)"),
        **error_docs(400, 403, 409, 422, 429, 502),
    },
)
def finish_viisp_login() -> Response[str]:
    domain = services()
    viisp = domain.viisp_sign_in
    # VIISP's page posts this form, so its Origin is VIISP's portal's (or ours); any other page gets no
    # session, and is refused before the ticket is looked at, so a forged post cannot use it up.
    require_our_origin(app, also=[viisp.portal_origin])
    event = app.current_event
    content_type = (event.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    try:
        form = parse_qs(event.decoded_body or "", max_num_fields=10) if content_type == FORM else {}
    except ValueError:  # more fields than any VIISP post has
        form = {}
    finished = viisp.finish(
        _form_field(form, "ticket"),
        _form_field(form, "customData"),
        cookie(app, VIISP_COOKIE),
        cookie(app, SESSION_COOKIE),
        accept_language(app),
        user_agent=event.headers.get("User-Agent"),
        source_ip=source_ip(app),
    )
    return Response(
        status_code=303,
        body="",
        headers={"Location": f"{domain.settings.web_origin}{LINKED_SCREEN if finished.linked else '/'}"},
        cookies=[session_cookie(finished.session.token), cleared_viisp_cookie(), *device_cookies(finished.device)],
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
