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


@pytest.mark.parametrize("operation", ["UpdateItem", "DeleteItem"])
def test_the_sign_in_start_may_touch_a_linking_session_but_never_write_a_device(operation):
    """StartLoginFunction, the most exposed function (anyone may call it), checks a linking session with a
    conditional write; its grant covered the whole sessions table, so the role could also write or delete any known
    device (an UpdateItem creates a missing item: a device of any account, carrying any address's hash). Its code
    only ever reads a device (ReadKnownDevice)."""
    assert refusals("StartLoginFunction", operation, {"TableName": SESSIONS, "Key": {"pk": A_SESSION}}) == []
    assert refusals("StartLoginFunction", operation, {"TableName": SESSIONS, "Key": {"pk": A_DEVICE}})
