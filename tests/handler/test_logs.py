"""The logs of a whole flow are structured JSON, carry the request id, and hold no secret or clear address."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from migris.observability import logger

from tests.helpers import EIDAS_PERSON, cookie_value

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
    stack.aws.ses_throttle_every = 2  # the mail function's refusals, retries and final failures logged too
    with stack.mail.held():
        client.start("veluoja@example.lt")
        stack.clock.advance(3600)
    assert stack.aws.outbox == []  # a dead letter: its code was in the queue, never in a log
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
        "code_queued",
        "code_sent",
        "mail_send_failed",
        "mail_failed",
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
    dead = stack.aws.client("sqs").receive_message(QueueUrl=stack.template.queue_url("DeadMailQueue"))["Messages"]
    codes = {m for mail in stack.aws.mails_to(NORMALISED) for m in re.findall(r"\b\d{8}\b", mail["text"])}
    codes |= {m for message in dead for m in re.findall(r"\b\d{8}\b", json.loads(message["Body"])["text"])}
    assert len(codes) >= 2
    pepper = stack.aws.services().pepper().decode()
    for secret in (*codes, token, pepper, NORMALISED, ADDRESS, "ieva.secret", "example.lt", "veluoja"):
        assert secret not in text


def test_logs_of_profile_and_staff_work_hold_no_personal_data(client, stack, log_lines):
    token = client.signed_in(NORMALISED)
    contact = {"given_name": "Ievutė", "family_name": "Slaptaitė", "phone_number": "+370 612 98765"}
    assert client.as_person(token, "PUT", "/profile", contact).status == 200
    assert client.as_person(token, "PATCH", "/profile", {"given_name": "Kita"}).status == 403
    assert client.as_person(token, "PATCH", "/profile", {"email": "ieva.nauja@example.lt"}).status == 200
    change_code = client.last_code("ieva.nauja@example.lt")
    assert client.as_person(token, "POST", "/profile/email/verify", {"code": change_code}).status == 200
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    search = client.as_staff("POST", "/staff/users/search", {"personal_code": "33309240064"})
    assert search.status == 200
    change = {"family_name": "Atviraitė", "reason": "Santuokos liudijimas Nr. 123"}
    assert client.as_staff("PATCH", f"/staff/users/{user_id}", change).status == 200
    revoke = {"reason": "Santuokos liudijimas: telefonas pavogtas"}
    assert client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", revoke).json == {"ended": 1}

    records = [json.loads(line) for line in log_lines()]
    events = [r.get("event") for r in records]
    for expected in (
        "profile_completed",
        "names_locked",
        "email_change_requested",
        "email_changed",
        "staff_search",
        "staff_changed_user",
        "staff_revoked_sessions",
    ):
        assert expected in events, f"no {expected} event in the logs"
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    for personal in (
        "Ievutė",
        "Slaptaitė",
        "Atviraitė",
        "61298765",
        "ieva.nauja",
        "ieva.secret",
        "33309240064",
        "Santuokos",
        change_code,
        token,
    ):
        assert personal not in text


def test_logs_of_links_and_eidas_sign_ins_hold_no_identity_or_token(client, browser, log_lines):
    token = client.signed_in(NORMALISED, filled=True)
    linked = browser.link(token)
    assert linked.status == 303, linked.raw
    new_token = cookie_value(linked, "__Host-session")[0]
    eidas_token = browser.sign_in(EIDAS_PERSON)
    assert client.as_staff("POST", "/staff/users/search", {"eidas_id": EIDAS_PERSON["eidas_eid"]}).status == 200

    records = [json.loads(line) for line in log_lines()]
    events = [r.get("event") for r in records]
    for expected in ("viisp_linked", "identity_linked", "viisp_signed_in", "staff_search"):
        assert expected in events, f"no {expected} event in the logs"
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    for secret in ("33309240064", EIDAS_PERSON["eidas_eid"], "7d3f9a2c41b84e0f", token, new_token, eidas_token):
        assert secret not in text
