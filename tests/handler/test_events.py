"""The sample events in events/ (for `sam local invoke`) run through their handlers under moto."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devserver.apigw import LambdaContext, load_handler

EVENTS = Path(__file__).resolve().parents[2] / "events"

EXPECTED = {
    "start_login": (202, None),
    # The samples carry placeholders: without a code sent or a session opened they are refused, as they should be.
    "verify_code": (401, "invalid_code"),
    "get_profile": (401, "unauthenticated"),
    "logout": (401, "unauthenticated"),
    "list_sessions": (401, "unauthenticated"),
    "end_session": (401, "unauthenticated"),
    "forget_device": (401, "unauthenticated"),
    "passkey_registration_options": (401, "unauthenticated"),
    "add_passkey": (401, "unauthenticated"),
    "list_passkeys": (401, "unauthenticated"),
    "rename_passkey": (401, "unauthenticated"),
    "remove_passkey": (401, "unauthenticated"),
    "list_activity": (401, "unauthenticated"),
    "export_account": (401, "unauthenticated"),
    "erase_account": (401, "unauthenticated"),
    # Options to sign in with a passkey: a fresh challenge; an assertion from no authenticator is refused.
    "passkey_sign_in_options": (200, None),
    "passkey_sign_in": (401, "invalid_passkey"),
    "report_not_me": (400, "invalid_token"),  # a token no mail carried
    "confirm_recovery": (400, "invalid_token"),
    "cancel_recovery": (400, "invalid_token"),
    "fill_in_profile": (401, "unauthenticated"),
    "change_profile": (401, "unauthenticated"),
    "confirm_email": (401, "unauthenticated"),
    # Staff samples carry the identity API Gateway puts after checking the signature; the user id is a placeholder.
    "staff_search": (200, None),
    "staff_change_user": (404, "not_found"),
    "staff_revoke_sessions": (404, "not_found"),
    "staff_unlink_identity": (404, "not_found"),
    "staff_recover_email": (404, "not_found"),
    "staff_cancel_recovery": (404, "not_found"),
    "staff_audit": (404, "not_found"),
    # Against the local VIISP stand-in: a fresh ticket; a callback with a ticket we never issued.
    "start_viisp_login": (302, None),
    "start_viisp_link": (401, "unauthenticated"),  # a link starts for a session opened just before
    "viisp_callback": (400, "invalid_ticket"),
}


def test_every_route_has_a_sample_event(stack):
    routes = {(r.method, r.path) for r in stack.routes}
    sampled = set()
    for path in EVENTS.glob("*.json"):
        event = json.loads(path.read_text())
        if "Records" not in event:  # the mail function's sample is an SQS event
            sampled.add((event["httpMethod"], event["resource"]))
    assert routes <= sampled


def test_the_mail_functions_sample_sends_its_notice_once(stack):
    """`sam local invoke SendMailFunction -e events/send_mail.json`: a queued notice, as SQS hands it over."""
    event = json.loads((EVENTS / "send_mail.json").read_text())
    route = stack.mail._routes["SendMailFunction"]
    for _ in range(2):  # SQS may deliver it twice: mailed once
        result = stack.as_function("SendMailFunction", lambda: load_handler(route)(event, LambdaContext("SendMail")))
        assert result == {"batchItemFailures": []}
    (mail,) = stack.aws.mails_to("ona@example.lt")
    assert mail["subject"] == "MIGRIS: a request to change your e-mail address"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_event_runs_through_its_handler(stack, name):
    event = json.loads((EVENTS / f"{name}.json").read_text())
    route = next(r for r in stack.routes if (r.method, r.path) == (event["httpMethod"], event["resource"]))
    if name == "viisp_callback":
        # VIISP's test portal posts the sample (its Origin), as `sam local invoke` with the template's defaults
        # has it; the local stack's own portal is the stand-in's page.
        stack.aws.change_viisp_settings(portal_url=stack.template.parameters["ViispPortalUrl"])
    result = load_handler(route)(event, LambdaContext(function_name=route.function))
    status, code = EXPECTED[name]
    assert result["statusCode"] == status, result["body"]
    assert result["multiValueHeaders"]["Cache-Control"] == ["no-store"]
    if status == 302:
        location = result["multiValueHeaders"]["Location"][0]
        assert "/_local/viisp/portal?ticket=" in location
        return
    body = json.loads(result["body"])
    if code:
        assert body["error"]["code"] == code
    elif name == "staff_search":
        assert body == {"users": []}
    elif name == "passkey_sign_in_options":
        # Options that name no passkey, for the RP ID the web origin names, and the cookie binding the challenge.
        assert body["allowCredentials"] == [] and body["userVerification"] == "required"
        assert any(c.startswith("__Host-passkey=") for c in result["multiValueHeaders"]["Set-Cookie"])
    else:
        assert body["email"] == "ona@example.lt"
        assert stack.aws.mails_to("ona@example.lt")
