"""Recovery of a lost mailbox over HTTP (docs/recovery.md): `python -m devserver` with RecoveryHoldSeconds=1, whose
schedules run the recovery function every second in the background, and the staff CLI signing with the local key.
A level 2 account recovered at the desk and confirmed at the new address moves there after the hold and its old
sessions end; the old address's cancel link stops another; a level 1 account is refused."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from tests.e2e.test_local_stack import STAFF_KEY, Http, mails_to, run_staff, sign_in
from tests.helpers import devserver_running

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-recovery")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    overrides = ["--parameter-overrides", "RecoveryHoldSeconds=1 ResendCooldownSeconds=0"]
    with devserver_running(tmp_path_factory.mktemp("devserver"), overrides, STAFF_KEY) as (port, log_path):
        http = Http(f"http://localhost:{port}")
        http.log_path = log_path
        yield http


def staff(server: Http, *args: str) -> tuple[int, Any]:
    """`python -m staff` with the local staff key: its exit status and the JSON it printed (stdout or stderr)."""
    done = run_staff(server, *args)
    if done.returncode == 0:
        return 0, json.loads(done.stdout)
    return done.returncode, json.loads(done.stderr.split("\n", 1)[1])


def account(server: Http, address: str, level: int) -> tuple[str, str]:
    token = sign_in(server, address)["token"]
    status, _, body = server.call("GET", "/profile", headers={"Authorization": f"Bearer {token}"})
    assert status == 200, body
    user_id = json.loads(body)["user_id"]
    if level == 2:
        code, _ = staff(server, "change", user_id, "--level", "2", "--reason", "Passport checked in person")
        assert code == 0
    return token, user_id


def link(server: Http, address: str, screen: str) -> str:
    texts = [mail["text"] for mail in mails_to(server, address)]
    found = [m for text in texts for m in re.findall(rf"{re.escape(server.base)}/#/{screen}\?t=([\w-]+)", text)]
    assert found, texts
    return found[-1]


def profile_status(server: Http, token: str) -> int:
    status, _, _ = server.call("GET", "/profile", headers={"Authorization": f"Bearer {token}"})
    return int(status)


def test_a_recovery_confirmed_at_the_new_address_moves_it_and_ends_the_old_sessions(server: Http) -> None:
    old, new = "e2e.lost@example.lt", "e2e.found@example.lt"
    token, user_id = account(server, old, level=2)
    code, answer = staff(server, "recover-email", user_id, "--email", new, "--reason", "Lost mailbox; passport")
    assert (code, answer) == (0, {"state": "started"})
    assert link(server, old, "cancel-recovery")  # the old address is told at once
    # Unconfirmed, nothing moves, however long it waits.
    time.sleep(2.5)
    assert profile_status(server, token) == 200
    status, _, body = server.call("POST", "/recovery/confirm", {"token": link(server, new, "confirm-recovery")})
    assert status == 200, body
    deadline = time.monotonic() + 15
    while profile_status(server, token) == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert profile_status(server, token) == 401  # the old session ended with the completion
    assert sign_in(server, new)["profile"]["user_id"] == user_id
    assert sign_in(server, old)["profile"]["user_id"] != user_id  # the old address is free: a new account
    _, found = staff(server, "find", "--email", new)
    assert found["users"][0]["user_id"] == user_id


def test_the_old_address_cancel_link_stops_a_recovery(server: Http) -> None:
    old, new = "e2e.kept@example.lt", "e2e.intruder@example.lt"
    token, user_id = account(server, old, level=2)
    code, _ = staff(server, "recover-email", user_id, "--email", new, "--reason", "Says the mailbox is lost")
    assert code == 0
    status, _, body = server.call("POST", "/recovery/cancel", {"token": link(server, old, "cancel-recovery")})
    assert (status, json.loads(body)) == (200, {"state": "cancelled"})
    status, _, body = server.call("POST", "/recovery/confirm", {"token": link(server, new, "confirm-recovery")})
    assert status == 400 and json.loads(body)["error"]["code"] == "invalid_token"
    time.sleep(2.5)
    assert profile_status(server, token) == 200
    status, _, body = server.call("GET", "/profile", headers={"Authorization": f"Bearer {token}"})
    assert json.loads(body)["email"] == old
    _, trail = staff(server, "audit", user_id)
    assert [e["actor"] for e in trail["events"] if e["changes"].get("recovery", {}).get("after") == "cancelled"] == [
        "self:cancel-link"
    ]
    # Staff may start again, and cancel it themselves.
    assert staff(server, "recover-email", user_id, "--email", new, "--reason", "Again")[0] == 0
    assert staff(server, "cancel-recovery", user_id, "--reason", "The person found the mailbox") == (
        0,
        {"state": "cancelled"},
    )


def test_a_level_1_account_is_refused(server: Http) -> None:
    _, user_id = account(server, "e2e.unidentified@example.lt", level=1)
    code, answer = staff(server, "recover-email", user_id, "--email", "e2e.other@example.lt", "--reason", "x")
    assert code == 1
    assert answer["error"]["code"] == "not_identified"
    status, _, body = server.call("GET", "/_local/outbox")
    assert status == 200
    assert not [mail for mail in json.loads(body) if mail["to"] == "e2e.other@example.lt"]
