"""Passkeys: the signed-in person's (POST /passkeys/registration/options, POST /passkeys, GET /passkeys,
PATCH and DELETE /passkeys/{id}) and the sign-in with one (POST /login/passkey/options, POST /login/passkey),
which needs no address typed. The rules are migris.domain.passkeys."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.clock import iso_utc
from migris.domain.records import PasskeyRecord
from migris.domain.validation import PasskeyName, parse_input
from migris.domain.views import SignedIn
from migris.http.app import new_app, respond
from migris.http.body import json_body, source_ip
from migris.http.responses import JSON, body_doc, error_docs, model_response, no_body_doc
from migris.http.session import (
    PASSKEY_COOKIE,
    cleared_passkey_cookie,
    cookie,
    device_cookies,
    passkey_cookie,
    presented_device,
    require_our_origin,
    require_session,
    session_cookie,
)
from migris.observability import logger, metrics
from migris.wiring import services
from pydantic import BaseModel, ConfigDict, Field, StrictBool

app = new_app()


class Nothing(BaseModel):
    """The options take nothing: the session (or, to sign in, the browser) says whose they are."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class NewPasskey(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    credential: dict[str, Any] = Field(description="The RegistrationResponseJSON navigator.credentials.create gave")
    name: PasskeyName | None = None


class PasskeyRename(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: PasskeyName


class PasskeySignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    credential: dict[str, Any] = Field(description="The AuthenticationResponseJSON navigator.credentials.get gave")
    shared_computer: StrictBool = Field(
        default=False, description="The person ticked 'this is a shared computer': no device cookie is set"
    )


class PasskeyItem(BaseModel):
    model_config = ConfigDict(defer_build=True)

    id: str = Field(description="The passkey's own id: not its credential id")
    name: str
    created_at: str
    last_used_at: str | None

    @classmethod
    def of(cls, passkey: PasskeyRecord) -> PasskeyItem:
        return cls(
            id=passkey.public_id,
            name=passkey.name,
            created_at=iso_utc(passkey.created_at),
            last_used_at=None if passkey.last_used_at is None else iso_utc(passkey.last_used_at),
        )


class PasskeyList(BaseModel):
    model_config = ConfigDict(defer_build=True)

    passkeys: list[PasskeyItem]


FRESH = "A session opened in the last 10 minutes only (403 fresh_sign_in_required otherwise)."


@app.post(
    "/passkeys/registration/options",
    summary="Options to create a passkey",
    description="The creation options as JSON (base64url) for navigator.credentials.create: resident key and user "
    f"verification required, no attestation, the account's passkeys excluded. {FRESH}",
    openapi_extensions=body_doc(Nothing),
    responses={200: {"description": "PublicKeyCredentialCreationOptionsJSON"}, **error_docs(401, 403, 415, 422)},
)
def registration_options() -> dict[str, Any]:
    session = require_session(app)
    parse_input(Nothing, json_body(app))
    return services().passkeys.registration_options(session)


@app.post(
    "/passkeys",
    summary="Create a passkey",
    description=f"The authenticator's answer to the options. {FRESH} The address is told. 400 invalid_passkey; 409 "
    "too_many_passkeys; 422 for a name that is not 1 to 64 visible characters.",
    openapi_extensions=body_doc(NewPasskey),
    responses={201: {"description": "The passkey"}, **error_docs(400, 401, 403, 409, 415, 422)},
)
def add_passkey() -> Response[PasskeyItem]:
    session = require_session(app)
    asked = parse_input(NewPasskey, json_body(app))
    passkey = services().passkeys.register(session, asked.credential, asked.name)
    return model_response(201, PasskeyItem.of(passkey))


@app.get(
    "/passkeys",
    summary="The person's passkeys",
    responses={200: {"description": "The passkeys, the oldest first"}, **error_docs(401)},
)
def list_passkeys() -> PasskeyList:
    session = require_session(app)
    return PasskeyList(passkeys=[PasskeyItem.of(p) for p in services().passkeys.list_of(session.account)])


@app.patch(
    "/passkeys/<passkey_id>",
    summary="Rename a passkey",
    openapi_extensions=body_doc(PasskeyRename),
    responses={200: {"description": "The passkey"}, **error_docs(401, 403, 404, 415, 422)},
)
def rename_passkey(passkey_id: str) -> PasskeyItem:
    session = require_session(app)
    asked = parse_input(PasskeyRename, json_body(app))
    return PasskeyItem.of(services().passkeys.rename(session.account, passkey_id, asked.name))


@app.delete(
    "/passkeys/<passkey_id>",
    summary="Remove a passkey",
    description=f"It signs in no more. {FRESH} The address is told.",
    responses={204: no_body_doc("Removed"), **error_docs(401, 403, 404)},
)
def remove_passkey(passkey_id: str) -> Response[str]:
    session = require_session(app)
    services().passkeys.remove(session, passkey_id)
    return Response(status_code=204, body="")


@app.post(
    "/login/passkey/options",
    summary="Options to sign in with a passkey",
    description="Request options with no allowCredentials (discoverable passkeys: nothing tells whether an address "
    "has any) and user verification required; the challenge bound to this browser by a short cookie.",
    openapi_extensions=body_doc(Nothing),
    responses={200: {"description": "PublicKeyCredentialRequestOptionsJSON"}, **error_docs(403, 415, 422, 429)},
)
def sign_in_options() -> Response[dict[str, Any]]:
    require_our_origin(app)
    parse_input(Nothing, json_body(app))
    options = services().passkeys.sign_in_options()
    cookies = [passkey_cookie(options.nonce, options.max_age)]
    return Response(status_code=200, content_type=JSON, body=options.options, cookies=cookies)


@app.post(
    "/login/passkey",
    summary="Sign in with a passkey",
    description="200 as POST /login/email/verify, with the session and device cookies; the session's method is "
    "passkey. 401 invalid_passkey is the one answer for every refusal (unknown passkey, bad signature, used or "
    "foreign challenge, no user verification, another site's passkey, a userHandle not the passkey's account, a "
    "counter that did not rise). 403 origin_mismatch from a page that is not ours.",
    openapi_extensions=body_doc(PasskeySignIn),
    responses={200: {"description": "Signed in"}, **error_docs(401, 403, 415, 422, 429)},
)
def sign_in_with_passkey() -> Response[SignedIn]:
    require_our_origin(app)  # login CSRF: a foreign page gets no session
    asked = parse_input(PasskeySignIn, json_body(app))
    signed = services().passkeys.sign_in(
        asked.credential,
        cookie(app, PASSKEY_COOKIE),
        device=presented_device(app),
        shared=asked.shared_computer,
        user_agent=app.current_event.headers.get("User-Agent"),
        source_ip=source_ip(app),
    )
    answer = SignedIn.of(signed.account, signed.session.token, signed.session.expires_in)
    cookies = [session_cookie(signed.session.token), cleared_passkey_cookie(), *device_cookies(signed.device)]
    return model_response(200, answer, cookies=cookies)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
