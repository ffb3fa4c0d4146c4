"""The signed-in person's profile: GET /profile and POST /logout."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from migris.accounts import profile_of
from migris.api import cleared_session_cookie, json_response, new_app, require_session, respond
from migris.observability import logger, metrics, tracer
from migris.services import services

app = new_app()


@app.get("/profile", summary="The signed-in person's profile")
def get_profile() -> Response[str]:
    session = require_session(app)
    return json_response(200, profile_of(services().accounts.get(session.user_id)))


@app.post("/logout", summary="End this session")
def logout() -> Response[str]:
    session = require_session(app)
    services().sessions.revoke(session)
    return Response(status_code=204, body="", cookies=[cleared_session_cookie()])


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(app, event, context)
