"""Names from VIISP, end to end through the stand-in: kept as VIISP gives them, cut at 100 characters, and a
control character refuses the sign-in with a security log line."""

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
    "given",
    [
        "Jonas\u009b2J",  # a C1 control (CSI, which starts terminal escapes); XML 1.0 carries it
        "Jo\u007fnas",  # DEL
        "\u202eSANOJ",  # a right-to-left override, which reverses how the name shows
    ],
)
def test_a_name_from_viisp_with_a_control_character_refuses_the_sign_in(client, browser, caplog, given):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket, ("33309240064", given, "Jonaitis"))
    caplog.clear()
    answer = browser.post_back(fields, nonce)
    assert_error(answer, 400, "invalid_ticket")
    assert not cookie_value(answer, "__Host-session")[0]
    assert accounts_item(client.stack, "personal_code#33309240064") is None
    (refusal,) = [r for r in caplog.records if getattr(r, "event", None) == "viisp_refused"]
    assert refusal.reason == "control_character_in_name"
    assert refusal.security is True
    logged = [str(value) for r in caplog.records for value in (r.getMessage(), *vars(r).values())]
    assert not any(given.upper() in text or "JONAITIS" in text for text in logged)  # names are not logged
