"""Erasure (DELETE /profile; DESIGN.md, "Erasure"; issue 22 item 4) and the person's export (GET /profile/export;
item 3), with the audit's keys: events keyed by the keyed hash of the user id, names sealed under the account's
own key, unreadable once the erasure has deleted it."""

from __future__ import annotations

import json

import pytest
from migris.dal.erasure import TOMBSTONE_KEEPS

from tests.handler.test_passkeys import ADDRESS, sign_in, sign_in_options, with_passkey
from tests.helpers import (
    FIRST_FILL,
    accounts_item,
    assert_error,
    table,
    viisp_account,
)

ERASE = ("DELETE", "/profile")
RENAMED = {"given_name": "Onutė", "family_name": "Kazlauskienė"}
REASON = "Pasas LT1234567 patikrintas vietoje"


def erase(client, token, body=None):
    return client.as_person(token, *ERASE, {} if body is None else body)


def items_of(client, logical_id, user_id):
    return [item for item in table(client.stack, logical_id).scan()["Items"] if item.get("user_id") == user_id]


def renamed_by_staff(client, user_id):
    answer = client.as_staff("PATCH", f"/staff/users/{user_id}", {**RENAMED, "reason": REASON})
    assert answer.status == 200, answer.raw


# --- the audit's keys ---


def test_audit_events_hold_neither_the_user_id_nor_the_names_in_clear(client):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    renamed_by_staff(client, user_id)
    (stored,) = table(client.stack, "AuditTable").scan()["Items"]
    text = json.dumps(stored, default=str, ensure_ascii=False)
    for clear in (user_id, "Onutė", "Kazlauskienė", FIRST_FILL["given_name"], FIRST_FILL["family_name"]):
        assert clear not in text
    assert set(stored["changes"]["given_name"]) == {"sealed"}
    # Staff read them unsealed, with the key the first sealed event put on the account in the same write.
    assert accounts_item(client.stack, f"user#{user_id}")["audit_key"]
    (event,) = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    assert event["changes"]["given_name"] == {"before": "Ona", "after": "Onutė"}
    assert event["reason"] == REASON


def test_a_sealed_change_moved_to_another_account_does_not_open(client):
    from migris.domain.audit_seal import new_key, seal, unseal
    from migris.domain.records import FieldChange

    key = new_key()
    sealed = seal(key, "subject-a", "given_name", FieldChange(before="Ona", after="Onutė"))
    assert unseal(key, "subject-a", "given_name", sealed).after == "Onutė"
    from cryptography.exceptions import InvalidTag

    with pytest.raises(InvalidTag):
        unseal(key, "subject-b", "given_name", sealed)


def test_an_event_that_names_a_person_is_never_written_without_a_key(client):
    from migris.domain.audit_seal import AuditKeyMissing
    from migris.domain.records import AuditEvent, FieldChange
    from migris.wiring import services

    event = AuditEvent(
        user_id="u",
        at="2026-12-07T00:00:00Z",
        actor="x",
        reason="r",
        changes={"family_name": FieldChange(before="A", after="B")},
    )
    with pytest.raises(AuditKeyMissing):
        services()._audit.append_item(event, 0)


# --- erasure ---


def test_erasure_needs_a_session_and_a_fresh_one(client, clock):
    assert_error(client.request(*ERASE, json_body={}), 401, "unauthenticated")
    token = client.signed_in(ADDRESS, filled=True)
    clock.advance(601)
    assert_error(erase(client, token), 403, "fresh_sign_in_required")
    assert client.as_person(token, "GET", "/profile").status == 200
    assert accounts_item(client.stack, f"email#{ADDRESS}") is not None


def test_erasure_takes_an_empty_json_object_only(client):
    token = client.signed_in(ADDRESS, filled=True)
    assert_error(erase(client, token, {"now": True}), 422, "validation_error")
    assert_error(erase(client, token, []), 422, "validation_error")
    assert client.as_person(token, "GET", "/profile").status == 200


def test_erasure_ends_everything_frees_the_address_and_keeps_the_audit_unreadable(client, clock):
    token, device = with_passkey(client)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    assert client.as_person(token, "PATCH", "/profile", {"language": "uk"}).status == 200
    renamed_by_staff(client, user_id)
    clock.advance(61)
    token = client.signed_in(ADDRESS)  # a fresh session for the erasure
    assert items_of(client, "PasskeysTable", user_id) and items_of(client, "SessionsTable", user_id)
    assert items_of(client, "ActivityTable", user_id)

    answer = erase(client, token)
    assert answer.status == 204, answer.raw
    assert answer.set_cookie("__Host-session") is not None and answer.set_cookie("__Host-device") is not None
    assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")
    # The address and everything of the account are gone; the tombstone keeps only its id, time and epoch.
    assert accounts_item(client.stack, f"email#{ADDRESS}") is None
    tombstone = accounts_item(client.stack, f"user#{user_id}")
    assert set(tombstone) <= TOMBSTONE_KEEPS and tombstone["erasure_done"] is True
    assert items_of(client, "SessionsTable", user_id) == []
    assert items_of(client, "PasskeysTable", user_id) == []
    assert items_of(client, "ActivityTable", user_id) == []  # the activity too: it named the person's data
    options, nonce = sign_in_options(client)
    assert_error(sign_in(client, device.get(options), nonce), 401, "invalid_passkey")
    # The notice, in the account's language.
    assert client.stack.aws.mails_to(ADDRESS)[-1]["subject"] == "MIGRIS: обліковий запис видалено"

    # Staff read the audit as erased: names unreadable, the reason and the time kept; nothing else of the id.
    (event,) = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    assert event["changes"]["given_name"] == {"before": None, "after": None, "erased": True}
    assert event["reason"] == REASON
    assert client.as_staff("POST", "/staff/users/search", {"email": ADDRESS}).json["users"] == []
    assert client.as_staff("PATCH", f"/staff/users/{user_id}", {**RENAMED, "reason": "x"}).status == 404

    # The address starts anew: a new account.
    clock.advance(61)
    again = client.sign_in(ADDRESS)
    assert again["profile"]["user_id"] != user_id and again["profile_complete"] is False


def test_a_viisp_account_releases_its_identity(client):
    user_id, token = viisp_account(client.stack, email=ADDRESS)
    table(client.stack, "AccountsTable").put_item(Item={"pk": f"email#{ADDRESS}", "user_id": user_id})
    assert erase(client, token).status == 204
    assert accounts_item(client.stack, "personal_code#33309240064") is None
    assert accounts_item(client.stack, f"email#{ADDRESS}") is None


def test_a_crash_midway_is_finished_from_the_erasure_queue(client, monkeypatch):
    from migris.dal.erasure import ErasureStore
    from migris.domain import erasure

    monkeypatch.setattr(erasure, "ERASURE_RETRY_DELAY_SECONDS", 0)
    token, _ = with_passkey(client)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    original = ErasureStore.session_table_keys
    crashes = []

    def crash_once(self, user):
        if not crashes:
            crashes.append(user)
            raise RuntimeError("the function died here")
        return original(self, user)

    monkeypatch.setattr(ErasureStore, "session_table_keys", crash_once)
    with client.stack.mail.held():  # the queues wait (the local event source mappings) until the checks below
        answer = erase(client, token)
        assert answer.status >= 500
        # The first write landed: the account is erased, its session over; the rest is not done yet.
        assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")
        assert items_of(client, "PasskeysTable", user_id)
        assert accounts_item(client.stack, f"user#{user_id}").get("erasure_done") is None
    mails = len(client.stack.aws.mails_to(ADDRESS))  # reading the outbox first drains the queues

    # The erasure queue's message finished it (the local stack plays the event source mapping).
    assert crashes == [user_id]
    assert items_of(client, "PasskeysTable", user_id) == []
    assert items_of(client, "SessionsTable", user_id) == []
    assert accounts_item(client.stack, f"email#{ADDRESS}") is None
    assert accounts_item(client.stack, f"user#{user_id}")["erasure_done"] is True
    assert client.stack.aws.mails_to(ADDRESS)[-1]["subject"] == "MIGRIS: paskyra ištrinta"
    assert len(client.stack.aws.mails_to(ADDRESS)) == mails  # nothing more to do: no second notice


def test_a_message_for_an_account_that_is_not_erased_does_nothing(client):
    from migris.wiring import services

    token = client.signed_in(ADDRESS, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    assert services().erasure.finish(user_id) is False
    assert client.as_person(token, "GET", "/profile").status == 200


def test_a_pending_recovery_refuses_the_erasure_until_it_is_cancelled(client):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    assert client.as_staff("PATCH", f"/staff/users/{user_id}", {"level": 2, "reason": "passport"}).status == 200
    recovery = {"email": "ona.found@example.lt", "reason": "lost mailbox, passport seen"}
    assert client.as_staff("POST", f"/staff/users/{user_id}/email", recovery).status == 202
    assert_error(erase(client, token), 409, "recovery_pending")
    assert client.as_person(token, "GET", "/profile").status == 200
    cancel = {"reason": "the person asked to delete the account instead"}
    assert client.as_staff("POST", f"/staff/users/{user_id}/email/cancel", cancel).status == 200
    assert erase(client, token).status == 204


def test_no_session_opens_on_an_erased_account_whatever_a_sign_in_in_flight_read(client, monkeypatch):
    from migris.dal.erasure import ErasureStore
    from migris.domain.records import EpochMoved
    from migris.wiring import services

    token = client.signed_in(ADDRESS, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]

    def crash(self, user):
        raise RuntimeError("the function died here")

    monkeypatch.setattr(ErasureStore, "release_email", crash)
    assert erase(client, token).status >= 500
    # Erased, the address not released yet (its message comes a minute later): a sign-in that read the account
    # now, in its new epoch, opens nothing.
    erased = services()._account_repository.get_user(user_id)
    assert erased.erased_at is not None and accounts_item(client.stack, f"email#{ADDRESS}") is not None
    with pytest.raises(EpochMoved):
        services().sessions.open(erased, "email")


# --- the export ---


def test_the_export_needs_a_fresh_session(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    clock.advance(601)
    assert_error(client.as_person(token, "GET", "/profile/export"), 403, "fresh_sign_in_required")


def test_the_export_holds_the_account_and_what_staff_did_and_no_secret(client):
    token, _ = with_passkey(client)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    renamed_by_staff(client, user_id)
    answer = client.as_person(token, "GET", "/profile/export")
    assert answer.status == 200, answer.raw
    assert answer.header("Content-Disposition") == (
        f'attachment; filename="migris-account-{answer.json["exported_at"][:10]}.json"'
    )
    assert answer.header("Cache-Control") == "no-store"
    exported = answer.json
    assert exported["account"]["email"] == ADDRESS
    assert exported["account"]["phone_number"] == "+37061234567"
    assert exported["account"]["given_name"] == RENAMED["given_name"]
    (event,) = exported["staff_audit"]
    assert event["actor"] == "staff" and event["reason"] == REASON
    assert event["changes"]["family_name"] == {"before": FIRST_FILL["family_name"], "after": "Kazlauskienė"}
    # The activity, all of it and newest first: staff's change with its reason, never who made it.
    lines = exported["activity"]
    assert {"signed_in", "profile_completed", "passkey_added", "staff_changed"} <= {line["kind"] for line in lines}
    assert [line["at"] for line in lines] == sorted((line["at"] for line in lines), reverse=True)
    (changed,) = [line for line in lines if line["kind"] == "staff_changed"]
    assert (changed["actor"], changed["reason"]) == ("staff", REASON)
    (passkey,) = exported["passkeys"]
    assert set(passkey) == {"name", "created_at", "last_used_at", "transports"}
    assert any(entry["current"] for entry in exported["sessions"])
    assert exported["devices"]
    text = answer.raw if isinstance(answer.raw, str) else answer.raw.decode()
    for secret in [token, "arn:", "audit_key", "public_key", "credential", "token_hash", "device_hash"]:
        assert secret not in text, secret
    for item in table(client.stack, "SessionsTable").scan()["Items"]:
        assert str(item["pk"]).removeprefix("device#") not in text
    for item in table(client.stack, "PasskeysTable").scan()["Items"]:
        if str(item["pk"]).startswith("passkey#"):
            assert str(item["pk"]).removeprefix("passkey#") not in text  # the credential id
            assert item["public_key"] not in text


def test_the_export_carries_the_persons_own_personal_code(client):
    _, token = viisp_account(client.stack)
    exported = client.as_person(token, "GET", "/profile/export").json
    assert exported["account"]["personal_code"] == "33309240064"
    assert "personal_code" not in client.as_person(token, "GET", "/profile").json


def test_staff_cannot_start_a_recovery_of_an_erased_account_even_before_its_tombstone(client, monkeypatch):
    from migris.dal.erasure import ErasureStore

    token = client.signed_in(ADDRESS, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    assert client.as_staff("PATCH", f"/staff/users/{user_id}", {"level": 2, "reason": "passport"}).status == 200

    def crash(self, user, email):
        raise RuntimeError("the function died here")

    monkeypatch.setattr(ErasureStore, "release_email", crash)
    with client.stack.mail.held():
        assert erase(client, token).status >= 500  # erased, its level still on the item until the tombstone
        recovery = {"email": "ona.found@example.lt", "reason": "lost mailbox, passport seen"}
        assert_error(client.as_staff("POST", f"/staff/users/{user_id}/email", recovery), 404, "not_found")
