"""Names from VIISP, end to end through the stand-in: kept as VIISP gives them, cut at 100 characters, and a name
that breaks a name rule (a control, bidi or other invisible character, no letter, a tower of marks on a letter)
refuses the sign-in with a security log line that names the rule, never the name."""

from __future__ import annotations

import pytest

from tests.helpers import accounts_item, assert_error, cookie_value


def test_a_150_character_name_from_viisp_is_cut_at_100(client, browser):
    family = "Žemaitytė-" * 15
    assert len(family) == 150
    token = browser.sign_in(("48504140959", "Ona", family))
    profile = client.as_person(token, "GET", "/profile").json
    assert profile["family_name"] == family.upper()[:100]
    assert accounts_item(client.stack, f"user#{profile['user_id']}")["family_name"] == family.upper()[:100]


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("Jonas\u009b2J", "control_character_in_name"),  # a C1 control (CSI, which starts terminal escapes)
        ("Jo\u007fnas", "control_character_in_name"),  # DEL
        ("\u202eSANOJ", "control_character_in_name"),  # a right-to-left override: reverses how the name shows
        ("\u3164", "invisible_character_in_name"),  # the Hangul filler: a name that shows as nothing
        ("Jonas\u3164", "invisible_character_in_name"),
        ("Jo\u200dnas", "invisible_character_in_name"),  # zero width joiner
        ("Jo\u200bnas", "invisible_character_in_name"),  # zero width space
        ("- -", "no_letter_in_name"),
        ("Z" + "\u0336" * 30, "too_many_marks_in_name"),  # overlays that cover the text around the name
    ],
)
def test_a_name_from_viisp_that_breaks_a_name_rule_refuses_the_sign_in(client, browser, caplog, given, reason):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket, ("33309240064", given, "Jonaitis"))
    caplog.clear()
    answer = browser.post_back(fields, nonce)
    assert_error(answer, 400, "invalid_ticket")
    assert not cookie_value(answer, "__Host-session")[0]
    assert accounts_item(client.stack, "personal_code#33309240064") is None
    (refusal,) = [r for r in caplog.records if getattr(r, "event", None) == "viisp_refused"]
    assert refusal.reason == reason
    assert refusal.security is True
    logged = [str(value) for r in caplog.records for value in (r.getMessage(), *vars(r).values())]
    assert not any(given.upper() in text or "JONAITIS" in text for text in logged)  # names are not logged


def test_a_name_from_viisp_refused_on_a_returning_person_changes_nothing(client, browser):
    token = browser.sign_in(("33309240064", "Jonas", "Jonaitis"))
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    before = accounts_item(client.stack, f"user#{user_id}")
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket, ("33309240064", "Jo\u200dnas", "Jonaitis"))
    assert_error(browser.post_back(fields, nonce), 400, "invalid_ticket")
    assert accounts_item(client.stack, f"user#{user_id}") == before


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Γεώργιος", "ΓΕΏΡΓΙΟΣ"),
        ("김민준", "김민준"),
        ("Nguyễn", "NGUYỄN"),
        ("Z" + "\u0336" * 4, "Z" + "\u0336" * 4),  # four marks on a letter are a spelling
    ],
)
def test_a_name_from_viisp_in_any_script_signs_in(client, browser, given, stored):
    token = browser.sign_in(("48504140959", given, "Žemaitytė"))
    assert client.as_person(token, "GET", "/profile").json["given_name"] == stored
