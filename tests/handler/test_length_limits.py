"""Every length limit of DESIGN.md (Rules, the profile, VIISP), tried on both sides of its boundary through the
routes that take it: the longest value allowed is taken whole, one character more is refused with 422 naming the
field (or, where VIISP vouched for it, cut or refused as the rule says)."""

from __future__ import annotations

import pytest

from tests.helpers import EIDAS_PERSON, FIRST_FILL, assert_error, cookie_value

# --- e-mail: at most 254 characters, counted as mailed (the domain in ASCII, after IDNA) ---


def ascii_address(length: int) -> str:
    """An address of exactly `length` characters (at least 196), typed as it is mailed: a 64-character local
    part and a domain of labels no longer than DNS allows."""
    address = f"{'o' * 64}@{'b' * 63}.{'c' * 63}.{'d' * (length - 196)}.lt"
    assert len(address) == length
    return address


def unicode_address(length_as_mailed: int) -> tuple[str, str]:
    """An address typed with a Unicode domain, short as typed, of exactly `length_as_mailed` characters once its
    domain is converted: 13 labels "bücher" (xn--bcher-kva, 13 characters each) and a label of x's."""
    tail = length_as_mailed - 250
    typed = f"{'o' * 64}@{'.'.join(['bücher'] * 13)}.{'x' * tail}.lt"
    mailed = f"{'o' * 64}@{'.'.join(['xn--bcher-kva'] * 13)}.{'x' * tail}.lt"
    assert len(mailed) == length_as_mailed and len(typed) < 200
    return typed, mailed


@pytest.mark.parametrize("form", ["ascii", "unicode"])
def test_an_address_of_254_characters_signs_in_and_one_of_255_is_refused(client, form):
    typed, mailed = (ascii_address(254),) * 2 if form == "ascii" else unicode_address(254)
    started = client.start(typed)
    assert started.status == 202, started.raw
    assert started.json["email"] == mailed
    signed_in = client.post(
        "/login/email/verify", {"email": typed, "login_id": started.json["login_id"], "code": client.last_code(mailed)}
    )
    assert signed_in.status == 200, signed_in.raw
    assert signed_in.json["profile"]["email"] == mailed

    too_long = ascii_address(255) if form == "ascii" else unicode_address(255)[0]
    error = assert_error(client.start(too_long), 422, "validation_error")
    assert "at most 254 characters" in error["fields"]["email"]
    assert client.stack.aws.mails_to(ascii_address(255) if form == "ascii" else unicode_address(255)[1]) == []


def test_a_new_address_of_254_characters_is_taken_and_one_of_255_is_refused(client):
    token = client.signed_in("ona@example.lt", filled=True)
    error = assert_error(
        client.as_person(token, "PATCH", "/profile", {"email": ascii_address(255)}), 422, "validation_error"
    )
    assert "at most 254 characters" in error["fields"]["email"]
    answer = client.as_person(token, "PATCH", "/profile", {"email": ascii_address(254)})
    assert (answer.status, answer.json["pending_email"]) == (200, ascii_address(254)), answer.raw


# --- names: 1 to 31 characters after trimming; a name from VIISP is cut at 100 ---


@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_a_name_of_31_characters_is_taken_and_one_of_32_is_refused(client, field):
    token = client.signed_in("ona@example.lt")
    error = assert_error(
        client.as_person(token, "PUT", "/profile", {**FIRST_FILL, field: "Ą" * 32}), 422, "validation_error"
    )
    assert "at most 31" in error["fields"][field]
    answer = client.as_person(token, "PUT", "/profile", {**FIRST_FILL, field: f"  {'Ą' * 31}  "})
    assert (answer.status, answer.json[field]) == (200, "Ą" * 31), answer.raw


@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_staff_rename_to_31_characters_and_not_to_32(client, field):
    token = client.signed_in("ona@example.lt", filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    path = f"/staff/users/{user_id}"
    error = assert_error(client.as_staff("PATCH", path, {field: "Ž" * 32, "reason": "x"}), 422, "validation_error")
    assert "at most 31" in error["fields"][field]
    answer = client.as_staff("PATCH", path, {field: "Ž" * 31, "reason": "x"})
    assert (answer.status, answer.json[field]) == (200, "Ž" * 31), answer.raw


@pytest.mark.parametrize(("length", "kept"), [(100, 100), (101, 100)])
def test_a_name_from_viisp_of_100_characters_is_kept_whole_and_one_of_101_is_cut(client, browser, length, kept):
    family = "Ž" * length
    token = browser.sign_in(("48504140959", "Ona", family))
    assert client.as_person(token, "GET", "/profile").json["family_name"] == "Ž" * kept


# --- phone: at most 20 characters as typed ---


def test_a_phone_number_typed_in_20_characters_is_taken_and_one_of_21_is_refused(client):
    token = client.signed_in("ona@example.lt", filled=True)
    typed_21 = "+370  6 1 2 3 4 5 6 7"
    assert len(typed_21) == 21
    error = assert_error(
        client.as_person(token, "PATCH", "/profile", {"phone_number": typed_21}), 422, "validation_error"
    )
    assert "at most 20" in error["fields"]["phone_number"]
    typed_20 = typed_21.replace("  ", " ", 1)
    answer = client.as_person(token, "PATCH", "/profile", {"phone_number": typed_20})
    assert (answer.status, answer.json["phone_number"]) == (200, "+37061234567"), answer.raw


# --- eIDAS identifier: at most 256 characters ---


def test_an_eidas_identifier_of_256_characters_signs_in_and_one_of_257_is_refused(client, browser):
    longest = "PL/LT/" + "9" * 250
    assert len(longest) == 256
    token = browser.sign_in({**EIDAS_PERSON, "eidas_eid": longest})
    assert client.as_person(token, "GET", "/profile").json["identity"] == {"kind": "eidas", "country": "PL"}

    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket, {**EIDAS_PERSON, "eidas_eid": longest + "9"})
    answer = browser.post_back(fields, nonce)
    assert_error(answer, 400, "invalid_ticket")
    assert not cookie_value(answer, "__Host-session")[0]
    found = client.as_staff("POST", "/staff/users/search", {"eidas_id": longest}).json["users"]
    assert [user["eidas_id"] for user in found] == [longest]
    assert_error(client.as_staff("POST", "/staff/users/search", {"eidas_id": longest + "9"}), 422, "validation_error")
