"""The staff routes: IAM at the local API Gateway (SigV4 with the local staff key, the resource policy from
template.yaml), then search, name and level changes with a reason, and the audit."""

from __future__ import annotations

import hashlib
import json
import time

import pytest

from devserver.iam import LocalPrincipal
from tests.helpers import (
    FIRST_FILL,
    accounts_item,
    assert_error,
    clerk_of,
    handler_client_hooks,
    table,
    viisp_account,
)

ADDRESS = "ona@example.lt"
MISSING_USER = "00000000-0000-4000-8000-000000000000"


def person(client, address=ADDRESS, filled=True):
    token = client.signed_in(address, filled=filled)
    return token, client.as_person(token, "GET", "/profile").json["user_id"]


def refusal(answer, error_type):
    assert answer.status == 403, answer.raw
    assert answer.header("x-amzn-ErrorType") == error_type
    return json.loads(answer.raw)


# --- IAM at the gateway ---


def test_an_unsigned_staff_call_is_403_missing_authentication_token(client):
    body = refusal(client.post("/staff/users/search", {"email": ADDRESS}), "MissingAuthenticationTokenException")
    assert body == {"message": "Missing Authentication Token"}


def test_a_persons_session_token_does_not_open_staff_routes(client):
    token, user_id = person(client)
    answer = client.as_person(token, "GET", f"/staff/users/{user_id}/audit")
    refusal(answer, "IncompleteSignatureException")
    answer = client.request(
        "PATCH",
        f"/staff/users/{user_id}",
        json_body={"given_name": "Kita", "reason": "x"},
        headers={"Cookie": f"__Host-session={token}"},
    )
    refusal(answer, "MissingAuthenticationTokenException")
    assert client.as_person(token, "GET", "/profile").json["given_name"] == "Ona"


def test_a_wrong_secret_is_a_signature_mismatch(client):
    impostor = LocalPrincipal(client.stack.staff.access_key_id, "not-the-secret", "", "", "")
    body = refusal(
        client.as_staff("POST", "/staff/users/search", {"email": ADDRESS}, principal=impostor),
        "InvalidSignatureException",
    )
    assert "does not match" in body["message"]


def test_an_unknown_key_is_refused(client):
    stranger = LocalPrincipal("AKIAUNKNOWN000000000", "secret", "", "", "")
    refusal(
        client.as_staff("POST", "/staff/users/search", {"email": ADDRESS}, principal=stranger),
        "UnrecognizedClientException",
    )


def test_a_signature_for_another_region_is_refused(client):
    answer = client.as_staff("POST", "/staff/users/search", {"email": ADDRESS}, region="us-east-1")
    refusal(answer, "InvalidSignatureException")


@pytest.mark.parametrize(("skew", "words"), [(600, "expired"), (-600, "not yet current")])
def test_an_old_or_future_signature_is_refused(client, skew, words):
    client.stack.iam.now = lambda: time.time() + skew
    body = refusal(client.as_staff("POST", "/staff/users/search", {"email": ADDRESS}), "InvalidSignatureException")
    assert words in body["message"]


def test_a_body_changed_after_signing_is_refused(client):
    _, user_id = person(client)
    stack = client.stack
    from botocore.credentials import ReadOnlyCredentials

    from staff.client import signed_headers

    signed_body = json.dumps({"given_name": "Jurgita", "reason": "passport"}).encode()
    credentials = ReadOnlyCredentials(stack.staff.access_key_id, stack.staff.secret_access_key, None)
    headers = signed_headers(
        "PATCH", f"http://127.0.0.1:3000/staff/users/{user_id}", signed_body, credentials, stack.region
    )
    headers["Host"] = "127.0.0.1:3000"
    tampered = signed_body.replace(b"Jurgita", b"Jurgis!")
    refusal(
        client.request("PATCH", f"/staff/users/{user_id}", body=tampered, headers=headers), "InvalidSignatureException"
    )


def signed_with_content_sha256(stack, method, path, body, content_sha256):
    """Headers signed by botocore with an X-Amz-Content-SHA256 of the caller's choosing among the signed ones
    (botocore then signs that value instead of hashing the body)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import ReadOnlyCredentials

    request = AWSRequest(
        method=method,
        url=f"http://127.0.0.1:3000{path}",
        data=body,
        headers={"Content-Type": "application/json", "X-Amz-Content-SHA256": content_sha256},
    )
    credentials = ReadOnlyCredentials(stack.staff.access_key_id, stack.staff.secret_access_key, None)
    SigV4Auth(credentials, "execute-api", stack.region).add_auth(request)
    assert "x-amz-content-sha256" in request.headers["Authorization"]  # it is among the signed headers
    return {**dict(request.headers.items()), "Host": "127.0.0.1:3000"}


@pytest.mark.parametrize("claimed", ["UNSIGNED-PAYLOAD", "hash of the signed body"])
def test_a_body_swapped_under_a_signed_content_sha256_is_refused(client, claimed):
    """A signed X-Amz-Content-SHA256 is not the body: UNSIGNED-PAYLOAD is refused for a request with a body, and
    a claimed hash must be the body's own."""
    _, user_id = person(client)
    path = f"/staff/users/{user_id}"
    signed_body = json.dumps({"given_name": "Jurgita", "reason": "passport"}).encode()
    content_sha256 = hashlib.sha256(signed_body).hexdigest() if claimed.startswith("hash") else claimed
    headers = signed_with_content_sha256(client.stack, "PATCH", path, signed_body, content_sha256)
    swapped = json.dumps({"given_name": "Jurgis", "level": 3, "reason": "swapped"}).encode()
    body = refusal(client.request("PATCH", path, body=swapped, headers=headers), "InvalidSignatureException")
    assert set(body) == {"message"}
    if claimed == "UNSIGNED-PAYLOAD":  # not even the body that was meant may ride on it
        refusal(client.request("PATCH", path, body=signed_body, headers=headers), "InvalidSignatureException")
    assert accounts_item(client.stack, f"user#{user_id}")["given_name"] == "Ona"
    assert client.as_staff("GET", f"{path}/audit").json["events"] == []


def test_a_content_sha256_that_is_the_bodys_own_is_accepted_and_a_bodyless_get_may_be_unsigned_payload(client):
    _, user_id = person(client)
    path = f"/staff/users/{user_id}"
    change = json.dumps({"given_name": "Jurgita", "reason": "passport"}).encode()
    headers = signed_with_content_sha256(client.stack, "PATCH", path, change, hashlib.sha256(change).hexdigest())
    answer = client.request("PATCH", path, body=change, headers=headers)
    assert answer.status == 200, answer.raw
    headers = signed_with_content_sha256(client.stack, "GET", f"{path}/audit", b"", "UNSIGNED-PAYLOAD")
    answer = client.request("GET", f"{path}/audit", headers=headers)
    assert answer.status == 200, answer.raw
    assert [event["reason"] for event in answer.json["events"]] == ["passport"]


def test_a_correctly_signed_principal_other_than_the_staff_role_is_denied_by_the_resource_policy(client):
    clerk = clerk_of(client)
    body = refusal(
        client.as_staff("POST", "/staff/users/search", {"email": ADDRESS}, principal=clerk), "AccessDeniedException"
    )
    assert "explicit deny" in body["Message"]


# --- search ---


def test_staff_find_a_person_by_email(client):
    _, user_id = person(client)
    answer = client.as_staff("POST", "/staff/users/search", {"email": " ONA@example.lt"})
    assert answer.status == 200, answer.raw
    (found,) = answer.json["users"]
    assert found["user_id"] == user_id
    assert found["given_name"] == "Ona"
    assert answer.header("Cache-Control") == "no-store"


def test_staff_find_a_viisp_person_by_personal_code_and_see_it(client):
    user_id, _ = viisp_account(client.stack)
    answer = client.as_staff("POST", "/staff/users/search", {"personal_code": "33309240064"})
    assert answer.status == 200, answer.raw
    assert answer.json["users"][0]["user_id"] == user_id
    assert answer.json["users"][0]["personal_code"] == "33309240064"


def test_a_search_that_finds_nobody_is_an_empty_list(client):
    answer = client.as_staff("POST", "/staff/users/search", {"email": "niekas@example.lt"})
    assert (answer.status, answer.json) == (200, {"users": []})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"email": ADDRESS, "personal_code": "33309240064"}, "body"),
        ({"personal_code": "33309240164"}, "personal_code"),
        ({"personal_code": "3330924006"}, "personal_code"),
        ({"email": "nope"}, "email"),
        ({"name": "Ona"}, "name"),
    ],
)
def test_a_bad_search_is_422(client, body, field):
    error = assert_error(client.as_staff("POST", "/staff/users/search", body), 422, "validation_error")
    assert field in error["fields"]


# --- changes and the audit ---


def test_staff_rename_with_a_reason_the_person_sees_it_and_the_audit_says_who_what_why(client, clock):
    token, user_id = person(client)
    clock.advance(10)
    change = {"given_name": "  Ona   Marija ", "level": 2, "reason": "Passport LT1234567 checked at the desk"}
    answer = client.as_staff("PATCH", f"/staff/users/{user_id}", change)
    assert answer.status == 200, answer.raw
    assert (answer.json["given_name"], answer.json["family_name"], answer.json["level"]) == (
        "Ona Marija",
        "Petraitienė",
        2,
    )
    mine = client.as_person(token, "GET", "/profile").json
    assert (mine["given_name"], mine["level"]) == ("Ona Marija", 2)

    audit = client.as_staff("GET", f"/staff/users/{user_id}/audit")
    assert audit.status == 200, audit.raw
    (event,) = audit.json["events"]
    assert event["actor"] == client.stack.staff.user_arn
    assert event["actor"].startswith("arn:aws:sts::123456789012:assumed-role/migris-local-StaffRole/")
    assert event["reason"] == "Passport LT1234567 checked at the desk"
    assert event["changes"] == {
        "given_name": {"before": "Ona", "after": "Ona Marija"},
        "level": {"before": 1, "after": 2},
    }
    assert event["at"] == "2027-01-15T08:00:10Z"


def test_the_audit_lists_changes_oldest_first_and_skips_no_ops(client, clock):
    _, user_id = person(client)
    for name, reason in [("Jurgita", "first"), ("Jurgita", "same again"), ("Rūta", "second")]:
        clock.advance(5)
        assert client.as_staff("PATCH", f"/staff/users/{user_id}", {"given_name": name, "reason": reason}).status == 200
    events = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    assert [e["reason"] for e in events] == ["first", "second"]
    assert events[1]["changes"] == {"given_name": {"before": "Jurgita", "after": "Rūta"}}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"given_name": "Rūta"}, "reason"),
        ({"given_name": "Rūta", "reason": "   "}, "reason"),
        ({"reason": "nothing"}, "body"),
        ({"level": 3, "reason": "x"}, "level"),  # level 3 comes only with an identity confirmed through VIISP
        ({"level": 4, "reason": "x"}, "level"),
        ({"level": 0, "reason": "x"}, "level"),
        ({"level": "2", "reason": "x"}, "level"),
        ({"given_name": "R2D2", "reason": "x"}, "given_name"),
        ({"given_name": "Rūta", "reason": "x" * 501}, "reason"),
        ({"email": "kitas@example.lt", "reason": "x"}, "email"),
        ({"phone_number": "+37061111111", "reason": "x"}, "phone_number"),
    ],
)
def test_a_bad_staff_change_is_422_and_changes_nothing(client, body, field):
    _, user_id = person(client)
    error = assert_error(client.as_staff("PATCH", f"/staff/users/{user_id}", body), 422, "validation_error")
    assert field in error["fields"]
    assert client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"] == []


def test_staff_set_level_2_and_back_to_1_on_an_email_account(client):
    token, user_id = person(client)
    for level in (2, 1):
        answer = client.as_staff("PATCH", f"/staff/users/{user_id}", {"level": level, "reason": "desk"})
        assert (answer.status, answer.json["level"]) == (200, level), answer.raw
        assert client.as_person(token, "GET", "/profile").json["level"] == level


@pytest.mark.parametrize("account", ["viisp", "linked"])
@pytest.mark.parametrize("level", [1, 2, 3])
def test_the_level_of_an_account_with_an_identity_is_not_staffs_to_set(client, browser, account, level):
    """Level and identity never disagree: an account with an identity stays level 3 (staff unlink it first)."""
    if account == "viisp":
        user_id, token = viisp_account(client.stack)
    else:
        token, user_id = person(client)
        assert browser.link(token).status == 303
    before = accounts_item(client.stack, f"user#{user_id}")
    audit_before = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    answer = client.as_staff("PATCH", f"/staff/users/{user_id}", {"level": level, "reason": "desk"})
    assert "level" in assert_error(answer, 422, "validation_error")["fields"]
    assert before["level"] == 3
    assert accounts_item(client.stack, f"user#{user_id}") == before
    assert client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"] == audit_before


@pytest.mark.parametrize("user_id", [MISSING_USER, "not-a-uuid", "x" * 3000])
def test_an_unknown_user_is_404(client, user_id):
    assert_error(client.as_staff("PATCH", f"/staff/users/{user_id}", {"level": 2, "reason": "x"}), 404, "not_found")
    assert_error(client.as_staff("GET", f"/staff/users/{user_id}/audit"), 404, "not_found")


def test_names_the_person_has_not_given_yet_are_profile_incomplete(client):
    _, user_id = person(client, filled=False)
    answer = client.as_staff("PATCH", f"/staff/users/{user_id}", {"given_name": "Ona", "reason": "x"})
    assert_error(answer, 409, "profile_incomplete")
    assert client.as_staff("PATCH", f"/staff/users/{user_id}", {"level": 2, "reason": "identified"}).status == 200


def test_staff_may_correct_the_names_of_a_viisp_account(client):
    user_id, token = viisp_account(client.stack)
    answer = client.as_staff("PATCH", f"/staff/users/{user_id}", {"family_name": "JONAITIS-PETRAITIS", "reason": "x"})
    assert answer.status == 200, answer.raw
    assert answer.json["personal_code"] == "33309240064"
    assert client.as_person(token, "GET", "/profile").json["family_name"] == "JONAITIS-PETRAITIS"


@pytest.mark.breaks_a_call("the audit write goes to a table that does not exist")
def test_a_staff_change_and_its_audit_event_land_together(client, audit_writes_fail):
    """If the audit write fails, the name does not change either (one transaction)."""
    _, user_id = person(client)
    answer = client.as_staff("PATCH", f"/staff/users/{user_id}", {"given_name": "Rūta", "reason": "x"})
    assert answer.status == 500
    assert accounts_item(client.stack, f"user#{user_id}")["given_name"] == "Ona"


def test_an_account_change_that_cannot_land_leaves_no_audit_event(client):
    """The other side of one transaction: if the account's write fails (here the person changes their phone each
    time just before staff's write lands, until staff's retries run out), no audit event is written either."""
    token, user_id = person(client)
    phones = iter(f"+3706111111{n}" for n in range(10))
    landed = []

    busy = []  # the person's own change writes in a transaction too (its line in the activity): not raced

    def the_person_changes_their_phone_first(**_):
        if busy:
            return
        busy.append(True)
        try:
            phone = next(phones)
            answer = client.as_person(token, "PATCH", "/profile", {"phone_number": phone})
        finally:
            busy.clear()
        assert answer.status == 200, answer.raw
        landed.append(phone)

    events = handler_client_hooks("dynamodb")
    events.register("before-call.dynamodb.TransactWriteItems", the_person_changes_their_phone_first)
    try:
        answer = client.as_staff("PATCH", f"/staff/users/{user_id}", {"given_name": "Rūta", "reason": "passport"})
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", the_person_changes_their_phone_first)
    assert landed, "staff's change must be one transaction"
    assert_error(answer, 409, "edit_conflict")
    mine = client.as_person(token, "GET", "/profile").json
    assert (mine["given_name"], mine["phone_number"]) == ("Ona", landed[-1])
    assert client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"] == []
    assert table(client.stack, "AuditTable").scan()["Items"] == []


def test_names_given_at_first_fill_are_the_audits_before(client):
    _, user_id = person(client)
    client.as_staff("PATCH", f"/staff/users/{user_id}", {"family_name": "Petraitė", "reason": "marriage record"})
    (event,) = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    assert event["changes"]["family_name"] == {"before": FIRST_FILL["family_name"], "after": "Petraitė"}


# --- ending a person's sessions ---


def revoke(client, user_id, body):
    return client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", body)


def two_sessions(client, clock, address=ADDRESS):
    first, user_id = person(client, address)
    clock.advance(61)  # the resend cooldown
    second = client.signed_in(address)
    return user_id, (first, second)


def test_staff_end_every_session_of_a_person_and_the_audit_says_who_how_many_why(client, clock):
    user_id, tokens = two_sessions(client, clock)
    clock.advance(10)
    answer = revoke(client, user_id, {"reason": "  Phone   reported\nstolen at the desk "})
    assert (answer.status, answer.json) == (200, {"ended": 2}), answer.raw
    assert answer.header("Cache-Control") == "no-store"
    for token in tokens:
        assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")

    (event,) = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    assert event["actor"] == client.stack.staff.user_arn
    assert event["reason"] == "Phone reported stolen at the desk"
    assert event["changes"] == {"sessions": {"before": 2, "after": 0}}
    assert event["at"] == "2027-01-15T08:01:11Z"

    # The person signs in again as usual, into a session of the new epoch, and sees only it.
    clock.advance(61)
    fresh = client.signed_in(ADDRESS)
    mine = client.as_person(fresh, "GET", "/profile")
    assert (mine.status, mine.json["user_id"], mine.json["given_name"]) == (200, user_id, "Ona")
    listed = client.as_person(fresh, "GET", "/sessions").json["sessions"]
    assert [entry["current"] for entry in listed] == [True]


def test_only_live_sessions_count_and_none_live_is_still_recorded(client, clock):
    """Counted as the person's own list counts them: a session that idled out is not one that staff ended."""
    idle, user_id = person(client)
    clock.advance(1801)  # the idle expiry
    live = client.signed_in(ADDRESS)
    assert revoke(client, user_id, {"reason": "first"}).json == {"ended": 1}
    assert_error(client.as_person(live, "GET", "/profile"), 401, "unauthenticated")
    assert_error(client.as_person(idle, "GET", "/profile"), 401, "unauthenticated")

    clock.advance(1)  # events of one millisecond have no order among them
    answer = revoke(client, user_id, {"reason": "again, nothing left"})
    assert (answer.status, answer.json) == (200, {"ended": 0}), answer.raw
    events = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    assert [(e["reason"], e["changes"]) for e in events] == [
        ("first", {"sessions": {"before": 1, "after": 0}}),
        ("again, nothing left", {"sessions": {"before": 0, "after": 0}}),
    ]


def test_a_revoke_ends_only_that_persons_sessions_and_changes_nothing_else_they_see(client, clock):
    user_id, (token, _) = two_sessions(client, clock)
    other = client.signed_in("kitas@example.lt")
    before = accounts_item(client.stack, f"user#{user_id}")
    assert revoke(client, user_id, {"reason": "x"}).json == {"ended": 2}
    assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")
    assert client.as_person(other, "GET", "/profile").status == 200
    after = accounts_item(client.stack, f"user#{user_id}")
    assert after["session_epoch"] == before.get("session_epoch", 0) + 1
    assert after["version"] == before["version"] + 1
    assert {k: v for k, v in after.items() if k not in {"session_epoch", "version"}} == {
        k: v for k, v in before.items() if k not in {"session_epoch", "version"}
    }


def test_a_viisp_persons_sessions_end_too(client):
    user_id, token = viisp_account(client.stack)
    assert revoke(client, user_id, {"reason": "x"}).json == {"ended": 1}
    assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")


@pytest.mark.parametrize("user_id", [MISSING_USER, "not-a-uuid", "x" * 3000])
def test_revoking_the_sessions_of_an_unknown_user_is_404(client, user_id):
    assert_error(revoke(client, user_id, {"reason": "x"}), 404, "not_found")
    assert table(client.stack, "AuditTable").scan()["Items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": " \t\n "}, "reason"),
        ({"reason": "x" * 501}, "reason"),
        ({"reason": 5}, "reason"),
        ({"reason": "x", "user_id": MISSING_USER}, "user_id"),
        ({"reason": "x", "sessions": "all"}, "sessions"),
    ],
)
def test_a_bad_revoke_is_422_and_ends_nothing(client, clock, body, field):
    token, user_id = person(client)
    error = assert_error(revoke(client, user_id, body), 422, "validation_error")
    assert field in error["fields"]
    assert client.as_person(token, "GET", "/profile").status == 200
    assert client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"] == []


def test_a_revoke_with_no_body_is_422(client):
    token, user_id = person(client)
    answer = client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke")
    assert answer.status == 422, answer.raw
    assert client.as_person(token, "GET", "/profile").status == 200


def test_a_reason_of_500_characters_is_taken(client):
    _, user_id = person(client)
    assert revoke(client, user_id, {"reason": "x" * 500}).json == {"ended": 1}


def test_only_staff_may_end_a_persons_sessions(client):
    token, user_id = person(client)
    path = f"/staff/users/{user_id}/sessions/revoke"
    body = {"reason": "x"}
    refusal(client.post(path, body), "MissingAuthenticationTokenException")
    refusal(client.as_person(token, "POST", path, body), "IncompleteSignatureException")
    clerk = clerk_of(client)
    refusal(client.as_staff("POST", path, body, principal=clerk), "AccessDeniedException")
    assert client.as_person(token, "GET", "/profile").status == 200
    assert table(client.stack, "AuditTable").scan()["Items"] == []


@pytest.mark.breaks_a_call("the audit write goes to a table that does not exist")
def test_a_revoke_and_its_audit_event_land_together(client, audit_writes_fail):
    """If the audit write fails, no session ends either (one transaction)."""
    token, user_id = person(client)
    assert revoke(client, user_id, {"reason": "x"}).status == 500
    assert client.as_person(token, "GET", "/profile").status == 200


def test_a_revoke_raced_by_the_persons_own_change_is_tried_again_and_lands(client, clock):
    """The epoch's write is conditional on the account's version: when the person changes their phone between
    staff's read and write, the revoke reads again, counts again and lands, and the phone change stays."""
    user_id, (token, other) = two_sessions(client, clock)
    raced = []

    def the_person_changes_their_phone_first(**_):
        if not raced:
            raced.append(0)  # the person's own change writes in a transaction too: not raced again
            raced[0] = client.as_person(token, "PATCH", "/profile", {"phone_number": "+37061111119"}).status

    events = handler_client_hooks("dynamodb")
    events.register("before-call.dynamodb.TransactWriteItems", the_person_changes_their_phone_first)
    try:
        answer = revoke(client, user_id, {"reason": "x"})
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", the_person_changes_their_phone_first)
    assert raced == [200]
    assert (answer.status, answer.json) == (200, {"ended": 2}), answer.raw
    for ended in (token, other):
        assert_error(client.as_person(ended, "GET", "/profile"), 401, "unauthenticated")
    assert accounts_item(client.stack, f"user#{user_id}")["phone_number"] == "+37061111119"
    (event,) = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    assert event["changes"] == {"sessions": {"before": 2, "after": 0}}
