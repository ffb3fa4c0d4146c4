"""Issue 13, the person's own sessions: GET /sessions lists the live ones (this one marked), DELETE
/sessions/{id} ends one at once. An id is neither the token nor its hash, and only the person's own count."""

from __future__ import annotations

import hashlib

from tests.helpers import Client, ViispBrowser, assert_error

ADDRESS = "ona@example.lt"


def sessions_of(client: Client, token: str) -> list[dict]:
    answer = client.as_person(token, "GET", "/sessions")
    assert answer.status == 200, answer.raw
    return answer.json["sessions"]


def test_a_person_sees_their_live_sessions_with_this_one_first(client, clock):
    first = client.signed_in(ADDRESS)
    clock.advance(61)
    second = client.signed_in(ADDRESS)
    listed = sessions_of(client, second)
    assert [entry["current"] for entry in listed] == [True, False]
    assert {entry["method"] for entry in listed} == {"email"}
    assert set(listed[0]) == {"id", "created_at", "last_seen_at", "current", "method", "browser"}
    for token in (first, second):
        shown = {entry["id"] for entry in listed}
        assert token not in shown and hashlib.sha256(token.encode()).hexdigest() not in shown


def test_ending_another_session_signs_it_out_at_once_and_leaves_this_one(client, clock):
    other = client.signed_in(ADDRESS)
    clock.advance(61)
    mine = client.signed_in(ADDRESS)
    (other_entry,) = [entry for entry in sessions_of(client, mine) if not entry["current"]]
    assert client.as_person(mine, "DELETE", f"/sessions/{other_entry['id']}").status == 204
    assert_error(client.as_person(other, "GET", "/profile"), 401, "unauthenticated")
    assert [entry["current"] for entry in sessions_of(client, mine)] == [True]


def test_ending_this_session_is_a_logout(client):
    token = client.signed_in(ADDRESS)
    (entry,) = sessions_of(client, token)
    answer = client.as_person(token, "DELETE", f"/sessions/{entry['id']}")
    assert answer.status == 204
    assert "Max-Age=0" in (answer.header("Set-Cookie") or "")
    assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")


def test_another_persons_session_or_an_unknown_id_is_not_found_and_ends_nothing(client, stack):
    victim = client.signed_in(ADDRESS)
    (victim_entry,) = sessions_of(client, victim)
    stranger = client.signed_in("kitas@example.lt")
    assert_error(client.as_person(stranger, "DELETE", f"/sessions/{victim_entry['id']}"), 404, "not_found")
    assert_error(client.as_person(stranger, "DELETE", "/sessions/no-such-session"), 404, "not_found")
    assert client.as_person(victim, "GET", "/profile").status == 200


def test_a_viisp_session_says_so(client, stack):
    token = ViispBrowser(Client(stack)).sign_in()
    (entry,) = sessions_of(client, token)
    assert entry["method"] == "viisp" and entry["current"] is True


def test_sessions_need_a_session(client):
    assert_error(client.get("/sessions"), 401, "unauthenticated")
    assert_error(client.request("DELETE", "/sessions/x"), 401, "unauthenticated")


def test_an_email_sign_in_that_a_staff_revoke_overtakes_gets_a_session_that_works(client, clock, monkeypatch):
    """Staff end every session after the sign-in read the account and before its write: the session is not
    written in the ended epoch (where it would be dead on arrival); the sign-in reads again and opens it in the
    epoch that now stands, while the revoke ended the session that was open."""
    from migris.dal.accounts import AccountRepository

    earlier = client.signed_in(ADDRESS, filled=True)
    user_id = client.as_person(earlier, "GET", "/profile").json["user_id"]
    clock.advance(61)
    login_id = client.start(ADDRESS).json["login_id"]
    code = client.last_code(ADDRESS)
    write = AccountRepository.transact
    revoked = []

    def revoke_first(self, items):
        if not revoked:  # the first write attempt only
            revoked.append(client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "Stolen"}))
        return write(self, items)

    monkeypatch.setattr(AccountRepository, "transact", revoke_first)
    answer = client.post("/login/email/verify", {"email": ADDRESS, "login_id": login_id, "code": code})
    monkeypatch.undo()

    assert [revoke.json for revoke in revoked] == [{"ended": 1}]
    assert answer.status == 200, answer.raw
    assert client.as_person(answer.json["token"], "GET", "/profile").json["user_id"] == user_id
    assert client.as_person(earlier, "GET", "/profile").status == 401
