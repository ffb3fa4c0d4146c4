"""Recovery of a lost mailbox (DESIGN.md, "Your account", Recovery; issue 22 item 5): staff start it for a level 2
account, the new address confirms it, the hold runs, the scheduled function completes it; the old address may
cancel it until then; exactly one of completion and cancel lands."""

from __future__ import annotations

import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from migris.clock import iso_utc

from tests.handler.test_not_me import not_me_token
from tests.handler.test_passkeys import ADDRESS, sign_in, sign_in_options, with_passkey
from tests.helpers import (
    ORIGIN,
    accounts_item,
    assert_error,
    device_items,
    everything_stored,
    viisp_account,
)

OLD = "ona@example.lt"
NEW = "ona.nauja@example.lt"
HOLD = 600  # RecoveryHoldSeconds here: within a session's idle time, so the sessions a completion ends are live
REASON = "lost mailbox; identity card checked at the desk"
MISSING_USER = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def stack(make_stack):
    return make_stack(RecoveryHoldSeconds=str(HOLD))


def last_event(client, user_id, name="recovery"):
    """The audit event of the account that changed `name` last (events at one instant come in any order)."""
    events = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    return [event for event in events if name in event["changes"]]


def activity(client, token):
    """The person's activity as GET /activity answers it, newest first."""
    answer = client.as_person(token, "GET", "/activity")
    assert answer.status == 200, answer.raw
    return answer.json["events"]


def identified(client, address=OLD):
    """A filled e-mail account that staff set to level 2 (an identity document checked in person)."""
    token = client.signed_in(address, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    answer = client.as_staff("PATCH", f"/staff/users/{user_id}", {"level": 2, "reason": "passport checked in person"})
    assert answer.status == 200, answer.raw
    return token, user_id


def recover(client, user_id, email=NEW, reason=REASON):
    return client.as_staff("POST", f"/staff/users/{user_id}/email", {"email": email, "reason": reason})


def link_token(client, address, screen):
    """The token of the newest /#/<screen>?t= link mailed to the address."""
    links = [
        link
        for mail in client.stack.aws.mails_to(address)
        for link in re.findall(rf"https?://\S+/#/{screen}\?t=[\w-]+", mail["text"])
    ]
    assert links, f"no {screen} link mailed to {address}"
    assert links[-1].startswith(f"{ORIGIN}/#/{screen}?t=")  # from configuration, never from a request
    return parse_qs(urlsplit(links[-1]).fragment.partition("?")[2])["t"][0]


def started(client, user_id):
    answer = recover(client, user_id)
    assert answer.status == 202, answer.raw
    return link_token(client, NEW, "confirm-recovery"), link_token(client, OLD, "cancel-recovery")


def complete(client):
    return client.stack.run_schedules()["CompleteRecoveriesFunction"]["completed"]


# --- the whole way ---


def test_a_confirmed_recovery_completes_after_the_hold_and_ends_everything(client, clock):
    token, user_id = identified(client)
    confirm, _ = started(client, user_id)
    # The new address signs in nowhere yet: its uniqueness item names the recovery, not the account.
    reserved = accounts_item(client.stack, f"email#{NEW}")
    assert reserved is not None and "user_id" not in reserved
    asked = client.start(NEW)
    assert asked.status == 202
    verify = {"email": NEW, "login_id": asked.json["login_id"], "code": client.last_code(NEW)}
    assert_error(client.post("/login/email/verify", verify), 409, "recovery_pending")
    # Before the confirmation no hold runs: nothing completes however long it waits (within the link's week).
    clock.advance(HOLD + 60)
    token = client.signed_in(OLD)  # the old address still signs in to the account meanwhile
    assert complete(client) == 0
    # The answer says when the hold ends, for the page to tell the person.
    held_at = clock.now()
    assert client.post("/recovery/confirm", {"token": confirm}).json == {
        "state": "held",
        "hold_ends_at": iso_utc(held_at + HOLD),
    }
    clock.advance(HOLD - 1)
    assert complete(client) == 0
    assert client.as_person(token, "GET", "/profile").status == 200
    clock.advance(1)
    assert complete(client) == 1
    assert accounts_item(client.stack, f"email#{OLD}") is None
    assert accounts_item(client.stack, f"email#{NEW}")["user_id"] == user_id
    assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")
    assert device_items(client.stack) == []
    stored = accounts_item(client.stack, f"user#{user_id}")
    assert stored["email"] == NEW and "recovery" not in stored and "recovery_queue" not in stored
    assert client.stack.aws.mails_to(NEW)[-1]["subject"] == "MIGRIS: el. pašto adresas pakeistas"
    # The new address signs in to the account; the old one opens a new, empty account.
    clock.advance(61)
    again = client.signed_in(NEW)
    profile = client.as_person(again, "GET", "/profile").json
    assert (profile["user_id"], profile["email"], profile["level"]) == (user_id, NEW, 2)
    old_again = client.signed_in(OLD)
    assert client.as_person(old_again, "GET", "/profile").json["user_id"] != user_id
    assert complete(client) == 0  # nothing left to do
    # The person reads each step in their activity: who did it, and staff's reason.
    steps = [(e["kind"], e["actor"], e.get("reason")) for e in activity(client, again) if "recovery" in e["kind"]]
    assert steps == [
        ("recovery_completed", "system", None),
        ("recovery_confirmed", "self", None),
        ("recovery_started", "staff", REASON),
    ]
    (event,) = last_event(client, user_id)
    assert event["changes"]["recovery"] == {"before": None, "after": "started"}
    assert event["changes"]["email"] == {"before": OLD, "after": NEW}  # staff see both addresses
    assert event["reason"] == REASON


def test_completion_removes_every_passkey_and_voids_not_me_links_mailed_to_the_old_address(client, clock):
    token, device = with_passkey(client)  # on the passkey tests' ADDRESS
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    assert client.as_staff("PATCH", f"/staff/users/{user_id}", {"level": 2, "reason": "passport"}).status == 200
    mailed_not_me = not_me_token(client)
    answer = recover(client, user_id)
    assert answer.status == 202, answer.raw
    assert client.post("/recovery/confirm", {"token": link_token(client, NEW, "confirm-recovery")}).status == 200
    clock.advance(HOLD)
    assert complete(client) == 1
    options, nonce = sign_in_options(client)
    assert_error(sign_in(client, device.get(options), nonce), 401, "invalid_passkey")
    assert_error(client.post("/activity/not-me", {"token": mailed_not_me}), 400, "invalid_token")
    assert accounts_item(client.stack, f"email#{ADDRESS}") is None


def test_a_code_of_the_old_address_asked_before_completion_signs_in_elsewhere_after_it(client, clock):
    _, user_id = identified(client)
    confirm, _ = started(client, user_id)
    client.post("/recovery/confirm", {"token": confirm})
    clock.advance(61)
    login_id = client.start(OLD).json["login_id"]
    code = client.last_code(OLD)
    clock.advance(HOLD)
    assert complete(client) == 1
    answer = client.post("/login/email/verify", {"email": OLD, "login_id": login_id, "code": code})
    assert answer.status == 200
    assert answer.json["profile"]["user_id"] != user_id


# --- cancel ---


def test_the_old_address_cancels_it_and_staff_see_it(client, clock):
    token, user_id = identified(client)
    confirm, cancel = started(client, user_id)
    assert client.post("/recovery/confirm", {"token": confirm}).status == 200
    assert client.post("/recovery/cancel", {"token": cancel}).json == {"state": "cancelled"}
    assert accounts_item(client.stack, f"email#{NEW}") is None  # the reserved address is free again
    assert "recovery" not in accounts_item(client.stack, f"user#{user_id}")
    clock.advance(HOLD)
    assert complete(client) == 0
    assert client.as_person(token, "GET", "/profile").json["email"] == OLD
    assert_error(client.post("/recovery/cancel", {"token": cancel}), 400, "invalid_token")
    assert_error(client.post("/recovery/confirm", {"token": confirm}), 400, "invalid_token")
    cancelled = [e for e in last_event(client, user_id) if e["changes"]["recovery"]["after"] == "cancelled"]
    assert [(e["actor"], e["changes"]) for e in cancelled] == [
        ("self:cancel-link", {"recovery": {"before": "held", "after": "cancelled"}})
    ]
    # The person's activity says they cancelled it (by the link), with no reason of staff's.
    (told,) = [e for e in activity(client, token) if e["kind"] == "recovery_cancelled"]
    assert (told["actor"], told.get("reason")) == ("self", None)
    # A new recovery may start once it is cancelled.
    assert recover(client, user_id).status == 202


def test_the_cancel_link_works_before_the_confirmation_too(client):
    _, user_id = identified(client)
    confirm, cancel = started(client, user_id)
    assert client.post("/recovery/cancel", {"token": cancel}).status == 200
    assert_error(client.post("/recovery/confirm", {"token": confirm}), 400, "invalid_token")


def test_the_cancel_link_is_refused_after_the_hold_ended(client, clock):
    _, user_id = identified(client)
    confirm, cancel = started(client, user_id)
    client.post("/recovery/confirm", {"token": confirm})
    clock.advance(HOLD)
    # The function has not run yet: the cancel is too late all the same.
    assert_error(client.post("/recovery/cancel", {"token": cancel}), 400, "invalid_token")
    assert complete(client) == 1
    assert_error(client.post("/recovery/cancel", {"token": cancel}), 400, "invalid_token")


def test_staff_cancel_it_with_a_reason(client):
    token, user_id = identified(client)
    started(client, user_id)
    path = f"/staff/users/{user_id}/email/cancel"
    assert_error(client.as_staff("POST", path, {}), 422, "validation_error")
    assert client.as_staff("POST", path, {"reason": "the person asked"}).json == {"state": "cancelled"}
    assert_error(client.as_staff("POST", path, {"reason": "again"}), 409, "no_recovery")
    assert accounts_item(client.stack, f"email#{NEW}") is None
    (cancelled,) = [e for e in last_event(client, user_id) if e["changes"]["recovery"]["after"] == "cancelled"]
    assert cancelled["reason"] == "the person asked"
    assert cancelled["actor"].startswith("arn:aws:sts::")  # the caller's IAM ARN
    (told,) = [e for e in activity(client, token) if e["kind"] == "recovery_cancelled"]
    assert (told["actor"], told["reason"]) == ("staff", "the person asked")  # never the ARN
    missing = client.as_staff("POST", f"/staff/users/{MISSING_USER}/email/cancel", {"reason": "x"})
    assert_error(missing, 404, "not_found")


def test_completion_and_a_staff_cancel_at_once_exactly_one_lands(client, clock):
    for round_ in range(4):
        address, new = f"ona{round_}@example.lt", f"nauja{round_}@example.lt"
        _, user_id = identified(client, address)
        assert recover(client, user_id, email=new).status == 202
        client.post("/recovery/confirm", {"token": link_token(client, new, "confirm-recovery")})
        clock.advance(HOLD)
        barrier = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def cancelling(user_id: str = user_id, barrier: threading.Barrier = barrier, outcomes=outcomes) -> None:
            barrier.wait()
            path = f"/staff/users/{user_id}/email/cancel"
            outcomes["cancel"] = client.as_staff("POST", path, {"reason": "asked"}).status

        def completing(barrier: threading.Barrier = barrier, outcomes=outcomes) -> None:
            barrier.wait()
            outcomes["complete"] = client.stack.schedules.run()["CompleteRecoveriesFunction"]["completed"]

        threads = [threading.Thread(target=cancelling), threading.Thread(target=completing)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        moved = accounts_item(client.stack, f"user#{user_id}")["email"] == new
        assert moved != (outcomes["cancel"] == 200), outcomes
        assert outcomes["complete"] == (1 if moved else 0)
        assert outcomes["cancel"] in {200, 409}
        assert (accounts_item(client.stack, f"email#{new}") is None) != moved
        clock.advance(120)


def test_completion_and_cancel_race_on_the_same_read_exactly_one_lands(client, clock, monkeypatch):
    """Both read the account with its recovery pending; the completion writes first; the cancel's write (at the
    version it read) fails, it reads again, finds no recovery, and refuses."""
    from migris.domain import recovery as recovery_module

    _, user_id = identified(client)
    confirm, cancel = started(client, user_id)
    client.post("/recovery/confirm", {"token": confirm})
    clock.advance(HOLD - 1)
    real = recovery_module.Recoveries._end_without_moving
    interleaved: list[str] = []

    def complete_first(self, current, recovery, actor, reason, outcome):
        if not interleaved:
            interleaved.append("completion")
            clock.advance(1)
            assert client.stack.schedules.run()["CompleteRecoveriesFunction"]["completed"] == 1
            clock.advance(-1)  # the cancel was asked in time; its write still comes after the completion's
        return real(self, current, recovery, actor, reason, outcome)

    monkeypatch.setattr(recovery_module.Recoveries, "_end_without_moving", complete_first)
    assert_error(client.post("/recovery/cancel", {"token": cancel}), 400, "invalid_token")
    assert interleaved == ["completion"]
    assert accounts_item(client.stack, f"user#{user_id}")["email"] == NEW
    assert accounts_item(client.stack, f"email#{NEW}")["user_id"] == user_id


# --- what a pending recovery holds back ---


def test_while_pending_an_email_change_and_another_recovery_are_refused(client):
    token, user_id = identified(client)
    started(client, user_id)
    assert_error(client.as_person(token, "PATCH", "/profile", {"email": "kitas@example.lt"}), 409, "recovery_pending")
    assert client.as_person(token, "PATCH", "/profile", {"phone_number": "+37060000001"}).status == 200
    assert_error(recover(client, user_id, email="trecias@example.lt"), 409, "recovery_pending")


def test_a_pending_email_change_is_dropped_when_a_recovery_starts(client, clock):
    token, user_id = identified(client)
    assert client.as_person(token, "PATCH", "/profile", {"email": "kitas@example.lt"}).status == 200
    code = client.last_code("kitas@example.lt")
    started(client, user_id)
    assert client.as_person(token, "GET", "/profile").json["pending_email"] is None
    answer = client.as_person(token, "POST", "/profile/email/verify", {"code": code})
    assert answer.status in {401, 409}, answer.raw
    assert accounts_item(client.stack, f"user#{user_id}")["email"] == OLD


def test_an_unconfirmed_recovery_lapses_after_a_week_and_frees_the_address(client, clock):
    token, user_id = identified(client)
    confirm, _ = started(client, user_id)
    clock.advance(7 * 86400)
    assert complete(client) == 0
    assert accounts_item(client.stack, f"email#{NEW}") is None
    assert "recovery" not in accounts_item(client.stack, f"user#{user_id}")
    assert_error(client.post("/recovery/confirm", {"token": confirm}), 400, "invalid_token")
    token = client.signed_in(OLD)
    assert client.as_person(token, "PATCH", "/profile", {"email": "kitas@example.lt"}).status == 200
    lapsed = [e for e in last_event(client, user_id) if e["changes"]["recovery"]["after"] == "lapsed"]
    assert [e["actor"] for e in lapsed] == ["system"]


# --- refusals ---


def test_only_a_level_2_account_is_recovered(client):
    token = client.signed_in(OLD, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    stored = everything_stored(client.stack)
    assert_error(recover(client, user_id), 409, "not_identified")
    assert everything_stored(client.stack) == stored
    assert client.stack.aws.mails_to(NEW) == []


def test_an_account_with_an_identity_is_refused(client):
    user_id, _ = viisp_account(client.stack, email=OLD)
    assert_error(recover(client, user_id), 409, "has_identity")


def test_refusals_of_the_start(client):
    _, user_id = identified(client)
    other = client.signed_in("kita@example.lt")
    del other
    assert_error(recover(client, MISSING_USER), 404, "not_found")
    assert_error(recover(client, "not-a-uuid"), 404, "not_found")
    assert_error(recover(client, user_id, email="kita@example.lt"), 409, "email_taken")
    assert_error(recover(client, user_id, email=OLD), 422, "validation_error")
    body = assert_error(recover(client, user_id, email="ona@no-mail.example.lt"), 422, "validation_error")
    assert "cannot receive mail" in body["fields"]["email"]
    assert_error(recover(client, user_id, email="not an address"), 422, "validation_error")
    assert_error(recover(client, user_id, reason="   "), 422, "validation_error")
    assert_error(client.as_staff("POST", f"/staff/users/{user_id}/email", {"email": NEW}), 422, "validation_error")
    answer = client.as_staff("POST", f"/staff/users/{user_id}/email", {"email": NEW, "reason": "x", "level": 3})
    assert_error(answer, 422, "validation_error")
    assert accounts_item(client.stack, f"email#{NEW}") is None


def test_the_start_needs_a_staff_signature(client):
    token, user_id = identified(client)
    answer = client.as_person(token, "POST", f"/staff/users/{user_id}/email", {"email": NEW, "reason": "x"})
    assert answer.status == 403


def test_a_reserved_address_cannot_be_taken_by_another_recovery(client):
    _, user_id = identified(client)
    started(client, user_id)
    _, other = identified(client, "jonas@example.lt")
    assert_error(recover(client, other), 409, "email_taken")


def test_link_refusals(client):
    _, user_id = identified(client)
    confirm, cancel = started(client, user_id)
    stored = everything_stored(client.stack)
    for path in ("/recovery/confirm", "/recovery/cancel"):
        assert_error(client.post(path, {"token": "x" * 43}), 400, "invalid_token")
        assert_error(client.post(path, {"token": "x" * 129}), 422, "validation_error")
        assert_error(client.post(path, {}), 422, "validation_error")
        assert_error(client.post(path, {"token": 5}), 422, "validation_error")
        assert_error(client.post(path, ["x"]), 422, "validation_error")
    # The cancel link does not confirm, nor the confirmation link cancel.
    assert_error(client.post("/recovery/confirm", {"token": cancel}), 400, "invalid_token")
    assert_error(client.post("/recovery/cancel", {"token": confirm}), 400, "invalid_token")
    assert everything_stored(client.stack) == stored
    assert client.post("/recovery/confirm", {"token": confirm}).status == 200
    assert_error(client.post("/recovery/confirm", {"token": confirm}), 400, "invalid_token")  # single use


def test_tokens_are_kept_only_as_keyed_hashes_and_mails_carry_no_request_text(client):
    _, user_id = identified(client)
    confirm, cancel = started(client, user_id)
    stored = repr(everything_stored(client.stack))
    assert confirm not in stored and cancel not in stored
    for mail in client.stack.aws.mails_to(NEW) + client.stack.aws.mails_to(OLD)[-1:]:
        assert "identity card" not in mail["text"]  # the reason
    old_mail = client.stack.aws.mails_to(OLD)[-1]
    assert NEW not in old_mail["text"] and NEW not in old_mail["html"]
    assert len(confirm) >= 43 and len(cancel) >= 43  # 32 random bytes


@pytest.mark.parametrize("language", ["lt", "en", "uk", "ru"])
def test_mails_speak_the_accounts_language(client, language):
    token, user_id = identified(client)
    assert client.as_person(token, "PATCH", "/profile", {"language": language}).status == 200
    started(client, user_id)
    from migris.domain.mail import _TEXTS

    assert client.stack.aws.mails_to(NEW)[-1]["subject"] == _TEXTS[language]["recovery_confirm_subject"]
    assert client.stack.aws.mails_to(OLD)[-1]["subject"] == _TEXTS[language]["recovery_started_subject"]


# --- an account with an identity recovers alone ---


def test_an_account_with_an_identity_recovers_through_viisp_and_an_ordinary_change(client, browser):
    """Lost mailbox, identity linked: VIISP signs the person in, they change the address with a code sent to the
    new one, and the old address is told."""
    token = client.signed_in(OLD, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    assert browser.link(token).status == 303
    assert_error(recover(client, user_id), 409, "has_identity")
    viisp_token = browser.sign_in()
    profile = client.as_person(viisp_token, "GET", "/profile").json
    assert (profile["user_id"], profile["level"]) == (user_id, 3)
    assert client.as_person(viisp_token, "PATCH", "/profile", {"email": NEW}).status == 200
    answer = client.as_person(viisp_token, "POST", "/profile/email/verify", {"code": client.last_code(NEW)})
    assert answer.status == 200, answer.raw
    assert answer.json["email"] == NEW
    told = [mail["subject"] for mail in client.stack.aws.mails_to(OLD)]
    assert any("changed" in subject or "pakeist" in subject for subject in told), told
