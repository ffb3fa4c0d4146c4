"""Messages where they belong: beside their fields (aria-invalid, aria-describedby), announced, in the page's
own words; a lock told apart from a cooldown; a session that ended leads back to sign-in."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.support import (
    EMAIL_WAY,
    ask_for_code,
    heading,
    make_account,
    new_address,
    sign_in_by_email,
    words_pattern,
)

pytestmark = pytest.mark.browser


def expect_field_error(page: Page, field_id: str, words: str) -> None:
    """The field says it is invalid, and its error, beside it, is part of its description."""
    control = page.locator(f"#{field_id}")
    error = page.locator(f"#{field_id}-error")
    expect(error).to_have_text(words_pattern(words))
    expect(control).to_have_attribute("aria-invalid", "true")
    expect(control).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}-error\b"))
    expect(control).to_have_accessible_description(words_pattern(words))


def test_sign_in_messages_beside_the_e_mail_field(page: Page, screens):
    page.goto("/")
    way = page.get_by_role("region", name=EMAIL_WAY)
    way.get_by_role("button", name="Prisijungti").click()
    expect_field_error(page, "email", "Įveskite el. pašto adresą.")
    expect(page.get_by_label("El. paštas")).to_be_focused()
    expect(page.locator("#live-alert")).to_have_text("Įveskite el. pašto adresą.")
    expect(page).to_have_title(re.compile("^Klaida: Prisijungimas"))
    screens.seen(page, "06-sign-in-error")

    # The API's refusal, in the page's words (not the API's English).
    way.get_by_label("El. paštas").fill("ona@")
    way.get_by_role("button", name="Prisijungti").click()
    expect_field_error(page, "email", "Įveskite teisingą el. pašto adresą")
    expect(page.locator("#live-alert")).to_contain_text("Įveskite teisingą el. pašto adresą")

    # Fixed, the message goes.
    way.get_by_label("El. paštas").fill(new_address("pataisyta"))
    way.get_by_role("button", name="Prisijungti").click()
    expect(heading(page)).to_have_text("Prisijungimo kodas")
    expect(page.locator(".field-error")).to_have_count(0)


def test_code_messages_beside_the_code_field(page: Page, screens):
    ask_for_code(page, new_address("kodo.klaidos"))
    code = page.get_by_label("Laikinas kodas")
    code.fill("12ab")
    page.get_by_role("button", name="Toliau").click()
    expect_field_error(page, "code", "Kodą sudaro tik skaitmenys.")
    code.fill("00000000")
    page.get_by_role("button", name="Toliau").click()
    expect_field_error(page, "code", "Neteisingas arba nebegaliojantis kodas.")
    expect(code).to_be_focused()
    expect(page.locator("#live-alert")).to_contain_text("Neteisingas arba nebegaliojantis kodas.")
    screens.seen(page, "07-code-error")


def test_contact_messages_beside_each_field(page: Page, site: str, screens):
    sign_in_by_email(page, site, new_address("kontaktai"))
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")
    page.get_by_role("button", name="Toliau").click()
    expect_field_error(page, "given-name", "Įveskite vardą (-us).")
    expect_field_error(page, "family-name", "Įveskite pavardę (-es).")
    expect_field_error(page, "phone", "Įveskite telefono numerį.")
    expect(page.get_by_label("Vardas (-ai)")).to_be_focused()

    # Refused by the API: each field says what is wrong with it.
    page.get_by_label("Vardas (-ai)").fill("Ona1")
    page.get_by_label("Pavardė (-ės)").fill("Petraitienė")
    page.get_by_label("Telefono Nr.").fill("123")
    page.get_by_role("button", name="Toliau").click()
    expect_field_error(page, "given-name", "Naudokite tik raides, tarpus, brūkšnelius ir apostrofus")
    expect_field_error(page, "phone", "Įveskite teisingą telefono numerį su šalies kodu")
    expect(page.locator("#family-name")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Vardas (-ai)")).to_be_focused()
    expect(page.get_by_label("Vardas (-ai)")).to_have_value("Ona1")  # what was typed stays
    screens.seen(page, "08-contact-errors")


def test_a_tower_of_marks_on_a_letter_is_said_so_not_called_too_long(page: Page, site: str):
    sign_in_by_email(page, site, new_address("zenklai"))
    page.get_by_label("Vardas (-ai)").fill("Z" + "\u0336" * 30)  # 31 characters: the length is not what is wrong
    page.get_by_label("Pavardė (-ės)").fill("Petraitienė")
    page.get_by_label("Telefono Nr.").fill("+370 612 34567")
    page.get_by_role("button", name="Toliau").click()
    expect_field_error(page, "given-name", "Prie vienos raidės gali būti ne daugiau kaip 4 diakritiniai ženklai.")


def test_a_locked_address_is_told_apart_from_a_cooldown(page: Page, screens):
    address = new_address("uzrakintas")
    ask_for_code(page, address)
    code = page.get_by_label("Laikinas kodas")
    for _ in range(3):  # the stack under test locks after 3 wrong codes
        code.fill("00000000")
        with page.expect_response(lambda response: response.url.endswith("/login/email/verify")):
            page.get_by_role("button", name="Toliau").click()
    locked = page.locator("#notice-code")
    expect(locked).to_contain_text("laikinai užrakintas")
    expect(locked).to_contain_text(re.compile(r"Bandykite vėl po 15 min\. \(apie \d\d:\d\d\)"))
    expect(page.get_by_role("button", name="Siųsti naują kodą")).to_be_disabled()
    expect(page.locator("#resend-status")).to_have_text("Po 15 min. galėsite gauti naują kodą.")
    screens.seen(page, "09-code-locked")

    # Asking again for the same address: still the lock, not a cooldown.
    page.get_by_role("button", name="Naudoti kitą el. pašto adresą").click()
    way = page.get_by_role("region", name=EMAIL_WAY)
    way.get_by_label("El. paštas").fill(address)
    way.get_by_role("button", name="Prisijungti").click()
    expect(page.locator("#email-error")).to_contain_text("laikinai užrakintas")


def answer_429(page: Page, code: str, retry_after: int) -> None:
    body = json.dumps({"error": {"code": code, "message": "Too many"}})

    def handle(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        headers = {"Retry-After": str(retry_after), "Content-Type": "application/json"}
        route.fulfill(status=429, headers=headers, body=body)

    page.route("**/login/email", handle)


def test_a_cooldown_and_a_sending_limit_say_how_long_to_wait(page: Page):
    answer_429(page, "rate_limited", 30)
    page.goto("/")
    way = page.get_by_role("region", name=EMAIL_WAY)
    way.get_by_label("El. paštas").fill(new_address("palaukti"))
    way.get_by_role("button", name="Prisijungti").click()
    expect(page.locator("#email-error")).to_contain_text("Kodas šiuo adresu ką tik išsiųstas.")
    expect(page.locator("#email-error")).to_contain_text(re.compile(r"Po (30|29|28) s galėsite gauti naują kodą\."))
    expect(page.locator("#email-error")).not_to_contain_text("užrakintas")

    page.unroute("**/login/email")
    answer_429(page, "rate_limited", 3000)
    way.get_by_role("button", name="Prisijungti").click()
    expect(page.locator("#email-error")).to_contain_text("išsiųsta per daug kodų")
    expect(page.locator("#email-error")).to_contain_text(re.compile(r"po 50 min\. \(apie \d\d:\d\d\)"))
    expect(page.locator("#email-error")).not_to_contain_text("užrakintas")


def test_no_connection_is_said_so(page: Page):
    page.goto("/")
    page.route("**/login/email", lambda route: route.abort())
    way = page.get_by_role("region", name=EMAIL_WAY)
    way.get_by_label("El. paštas").fill(new_address("rysys"))
    way.get_by_role("button", name="Prisijungti").click()
    expect(page.locator("#notice-email")).to_contain_text("Nepavyko susisiekti su serveriu.")
    expect(page.locator("#notice-email")).to_be_focused()


def test_an_ended_session_leads_back_to_sign_in(page: Page, site: str, screens):
    address = new_address("pasibaigusi")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    page.context.clear_cookies()  # as when the session expires on the server
    page.get_by_label("Naujas telefono Nr.").fill("+370 612 00000")
    page.get_by_role("button", name="Keisti telefono numerį").click()
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(heading(page)).to_be_focused()
    expect(page.locator(".notice--error")).to_contain_text("Jūsų sesija baigėsi. Prisijunkite iš naujo.")
    expect(page.get_by_role("button", name="Atsijungti")).to_be_hidden()
    screens.seen(page, "10-session-ended")
