"""The person's profile: the first fill, names locked after it, phone and e-mail changes, the e-mail change's
code, and no lost updates. Through API Gateway events into the real handlers, moto underneath."""

from __future__ import annotations

import re
import unicodedata

import pytest
from migris.dal.accounts import AccountRepository, email_key, user_key

from tests.helpers import FIRST_FILL, ORIGIN, accounts_item, assert_error, code_in, viisp_account

ADDRESS = "ona@example.lt"
NEW_ADDRESS = "ona.nauja@example.lt"


def profile(client, token):
    answer = client.as_person(token, "GET", "/profile")
    assert answer.status == 200, answer.raw
    return answer.json


# --- first fill ---


def test_first_sign_in_asks_for_contact_data_and_the_first_fill_completes_it(client, clock):
    first = client.sign_in(ADDRESS)
    assert first["profile_complete"] is False
    token = first["token"]
    answer = client.as_person(token, "PUT", "/profile", FIRST_FILL)
    assert answer.status == 200, answer.raw
    assert answer.json["profile_complete"] is True
    assert answer.json["given_name"] == "Ona"
    assert answer.json["family_name"] == "Petraitienė"
    assert answer.json["phone_number"] == "+37061234567"
    assert answer.json["level"] == 1
    assert answer.header("Cache-Control") == "no-store"
    clock.advance(61)
    second = client.sign_in(ADDRESS)
    assert second["profile_complete"] is True
    assert second["profile"]["given_name"] == "Ona"


def test_a_second_put_is_profile_exists_and_changes_nothing(client):
    token = client.signed_in(ADDRESS, filled=True)
    again = {"given_name": "Kita", "family_name": "Pavardė", "phone_number": "+37061111111"}
    assert_error(client.as_person(token, "PUT", "/profile", again), 409, "profile_exists")
    after = profile(client, token)
    assert (after["given_name"], after["phone_number"]) == ("Ona", "+37061234567")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("  Jonas   Petras ", "Jonas Petras"),
        ("Žemaitė", "Žemaitė"),
        ("Анна-Мария", "Анна-Мария"),
        ("O'Brien", "O'Brien"),
        ("D\u2019Artagnan", "D\u2019Artagnan"),
        ("Αλέξανδρος", "Αλέξανδρος"),
        ("李小龙", "李小龙"),
        (unicodedata.normalize("NFD", "Šarūnė"), "Šarūnė"),
        ("A" * 31, "A" * 31),
    ],
)
def test_names_of_any_alphabet_are_stored_trimmed_and_nfc(client, given, stored):
    token = client.signed_in(ADDRESS)
    answer = client.as_person(token, "PUT", "/profile", {**FIRST_FILL, "given_name": given})
    assert answer.status == 200, answer.raw
    assert answer.json["given_name"] == stored
    assert unicodedata.is_normalized("NFC", answer.json["given_name"])


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+370 612 34567", "+37061234567"),
        ("8 612 34567", "+37061234567"),
        ("861234567", "+37061234567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("(8-5) 212 3456", "+37052123456"),
    ],
)
def test_phone_numbers_are_stored_as_e164_with_lithuania_as_default(client, typed, stored):
    token = client.signed_in(ADDRESS)
    answer = client.as_person(token, "PUT", "/profile", {**FIRST_FILL, "phone_number": typed})
    assert answer.status == 200, answer.raw
    assert answer.json["phone_number"] == stored


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_name": "A" * 32}, "given_name"),
        ({"given_name": "   "}, "given_name"),
        ({"given_name": "Ona2"}, "given_name"),
        ({"family_name": "Petr@itienė"}, "family_name"),
        ({"family_name": "-Petraitienė"}, "family_name"),
        ({"family_name": 7}, "family_name"),
        ({"family_name": "Z" + "\u0336" * 30}, "family_name"),  # a tower of overlays on one letter
        ({"phone_number": "+370 612 34567 89 012"}, "phone_number"),
        ({"phone_number": "12"}, "phone_number"),
        ({"phone_number": "telefonas"}, "phone_number"),
        ({"phone_number": None}, "phone_number"),
        ({"level": 3}, "level"),
        ({"email": "kitas@example.lt"}, "email"),
    ],
)
def test_a_bad_first_fill_names_the_field_and_saves_nothing(client, change, field):
    token = client.signed_in(ADDRESS)
    error = assert_error(client.as_person(token, "PUT", "/profile", {**FIRST_FILL, **change}), 422, "validation_error")
    assert field in error["fields"]
    after = profile(client, token)
    assert after["profile_complete"] is False
    assert after["given_name"] is None and after["phone_number"] is None


def test_a_first_fill_missing_a_field_names_it(client):
    token = client.signed_in(ADDRESS)
    error = assert_error(client.as_person(token, "PUT", "/profile", {"given_name": "Ona"}), 422, "validation_error")
    assert set(error["fields"]) == {"family_name", "phone_number"}


@pytest.mark.parametrize("body", ["{not json", "[1]", '"x"', ""])
def test_a_first_fill_that_is_not_a_json_object_is_422(client, body):
    token = client.signed_in(ADDRESS)
    answer = client.request("PUT", "/profile", body=body, headers={"Authorization": f"Bearer {token}"})
    error = assert_error(answer, 422, "validation_error")
    assert "body" in error["fields"]


def test_a_body_that_is_not_json_is_415(client):
    token = client.signed_in(ADDRESS)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/plain"}
    answer = client.request("PATCH", "/profile", body="phone=1", headers=headers)
    assert_error(answer, 415, "unsupported_media_type")


# --- the session comes before the body ---


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", "/profile"), ("PATCH", "/profile"), ("POST", "/profile/email/verify")]
)
@pytest.mark.parametrize("body", ["{not json", '{"given_name": "X"}', ""])
def test_without_a_session_every_profile_write_is_401_whatever_the_body(client, method, path, body):
    assert_error(client.request(method, path, body=body), 401, "unauthenticated")
    assert_error(
        client.request(method, path, body=body, headers={"Authorization": "Bearer nope"}), 401, "unauthenticated"
    )


def test_a_cookie_write_needs_our_origin(client):
    token = client.signed_in(ADDRESS, filled=True)
    cookie = {"Cookie": f"__Host-session={token}"}
    change = {"phone_number": "+37061111111"}
    assert_error(client.request("PATCH", "/profile", json_body=change, headers=cookie), 403, "origin_mismatch")
    foreign = {**cookie, "Origin": "https://evil.example"}
    assert_error(client.request("PATCH", "/profile", json_body=change, headers=foreign), 403, "origin_mismatch")
    ours = {**cookie, "Origin": ORIGIN}
    answer = client.request("PATCH", "/profile", json_body=change, headers=ours)
    assert answer.status == 200
    assert answer.json["phone_number"] == "+37061111111"


# --- names are locked after the first fill ---


@pytest.mark.parametrize(
    "body",
    [
        {"given_name": "Kita"},
        {"family_name": "Kita"},
        {"given_name": "Kita", "phone_number": "+37061111111"},
        {"family_name": "", "email": NEW_ADDRESS},
        {"given_name": None},
    ],
)
def test_a_name_in_a_patch_is_names_locked_and_nothing_changes(client, body):
    token = client.signed_in(ADDRESS, filled=True)
    assert_error(client.as_person(token, "PATCH", "/profile", body), 403, "names_locked")
    after = profile(client, token)
    assert (after["given_name"], after["phone_number"], after["pending_email"]) == ("Ona", "+37061234567", None)
    assert client.stack.aws.mails_to(NEW_ADDRESS) == []


# --- phone changes ---


def test_the_phone_number_can_be_changed(client):
    token = client.signed_in(ADDRESS, filled=True)
    answer = client.as_person(token, "PATCH", "/profile", {"phone_number": "8 699 99999"})
    assert answer.status == 200, answer.raw
    assert answer.json["phone_number"] == "+37069999999"
    assert profile(client, token)["phone_number"] == "+37069999999"
    assert profile(client, token)["updated_at"] is not None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"phone_number": None}, "phone_number"),
        ({"phone_number": "1"}, "phone_number"),
        ({"email": "not an address"}, "email"),
        ({"level": 3}, "level"),
        ({"login_method": "viisp"}, "login_method"),
    ],
)
def test_a_bad_patch_names_the_field_and_changes_nothing(client, body, field):
    token = client.signed_in(ADDRESS, filled=True)
    error = assert_error(client.as_person(token, "PATCH", "/profile", body), 422, "validation_error")
    assert field in error["fields"]
    after = profile(client, token)
    assert (after["phone_number"], after["level"], after["login_method"]) == ("+37061234567", 1, "email")


# --- e-mail changes ---


def test_an_email_change_is_pending_until_the_code_from_the_new_address_is_entered(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    clock.advance(61)
    other_session = client.signed_in(ADDRESS)
    outbox_before = len(client.stack.aws.outbox)

    answer = client.as_person(token, "PATCH", "/profile", {"email": " Ona.Nauja@Example.LT "})
    assert answer.status == 200, answer.raw
    assert answer.json["email"] == ADDRESS
    assert answer.json["pending_email"] == NEW_ADDRESS
    # The notice to the old address goes on the priority lane, so it may arrive before the code.
    new_mails = {m["to"]: m for m in client.stack.aws.outbox[outbox_before:]}
    assert len(client.stack.aws.outbox) - outbox_before == 2
    code = code_in(new_mails[NEW_ADDRESS])
    notice = new_mails[ADDRESS]
    assert code not in notice["text"] and code not in notice["html"]
    assert "o***@example.lt" in notice["text"]
    assert NEW_ADDRESS not in notice["text"]

    confirmed = client.as_person(token, "POST", "/profile/email/verify", {"code": code})
    assert confirmed.status == 200, confirmed.raw
    assert confirmed.json["email"] == NEW_ADDRESS
    assert confirmed.json["pending_email"] is None
    # The other session ended, this one lives on; the old address was told.
    assert_error(client.as_person(other_session, "GET", "/profile"), 401, "unauthenticated")
    assert profile(client, token)["email"] == NEW_ADDRESS
    assert client.stack.aws.mails_to(ADDRESS)[-1]["subject"] == "MIGRIS: el. pašto adresas pakeistas"
    # The uniqueness items moved: the new address signs in to this account, the old one to none.
    user_id = confirmed.json["user_id"]
    assert accounts_item(client.stack, email_key(NEW_ADDRESS))["user_id"] == user_id
    assert accounts_item(client.stack, email_key(ADDRESS)) is None
    clock.advance(61)
    assert client.sign_in(NEW_ADDRESS)["profile"]["user_id"] == user_id


def test_the_change_code_mail_follows_accept_language(client):
    token = client.signed_in(ADDRESS, filled=True)
    headers = {"Accept-Language": "en-GB,en;q=0.9"}
    client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS}, headers=headers)
    assert client.stack.aws.mails_to(NEW_ADDRESS)[-1]["subject"] == "Your MIGRIS e-mail confirmation code"
    assert client.stack.aws.mails_to(ADDRESS)[-1]["subject"] == "MIGRIS: a request to change your e-mail address"


def test_a_taken_address_gets_the_same_answer_as_a_free_one_and_its_owner_a_notice_never_a_code(client, clock):
    """No answer tells whether an address has an account: the asker sees the same pending change for a taken
    address as for a free one; the taken address's owner is told, and gets no code to enter."""
    owner = client.signed_in(NEW_ADDRESS)
    free = client.signed_in("jonas@example.lt", filled=True)
    prober = client.signed_in(ADDRESS, filled=True)
    clock.advance(61)  # the owner's sign-in code was a mail to that address from this network address too
    to_free = client.as_person(free, "PATCH", "/profile", {"email": "laisvas@example.lt"})
    to_taken = client.as_person(prober, "PATCH", "/profile", {"email": NEW_ADDRESS})
    assert (to_free.status, to_taken.status) == (200, 200)
    assert set(to_free.json) == set(to_taken.json)
    assert to_free.json["pending_email"] == "laisvas@example.lt"
    assert to_taken.json["pending_email"] == NEW_ADDRESS

    to_owner = client.stack.aws.mails_to(NEW_ADDRESS)[-1]
    assert to_owner["subject"] == "MIGRIS: bandyta naudoti jūsų el. pašto adresą"
    assert not re.search(r"\d{8}", to_owner["text"] + to_owner["html"])
    # The prober's own address is told of the asked change, as for any change.
    assert client.stack.aws.mails_to(ADDRESS)[-1]["subject"] == "MIGRIS: prašoma pakeisti el. pašto adresą"
    # The confirmation fails as any wrong code does; both accounts keep their addresses.
    for guess in ("00000000", "12345678"):
        assert_error(client.as_person(prober, "POST", "/profile/email/verify", {"code": guess}), 401, "invalid_code")
    assert profile(client, prober)["email"] == ADDRESS
    assert profile(client, owner)["email"] == NEW_ADDRESS


def test_an_address_taken_before_the_code_is_entered_is_email_taken_and_both_accounts_keep_theirs(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS})
    code = code_in(client.stack.aws.mails_to(NEW_ADDRESS)[-1])
    clock.advance(61)
    someone = client.sign_in(NEW_ADDRESS)["profile"]["user_id"]  # signs up with that address meanwhile
    assert_error(client.as_person(token, "POST", "/profile/email/verify", {"code": code}), 409, "email_taken")
    mine = profile(client, token)
    assert (mine["email"], mine["pending_email"]) == (ADDRESS, None)
    assert accounts_item(client.stack, email_key(NEW_ADDRESS))["user_id"] == someone
    assert accounts_item(client.stack, email_key(ADDRESS))["user_id"] == mine["user_id"]


def test_asking_for_the_current_address_changes_nothing_and_sends_nothing(client):
    token = client.signed_in(ADDRESS, filled=True)
    mails_before = len(client.stack.aws.outbox)
    answer = client.as_person(token, "PATCH", "/profile", {"email": "ONA@example.lt"})
    assert answer.status == 200
    assert answer.json["pending_email"] is None
    assert len(client.stack.aws.outbox) == mails_before


def test_wrong_expired_or_missing_change_codes_are_invalid_code(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    assert_error(client.as_person(token, "POST", "/profile/email/verify", {"code": "12345678"}), 401, "invalid_code")
    client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS})
    code = code_in(client.stack.aws.mails_to(NEW_ADDRESS)[-1])
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    assert_error(client.as_person(token, "POST", "/profile/email/verify", {"code": wrong}), 401, "invalid_code")
    clock.advance(3600)
    token = client.signed_in(ADDRESS)  # the old session idled out meanwhile
    assert_error(client.as_person(token, "POST", "/profile/email/verify", {"code": code}), 401, "invalid_code")
    assert profile(client, token)["email"] == ADDRESS


def test_a_change_code_is_burned_after_five_wrong_tries(client):
    token = client.signed_in(ADDRESS, filled=True)
    client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS})
    code = code_in(client.stack.aws.mails_to(NEW_ADDRESS)[-1])
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    for _ in range(5):
        assert_error(client.as_person(token, "POST", "/profile/email/verify", {"code": wrong}), 401, "invalid_code")
    assert_error(client.as_person(token, "POST", "/profile/email/verify", {"code": code}), 401, "invalid_code")
    assert profile(client, token)["email"] == ADDRESS


def test_a_change_code_is_used_once(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS})
    code = code_in(client.stack.aws.mails_to(NEW_ADDRESS)[-1])
    assert client.as_person(token, "POST", "/profile/email/verify", {"code": code}).status == 200
    assert_error(client.as_person(token, "POST", "/profile/email/verify", {"code": code}), 401, "invalid_code")


def test_a_newer_change_replaces_the_older_one_and_its_code(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    client.as_person(token, "PATCH", "/profile", {"email": "pirmas@example.lt"})
    first_code = code_in(client.stack.aws.mails_to("pirmas@example.lt")[-1])
    clock.advance(61)
    client.as_person(token, "PATCH", "/profile", {"email": "antras@example.lt"})
    second_code = code_in(client.stack.aws.mails_to("antras@example.lt")[-1])
    if first_code != second_code:
        answer = client.as_person(token, "POST", "/profile/email/verify", {"code": first_code})
        assert_error(answer, 401, "invalid_code")
    answer = client.as_person(token, "POST", "/profile/email/verify", {"code": second_code})
    assert answer.status == 200, answer.raw
    assert answer.json["email"] == "antras@example.lt"


def test_change_codes_are_rate_limited_per_account(client, clock):
    token = client.signed_in(ADDRESS, filled=True)
    client.as_person(token, "PATCH", "/profile", {"email": "pirmas@example.lt"})
    answer = client.as_person(token, "PATCH", "/profile", {"email": "antras@example.lt"})
    assert_error(answer, 429, "rate_limited")
    assert int(answer.header("Retry-After")) > 0
    assert profile(client, token)["pending_email"] == "pirmas@example.lt"


@pytest.mark.parametrize("body", [{}, {"code": "abc"}, {"code": 12345678}, {"code": "1", "extra": 1}])
def test_a_bad_confirmation_body_is_422(client, body):
    token = client.signed_in(ADDRESS, filled=True)
    assert_error(client.as_person(token, "POST", "/profile/email/verify", body), 422, "validation_error")


# --- no lost updates ---


def _interleave(monkeypatch, concurrent_write):
    """Run `concurrent_write` just before our first write to the account, as another request would."""
    original = AccountRepository.update_user
    calls = {"n": 0}

    def update_user(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            monkeypatch.setattr(AccountRepository, "update_user", original)
            concurrent_write()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AccountRepository, "update_user", update_user)


def test_a_concurrent_patch_is_not_lost(client, monkeypatch):
    token = client.signed_in(ADDRESS, filled=True)

    def phone_change_elsewhere():
        assert client.as_person(token, "PATCH", "/profile", {"phone_number": "+37069999999"}).status == 200

    _interleave(monkeypatch, phone_change_elsewhere)
    answer = client.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS})
    assert answer.status == 200, answer.raw
    after = profile(client, token)
    assert (after["phone_number"], after["pending_email"]) == ("+37069999999", NEW_ADDRESS)
    assert int(accounts_item(client.stack, user_key(after["user_id"]))["version"]) == 4


def test_of_two_racing_first_fills_exactly_one_wins(client, monkeypatch):
    token = client.signed_in(ADDRESS)
    winner = {"given_name": "Pirma", "family_name": "Užpildė", "phone_number": "+37061111111"}

    def first_fill_elsewhere():
        assert client.as_person(token, "PUT", "/profile", winner).status == 200

    _interleave(monkeypatch, first_fill_elsewhere)
    assert_error(client.as_person(token, "PUT", "/profile", FIRST_FILL), 409, "profile_exists")
    after = profile(client, token)
    assert (after["given_name"], after["phone_number"]) == ("Pirma", "+37061111111")


# --- a VIISP account (its names came from VIISP) ---


def test_a_viisp_account_fills_in_a_phone_but_never_names(client):
    _, token = viisp_account(client.stack)
    assert_error(client.as_person(token, "PUT", "/profile", FIRST_FILL), 403, "names_locked")
    answer = client.as_person(token, "PUT", "/profile", {"phone_number": "+37061234567"})
    assert answer.status == 200, answer.raw
    assert answer.json["profile_complete"] is True
    assert answer.json["given_name"] == "JONAS"
    assert "personal_code" not in answer.json


def test_a_viisp_accounts_email_is_confirmed_by_code_and_is_contact_only(client, clock):
    user_id, token = viisp_account(client.stack)
    answer = client.as_person(token, "PUT", "/profile", {"phone_number": "+37061234567", "email": NEW_ADDRESS})
    assert answer.status == 200, answer.raw
    assert (answer.json["email"], answer.json["pending_email"]) == (None, NEW_ADDRESS)
    code = code_in(client.stack.aws.mails_to(NEW_ADDRESS)[-1])
    confirmed = client.as_person(token, "POST", "/profile/email/verify", {"code": code})
    assert confirmed.status == 200, confirmed.raw
    assert confirmed.json["email"] == NEW_ADDRESS
    # Not a sign-in address: an e-mail code must never open a level 3 account.
    assert accounts_item(client.stack, email_key(NEW_ADDRESS)) is None
    clock.advance(61)
    assert client.sign_in(NEW_ADDRESS)["profile"]["user_id"] != user_id
