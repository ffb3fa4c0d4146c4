"""The account page's last two cards (issue 22, items 3 and 4): "Download my data" saves the export as a file,
and says to sign in again when the session is no longer fresh; "Delete my account" explains what goes and what
stays, asks once more, and afterwards the person is signed out and told the account is gone. Each in Lithuanian
and Ukrainian."""

# The Cyrillic in this file (the Ukrainian page) is on purpose: no confusable here.

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.support import api, choose_language, heading, mails_to, make_account, new_address, sign_in_by_email

pytestmark = pytest.mark.browser


def test_the_data_downloads_as_a_file_and_a_stale_session_is_told_to_sign_in_again(page: Page, site: str, screens):
    address = new_address("duomenys")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    card = page.get_by_role("region", name="Jūsų duomenys")
    with page.expect_download() as downloading:
        card.get_by_role("button", name="Atsisiųsti mano duomenis").click()
    download = downloading.value
    assert re.fullmatch(r"migris-account-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    saved = json.loads(open(download.path(), encoding="utf-8").read())  # noqa: SIM115
    assert saved["account"]["email"] == address and saved["account"]["phone_number"] == "+37061234567"
    expect(page.locator("#notice-data")).to_contain_text("Jūsų duomenys įrašyti į failą")
    screens.seen(page, "40-lt-account-data-saved")

    def stale(route: Route) -> None:
        error = {"error": {"code": "fresh_sign_in_required", "message": "refused"}}
        route.fulfill(status=403, content_type="application/json", body=json.dumps(error))

    page.route("**/profile/export", stale)
    card.get_by_role("button", name="Atsisiųsti mano duomenis").click()
    notice = page.locator("#notice-data")
    expect(notice).to_be_focused()
    expect(notice).to_contain_text("per 10\u00a0minučių nuo prisijungimo")
    again = card.get_by_role("button", name="Prisijungti iš naujo")
    expect(again).to_be_visible()
    again.click()
    expect(heading(page)).to_have_text("Prisijungimas")


def test_the_data_downloads_in_ukrainian_with_the_activity_in_it(page: Page, site: str):
    address = new_address("dani")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    choose_language(page, "uk")
    expect(heading(page)).to_have_text("Мій обліковий запис")
    card = page.get_by_role("region", name="Ваші дані")
    with page.expect_download() as downloading:
        card.get_by_role("button", name="Завантажити мої дані").click()
    saved = json.loads(open(downloading.value.path(), encoding="utf-8").read())  # noqa: SIM115
    assert saved["account"]["email"] == address
    assert "signed_in" in [line["kind"] for line in saved["activity"]]
    expect(page.locator("#notice-data")).to_contain_text("Ваші дані збережено")


def test_deleting_the_account_in_ukrainian_asks_once_more_then_signs_out(page: Page, site: str, screens):
    address = new_address("trinti")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    # The choice is kept on the account (PATCH /profile) before anything else: the notice will speak it.
    with page.expect_response(lambda r: r.url.endswith("/profile") and r.request.method == "PATCH") as kept:
        choose_language(page, "uk")
    assert kept.value.status == 200
    # The account keeps it before the erasure is asked (no later write of the page's may overwrite it).
    for _ in range(50):
        if (
            page.evaluate("fetch('/profile', {credentials: 'include'}).then(r => r.json()).then(p => p.language)")
            == "uk"
        ):
            break
        page.wait_for_timeout(100)
    expect(heading(page)).to_have_text("Мій обліковий запис")
    card = page.get_by_role("region", name="Видалення облікового запису")
    expect(card).to_contain_text("без Вашого імені та адреси")
    card.get_by_role("button", name="Видалити мій обліковий запис").click()
    confirm = card.get_by_role("button", name="Так, видалити мій обліковий запис")
    expect(confirm).to_be_focused()
    expect(card).to_contain_text("Цю дію неможливо скасувати.")
    screens.seen(page, "41-uk-account-erase-confirm")
    card.get_by_role("button", name="Скасувати").click()  # changed their mind: nothing happens
    expect(card.get_by_role("button", name="Видалити мій обліковий запис")).to_be_focused()

    card.get_by_role("button", name="Видалити мій обліковий запис").click()
    with page.expect_response(
        lambda response: response.url.endswith("/profile") and response.request.method == "DELETE"
    ) as erased:
        card.get_by_role("button", name="Так, видалити мій обліковий запис").click()
    assert erased.value.status == 204
    expect(heading(page)).to_have_text("Вхід")
    expect(page.locator("#notice-page")).to_contain_text("Ваш обліковий запис видалено")
    assert not [c for c in page.context.cookies() if c["name"] == "__Host-session"]
    screens.seen(page, "42-uk-account-erased")
    # The page's language went to the account: the notice is in Ukrainian. The address may start anew.
    assert mails_to(site, address)[-1]["subject"] == "MIGRIS: обліковий запис видалено"
    status, started = api(site, "POST", "/login/email", {"email": address}, source="127.0.0.3")
    assert status == 202, started


def test_deleting_the_account_in_lithuanian(page: Page, site: str):
    address = new_address("istrinti")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    card = page.get_by_role("region", name="Paskyros ištrynimas")
    expect(card).to_contain_text("tačiau be jūsų vardo ir adreso")
    card.get_by_role("button", name="Ištrinti mano paskyrą").click()
    card.get_by_role("button", name="Taip, ištrinti mano paskyrą").click()
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(page.locator("#notice-page")).to_contain_text("Jūsų paskyra ištrinta, o jūs atjungti.")
    assert mails_to(site, address)[-1]["subject"] == "MIGRIS: paskyra ištrinta"


def test_a_stale_session_cannot_delete_and_is_told_to_sign_in_again(page: Page, site: str):
    address = new_address("senas")
    make_account(site, address)
    sign_in_by_email(page, site, address)

    def stale(route: Route) -> None:
        if route.request.method != "DELETE":
            route.fallback()
            return
        error = {"error": {"code": "fresh_sign_in_required", "message": "refused"}}
        route.fulfill(status=403, content_type="application/json", body=json.dumps(error))

    page.route("**/profile", stale)
    card = page.get_by_role("region", name="Paskyros ištrynimas")
    card.get_by_role("button", name="Ištrinti mano paskyrą").click()
    card.get_by_role("button", name="Taip, ištrinti mano paskyrą").click()
    expect(page.locator("#notice-erase")).to_contain_text("per 10\u00a0minučių nuo prisijungimo")
    expect(card.get_by_role("button", name="Prisijungti iš naujo")).to_be_visible()
    expect(heading(page)).to_have_text("Mano paskyra")
