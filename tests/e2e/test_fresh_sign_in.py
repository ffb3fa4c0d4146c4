"""A fresh sign-in over HTTP (issue 22: "erasure needs a fresh session"): `python -m devserver` with
FreshSignInSeconds=2, so a session two seconds old is no longer fresh. The export and the erasure refuse it with
403 fresh_sign_in_required and change nothing; a new sign-in may do both."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.e2e.test_local_stack import STAFF_KEY, Http, sign_in
from tests.helpers import devserver_running

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-fresh")]

FRESH_SECONDS = 2


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    overrides = ["--parameter-overrides", f"FreshSignInSeconds={FRESH_SECONDS} ResendCooldownSeconds=0"]
    with devserver_running(tmp_path_factory.mktemp("devserver"), overrides, STAFF_KEY) as (port, log_path):
        http = Http(f"http://localhost:{port}")
        http.log_path = log_path
        yield http


def test_an_older_session_may_neither_export_nor_erase_and_a_new_sign_in_may(server):
    address = "walk.fresh@example.lt"
    old = {"Authorization": f"Bearer {sign_in(server, address)['token']}"}
    time.sleep(FRESH_SECONDS + 1)

    for method, path in (("GET", "/profile/export"), ("DELETE", "/profile")):
        status, _, body = server.call(method, path, {} if method == "DELETE" else None, headers=old)
        assert status == 403, body
        assert json.loads(body)["error"]["code"] == "fresh_sign_in_required"
    status, _, body = server.call("GET", "/profile", headers=old)
    assert status == 200, body  # still signed in, the account untouched
    user_id = json.loads(body)["user_id"]

    fresh = {"Authorization": f"Bearer {sign_in(server, address)['token']}"}
    status, _, body = server.call("GET", "/profile/export", headers=fresh)
    assert status == 200, body
    assert json.loads(body)["account"]["user_id"] == user_id
    status, _, body = server.call("DELETE", "/profile", {}, headers=fresh)
    assert status == 204, body
    for headers in (old, fresh):
        assert server.call("GET", "/profile", headers=headers)[0] == 401
