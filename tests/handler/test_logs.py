"""The logs of a whole flow are structured JSON, carry the request id, and hold no secret or clear address."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from migris.observability import logger

ADDRESS = "Ieva.Secret@Example.LT"
NORMALISED = "ieva.secret@example.lt"


@pytest.fixture
def log_lines():
    """Every line the service logger writes, formatted as in Lambda (JSON)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger._logger.addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    logger._logger.removeHandler(handler)


def test_logs_of_a_whole_flow_hold_no_code_token_pepper_or_address(client, stack, log_lines):
    client.start(ADDRESS)
    code = client.last_code(NORMALISED)
    assert client.start(NORMALISED).status == 429  # rate-limited: logged too
    assert client.post("/login/email/verify", {"email": NORMALISED, "login_id": "x", "code": code}).status == 401
    stack.clock.advance(61)
    token = client.sign_in(NORMALISED)["token"]
    client.get("/profile", headers={"Authorization": f"Bearer {token}"})
    client.post("/logout", headers={"Authorization": f"Bearer {token}"})

    lines = log_lines()
    records = [json.loads(line) for line in lines]
    events = [r.get("event") for r in records]
    for expected in (
        "code_requested",
        "code_sent",
        "code_rate_limited",
        "verify_failed",
        "verify_ok",
        "account_created",
        "session_opened",
        "logout",
    ):
        assert expected in events, f"no {expected} event in the logs"
    assert all(r.get("correlation_id") for r in records if r.get("event")), "every event carries the request id"

    text = "\n".join(lines)
    codes = {m for mail in stack.aws.mails_to(NORMALISED) for m in re.findall(r"\b\d{8}\b", mail["text"])}
    pepper = stack.aws.services().pepper().decode()
    for secret in (*codes, token, pepper, NORMALISED, ADDRESS, "ieva.secret"):
        assert secret not in text
