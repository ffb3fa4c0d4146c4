"""A hostile tester's look at the grants of known devices (issue 20 §1): each function reaches the `device#` items
only as its code needs."""

from __future__ import annotations

import pytest

from tests.iam_calls import CHECKER, authorised_requests

SESSIONS = "migris-local-SessionsTable"
A_SESSION = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  # a session's key: a bare SHA-256
A_DEVICE = "device#9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def refusals(function, operation, params):
    roles = CHECKER.roles
    return roles.refusals(function, authorised_requests(roles, "dynamodb", operation, params))


@pytest.mark.parametrize("operation", ["UpdateItem", "DeleteItem", "PutItem"])
def test_the_sign_in_start_reads_a_device_but_never_writes_a_session_or_a_device(operation):
    """StartLoginFunction, the most exposed function (anyone may call it), only reads the known device a cookie
    names (ReadKnownDevice): any write of the sessions table would let it create or delete a device of any
    account (an UpdateItem creates a missing item). A link's session check is the VIISP function's."""
    assert refusals("StartLoginFunction", "GetItem", {"TableName": SESSIONS, "Key": {"pk": A_DEVICE}}) == []
    assert refusals("StartLoginFunction", "GetItem", {"TableName": SESSIONS, "Key": {"pk": A_SESSION}})
    for key in (A_SESSION, A_DEVICE):
        assert refusals("StartLoginFunction", operation, {"TableName": SESSIONS, "Key": {"pk": key}})


def test_the_link_start_restarts_a_sessions_idle_clock_but_creates_no_device_with_that_grant():
    """The link's start (ViispCallbackFunction) restarts a live session's idle clock with a conditional
    UpdateItem; that grant (CheckLinkingSession) excludes device# keys, which only KnownDevices reaches."""
    statements = CHECKER.roles.statements["ViispCallbackFunction"]
    (check,) = [s for s in statements if s.get("Sid") == "CheckLinkingSession"]
    assert check["Condition"] == {"ForAllValues:StringNotLike": {"dynamodb:LeadingKeys": ["device#*"]}}
    assert refusals("ViispCallbackFunction", "UpdateItem", {"TableName": SESSIONS, "Key": {"pk": A_SESSION}}) == []
