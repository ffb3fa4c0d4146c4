"""The account page: phone and e-mail changes, successes that look unlike errors, and signing out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import heading, latest_code, mails_to, make_account, new_address, sign_in_by_email

pytestmark = pytest.mark.browser


def notice_colours(page: Page, selector: str) -> tuple[str, str]:
    return page.locator(selector).evaluate(
        "element => [getComputedStyle(element).backgroundColor, getComputedStyle(element).color]"
    )


def test_the_phone_number_changes_and_a_success_looks_unlike_an_error(page: Page, site: str, screens):
    address = new_address("telefonas")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    phone = page.get_by_role("region", name="Telefono numeris")
    expect(phone).to_contain_text("+37061234567")

    phone.get_by_label("Naujas telefono Nr.").fill("12")
    phone.get_by_role("button", name="Keisti telefono numerį").click()
    expect(page.locator("#new-phone-error")).to_contain_text("Įveskite teisingą telefono numerį")
    expect(phone.get_by_label("Naujas telefono Nr.")).to_have_attribute("aria-invalid", "true")
    error_colours = notice_colours(page, "#new-phone-error")

    phone.get_by_label("Naujas telefono Nr.").fill("+370 699 11223")
    phone.get_by_role("button", name="Keisti telefono numerį").click()
    success = page.locator("#notice-phone")
    expect(success).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(success).to_contain_text("Telefono numeris pakeistas.")
    expect(success).to_be_focused()
    expect(page.locator("#live-status")).to_have_text("Telefono numeris pakeistas.")
    expect(page.locator("#new-phone-error")).to_have_count(0)
    expect(phone).to_contain_text("+37069911223")
    expect(phone.get_by_label("Naujas telefono Nr.")).to_have_value("")
    assert notice_colours(page, "#notice-phone")[1] != error_colours[1]
    assert page.locator(".notice--error").count() == 0
    screens.seen(page, "11-account-phone-changed")


def test_the_e_mail_address_changes_with_a_code_sent_to_it(page: Page, site: str, screens):
    old = new_address("senas")
    new = new_address("naujas")
    make_account(site, old)
    sign_in_by_email(page, site, old)
    email = page.get_by_role("region", name="El. pašto adresas")
    email.get_by_label("Naujas el. pašto adresas").fill(old)
    email.get_by_role("button", name="Siųsti patvirtinimo kodą").click()
    expect(page.locator("#new-email-error")).to_contain_text("Tai jūsų dabartinis el. pašto adresas.")

    email.get_by_label("Naujas el. pašto adresas").fill(new)
    email.get_by_role("button", name="Siųsti patvirtinimo kodą").click()
    expect(page.locator("#notice-email")).to_contain_text(f"Patvirtinimo kodą išsiuntėme adresu {new}.")
    expect(email).to_contain_text(f"Laukiama patvirtinimo: {new}")
    code = email.get_by_label("Patvirtinimo kodas")
    expect(code).to_be_focused()
    assert mails_to(site, old), "the old address is told of the change"
    screens.seen(page, "12-account-email-pending")

    code.fill("00000000")
    email.get_by_role("button", name="Patvirtinti").click()
    expect(page.locator("#email-code-error")).to_contain_text("Neteisingas arba nebegaliojantis kodas.")

    code.fill(latest_code(site, new))
    email.get_by_role("button", name="Patvirtinti").click()
    expect(page.locator("#notice-email")).to_contain_text("El. pašto adresas pakeistas.")
    expect(page.locator("#notice-email")).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(email.locator("dd")).to_have_text(new)
    expect(email.get_by_label("Naujas el. pašto adresas")).to_be_visible()  # no change pending any more
    screens.seen(page, "13-account-email-changed")


def test_sign_out(page: Page, site: str, screens):
    address = new_address("atsijungti")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    page.get_by_role("banner").get_by_role("button", name="Atsijungti").click()
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(heading(page)).to_be_focused()
    expect(page.locator("#notice-page")).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(page.locator("#notice-page")).to_contain_text("Jūs atsijungėte.")
    expect(page.get_by_role("button", name="Atsijungti")).to_be_hidden()
    assert not [c for c in page.context.cookies() if c["name"] == "__Host-session"]
    screens.seen(page, "14-signed-out")
    page.reload()  # the session is gone on the server too
    expect(heading(page)).to_have_text("Prisijungimas")
