"""The person's activity (GET /activity): what happened to their account, when, how, by whom and why, newest first,
a page at a time; staff shown as `staff` with their reason, never their ARN."""

from __future__ import annotations

import json
from typing import Any

from tests.handler.test_passkeys import ADDRESS, authenticator, register, sign_in, sign_in_options
from tests.helpers import FIRST_FILL, Client, ViispBrowser, assert_error, origin_proof, table, through_cdn

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
)


def activity(client: Client, token: str, query: str = "") -> list[dict[str, Any]]:
    answer = client.as_person(token, "GET", f"/activity{query}")
    assert answer.status == 200, answer.raw
    return list(answer.json["events"])


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [event["kind"] for event in events]


def sign_in_from(client: Client, address: str, user_agent: str | None = None) -> str:
    started = client.start(address)
    assert started.status == 202, started.raw
    headers = {"User-Agent": user_agent} if user_agent else {}
    answer = client.post(
        "/login/email/verify",
        {"email": address, "login_id": started.json["login_id"], "code": client.last_code(address)},
        headers=headers,
    )
    assert answer.status == 200, answer.raw
    return str(answer.json["token"])


def test_a_sign_in_shows_how_from_which_browser_and_network_never_the_header(client):
    token = sign_in_from(client, ADDRESS, ANDROID_CHROME)
    (event,) = activity(client, token)
    assert event["kind"] == "signed_in" and event["actor"] == "self" and event["method"] == "email"
    assert event["browser"] == "Chrome Mobile on Android"
    assert event["network"] == "198.51.100.0/24"  # the client's 198.51.100.7, cut to its /24


def test_a_browser_the_parser_cannot_name_is_another_browser(client):
    token = sign_in_from(client, ADDRESS, "<script>call +370 600 00000</script>")
    (event,) = activity(client, token)
    assert event["browser"] == "another browser"
    assert "script" not in json.dumps(event) and "600" not in json.dumps(event)


def test_behind_the_cdn_the_network_is_the_clients_cut_to_48_for_ipv6(stack):
    client = through_cdn(stack, "2001:db8:1234:5678::9", origin_proof(stack))
    token = sign_in_from(client, ADDRESS)
    assert activity(client, token)[0]["network"] == "2001:db8:1234::/48"


def test_a_viisp_sign_in_through_the_cdn_records_its_network(stack):
    client = through_cdn(stack, "203.0.113.200", origin_proof(stack))
    token = ViispBrowser(client).sign_in()
    (event,) = activity(client, token)
    assert (event["kind"], event["method"], event["network"]) == ("signed_in", "viisp", "203.0.113.0/24")


def test_contact_changes_show_before_and_after(client, clock):
    token = client.signed_in(ADDRESS)
    clock.advance(1)  # events within one millisecond have no order between them
    assert client.as_person(token, "PUT", "/profile", FIRST_FILL).status == 200
    clock.advance(1)
    assert client.as_person(token, "PATCH", "/profile", {"phone_number": "+37061234599"}).status == 200
    clock.advance(1)
    assert client.as_person(token, "PATCH", "/profile", {"email": "ona.new@example.lt"}).status == 200
    clock.advance(1)
    code = client.last_code("ona.new@example.lt")
    assert client.as_person(token, "POST", "/profile/email/verify", {"code": code}).status == 200
    events = activity(client, token)
    assert kinds(events) == [
        "contact_changed",
        "email_change_requested",
        "contact_changed",
        "profile_completed",
        "signed_in",
    ]
    assert events[0]["changes"] == {"email": {"before": ADDRESS, "after": "ona.new@example.lt"}}
    assert events[1]["changes"] == {"email": {"before": None, "after": "ona.new@example.lt"}}
    assert events[2]["changes"]["phone_number"]["after"] == "+37061234599"
    assert events[3]["changes"]["given_name"] == {"before": None, "after": "Ona"}


def test_a_staff_change_shows_its_reason_and_staff_never_an_arn(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    clock.advance(1)
    changed = client.as_staff("PATCH", f"/staff/users/{user_id}", {"given_name": "Rūta", "reason": "passport LT123"})
    assert changed.status == 200, changed.raw
    answer = client.as_person(token, "GET", "/activity")
    newest = answer.json["events"][0]
    assert newest == {
        **newest,
        "kind": "staff_changed",
        "actor": "staff",
        "reason": "passport LT123",
        "changes": {"given_name": {"before": "Ona", "after": "Rūta"}},
    }
    assert "arn:" not in answer.raw.decode()


def test_staff_revoke_and_unlink_show_with_their_reasons(client, browser, clock):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    clock.advance(1)
    assert browser.link(token).status == 303
    clock.advance(1)
    assert client.as_staff("POST", f"/staff/users/{user_id}/identity/unlink", {"reason": "wrong person"}).status == 200
    clock.advance(61)  # the resend cooldown
    token = client.signed_in(ADDRESS)
    clock.advance(1)
    revoked = client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "phone stolen"})
    assert revoked.status == 200
    clock.advance(61)
    token = client.signed_in(ADDRESS)
    events = activity(client, token)
    assert kinds(events)[:4] == ["signed_in", "sessions_ended", "signed_in", "identity_unlinked"]
    assert (events[1]["actor"], events[1]["reason"]) == ("staff", "phone stolen")
    assert (events[3]["actor"], events[3]["reason"]) == ("staff", "wrong person")
    # The link and its own session land in one write: one moment, in either order.
    assert sorted(kinds(events)[4:6]) == ["identity_linked", "signed_in"]
    linked = next(event for event in events if event["kind"] == "identity_linked")
    assert linked["actor"] == "self:viisp" and linked["changes"]["level"] == {"before": 1, "after": 3}
    assert next(event for event in events[4:6] if event["kind"] == "signed_in")["method"] == "viisp"


def test_sessions_ended_and_devices_forgotten_by_the_person(client, clock):
    token = sign_in_from(client, ADDRESS, ANDROID_CHROME)
    clock.advance(61)
    other = client.signed_in(ADDRESS)
    clock.advance(1)
    listed = client.as_person(token, "GET", "/sessions").json
    theirs = next(s for s in listed["sessions"] if not s["current"])
    assert client.as_person(token, "DELETE", f"/sessions/{theirs['id']}").status == 204
    clock.advance(1)
    assert_error(client.as_person(other, "GET", "/profile"), 401, "unauthenticated")
    device = listed["devices"][0]
    assert client.as_person(token, "DELETE", f"/devices/{device['id']}").status == 204
    events = activity(client, token)
    assert kinds(events)[:2] == ["device_forgotten", "session_ended"]


def test_passkeys_added_removed_and_used_to_sign_in(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    device = authenticator()
    clock.advance(1)
    assert register(client, token, device).status == 201
    clock.advance(1)
    options, nonce = sign_in_options(client)
    assert sign_in(client, device.get(options), nonce).status == 200
    clock.advance(1)
    public_id = client.as_person(token, "GET", "/passkeys").json["passkeys"][0]["id"]
    removed = client.as_person(token, "DELETE", f"/passkeys/{public_id}")
    assert removed.status == 204, removed.raw
    events = activity(client, token)
    assert kinds(events)[:3] == ["passkey_removed", "signed_in", "passkey_added"]
    assert events[1]["method"] == "passkey"


def test_a_not_me_report_shows_with_its_reference(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    assert register(client, token, authenticator()).status == 201
    from tests.handler.test_not_me import not_me_token

    reported = client.post("/activity/not-me", {"token": not_me_token(client)})
    assert reported.status == 200, reported.raw
    clock.advance(61)
    token = client.signed_in(ADDRESS)
    events = activity(client, token)
    report = next(event for event in events if event["kind"] == "not_me_reported")
    assert report["reference"] == reported.json["reference"]


def test_newest_first_a_page_at_a_time(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    for n in range(30):
        clock.advance(1)
        answer = client.as_person(token, "PATCH", "/profile", {"phone_number": f"+370612345{n:02d}"})
        assert answer.status == 200, answer.raw
    first = client.as_person(token, "GET", "/activity").json
    assert len(first["events"]) == 25 and first["next"]
    assert first["events"][0]["changes"]["phone_number"]["after"] == "+37061234529"
    second = client.as_person(token, "GET", f"/activity?next={first['next']}").json
    older = kinds(second["events"])
    # The sign-in and the first fill came in the same millisecond of the test's clock: either order is newest first.
    assert older[:5] == ["contact_changed"] * 5 and sorted(older[5:]) == ["profile_completed", "signed_in"]
    assert second["next"] is None
    times = [event["at"] for event in first["events"] + second["events"]]
    assert times == sorted(times, reverse=True)


def test_a_cursor_that_did_not_come_from_a_page_is_a_clear_error(client):
    token = client.signed_in(ADDRESS)
    for cursor in ("abc", "0" * 15 + "#zz", "'%20OR%201=1"):
        assert_error(client.as_person(token, "GET", f"/activity?next={cursor}"), 422, "validation_error")


def test_a_person_sees_only_their_own_activity(client):
    mine = client.signed_in(ADDRESS)
    theirs = client.signed_in("jonas@example.lt")
    first = client.as_person(theirs, "GET", "/activity").json
    assert len(first["events"]) == 1
    assert len(activity(client, mine)) == 1


def test_events_past_their_retention_are_not_shown_though_the_ttl_is_late(client, clock):
    """DynamoDB's TTL deletes up to two days late (and moto never): the read leaves expired events out."""
    token = client.signed_in(ADDRESS)
    clock.advance(400 * 86400 + 1)
    token = client.signed_in(ADDRESS)
    events = activity(client, token)
    assert len(events) == 1
    items = table(client.stack, "ActivityTable").scan()["Items"]
    assert len(items) == 2 and all(int(item["expires_at"]) > 0 for item in items)


def test_without_a_session_there_is_no_activity(client):
    assert_error(client.get("/activity"), 401, "unauthenticated")
