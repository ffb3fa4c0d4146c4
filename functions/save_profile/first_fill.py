"""PUT /profile: the first fill of contact data. Its own function because its role is the only person-facing
one that may write names (once, while the profile is incomplete; the domain enforces the once)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.domain.profiles import EmailAccountFirstFill, ViispAccountFirstFill
from migris.domain.views import Profile
from migris.http.app import new_app, respond
from migris.http.body import person_request
from migris.http.responses import body_doc, error_docs
from migris.http.session import require_session
from migris.observability import logger, metrics
from migris.wiring import services

app = new_app()


@app.put(
    "/profile",
    summary="Fill in the contact data after the first sign-in",
    description="E-mail account: given_name, family_name, phone_number. VIISP account: phone_number and "
    "optionally email (confirmed by a code as in a change). 409 profile_exists once complete; 403 "
    "names_locked for names on a VIISP account; 422.",
    openapi_extensions=body_doc(EmailAccountFirstFill, ViispAccountFirstFill),
    responses={200: {"description": "The profile, complete"}, **error_docs(401, 403, 409, 415, 422, 429)},
)
def fill_in_profile() -> Profile:
    session = require_session(app)
    request = person_request(app)
    return Profile.of(services().profiles.fill_in(session.account, request))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
