"""Signing in through VIISP (the local stand-in plays the portal), and the error screen it can end on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import VIISP_WAY, heading, personal_code

pytestmark = pytest.mark.browser


def through_viisp(page: Page, code: str, given: str, family: str) -> None:
    page.goto("/")
    page.get_by_role("region", name=VIISP_WAY).get_by_role("link", name="Prisijungti").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VIISP")  # the stand-in portal
    page.get_by_label("Asmens kodas").fill(code)
    page.get_by_label("Vardas").fill(given)
    page.get_by_label("Pavardė").fill(family)
    page.get_by_role("button", name="Prisijungti / Sign in").click()


def test_first_viisp_sign_in_asks_only_for_the_phone_then_shows_the_account(page: Page, screens):
    code = personal_code()
    through_viisp(page, code, "Jonas", "Jonaitis")
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")
    expect(heading(page)).to_be_focused()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Vardą ir pavardę gavome iš VIISP")
    names = main.locator(".readonly-names")
    expect(names).to_contain_text("JONAS")
    expect(names).to_contain_text("JONAITIS")
    expect(main.get_by_role("textbox")).to_have_count(1)  # only what VIISP did not give
    expect(main.locator("label[for=phone]")).to_have_text("Telefono Nr. *")
    screens.seen(page, "15-viisp-contact")

    main.get_by_label("Telefono Nr.").fill("+370 612 34567")
    with page.expect_request(lambda request: request.method == "PUT") as put:
        main.get_by_role("button", name="Toliau").click()
    assert put.value.post_data_json == {"phone_number": "+370 612 34567"}
    expect(heading(page)).to_have_text("Mano paskyra")
    person = main.get_by_role("region", name="Asmens duomenys")
    expect(person).to_contain_text("3 lygio naudotojas: tapatybė patvirtinta per VIISP")
    expect(person).to_contain_text("Per VIISP")
    expect(person).to_contain_text("JONAITIS")
    expect(person).not_to_contain_text(code)  # the personal code is never shown back
    screens.seen(page, "16-viisp-account")

    # Signed out and in again through VIISP: straight to the account.
    page.get_by_role("button", name="Atsijungti").click()
    expect(heading(page)).to_have_text("Prisijungimas")
    through_viisp(page, code, "Jonas", "Jonaitis")
    expect(heading(page)).to_have_text("Mano paskyra")


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("invalid_ticket", "jau panaudotas arba pradėtas kitoje naršyklėje"),
        ("viisp_unavailable", "šiuo metu neatsako"),
        ("origin_mismatch", "ne iš MIGRIS ar VIISP puslapio"),
        ("something_else", "Prisijungimo per VIISP nepavyko užbaigti."),
    ],
)
def test_the_viisp_error_screen_says_why_and_what_next(page: Page, screens, reason: str, words: str):
    page.goto(f"/#/viisp-error?reason={reason}")
    expect(heading(page)).to_have_text("Nepavyko prisijungti per VIISP")
    expect(heading(page)).to_be_focused()
    expect(page.locator("#viisp-reason")).to_contain_text(words)
    expect(page.get_by_role("link", name="Bandyti prisijungti per VIISP dar kartą")).to_have_attribute(
        "href", "/login/viisp"
    )
    if reason == "invalid_ticket":
        screens.seen(page, "17-viisp-error")
    page.get_by_role("link", name="Grįžti į prisijungimo puslapį").click()
    expect(heading(page)).to_have_text("Prisijungimas")


def test_a_refused_viisp_callback_lands_on_the_error_screen(page: Page):
    """The callback answers a browser's refused ticket with a 303 to #/viisp-error?reason=invalid_ticket."""
    page.goto("/")
    page.evaluate(
        """() => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = "/login/viisp/callback";
            for (const [name, value] of [["ticket", "00000000-0000-0000-0000-000000000000"], ["customData", "x"]]) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.append(input);
            }
            document.body.append(form);
            form.submit();
        }"""
    )
    expect(page).to_have_url(re.compile(r"/#/viisp-error\?reason=invalid_ticket$"))
    expect(heading(page)).to_have_text("Nepavyko prisijungti per VIISP")
