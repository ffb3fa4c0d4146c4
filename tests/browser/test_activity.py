"""The account's activity as a person reads it (GET /activity): each sign-in with how and from which browser,
each change, and a staff change with staff's reason, "Migration staff" and never an ARN; newest first; times on the
24-hour clock, day before month (English too), and a phone grouped as on the account. In Lithuanian, Ukrainian and
English."""

# The texts are the pages' own, in Cyrillic where Ukrainian writes it.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    api,
    choose_language,
    heading,
    make_account,
    new_address,
    sign_in_by_email,
    staff_client,
)

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Words:
    code: str
    account: str
    region: str
    signed_in: str
    by_email: str
    staff_changed: str
    staff: str
    reason: str
    given_name: str
    contact_filled: str
    moment: str  # a pattern: how a time reads


LITHUANIAN = Words(
    code="lt",
    account="Mano paskyra",
    region="Veikla jūsų paskyroje",
    signed_in="Prisijungta",
    by_email="El. paštas ir laikinas kodas",
    staff_changed="Pakeitė migracijos darbuotojas",
    staff="Migracijos darbuotojas",
    reason="Darbuotojo nurodyta priežastis",
    given_name="Vardas (-ai)",
    contact_filled="Užpildyti kontaktiniai duomenys",
    moment=r"^\d{4}-\d{2}-\d{2},? [0-2]\d:[0-5]\d$",
)
UKRAINIAN = Words(
    code="uk",
    account="Мій обліковий запис",
    region="Дії у Вашому обліковому записі",
    signed_in="Вхід",
    by_email="Електронна пошта й тимчасовий код",
    staff_changed="Змінено працівником міграційної служби",
    staff="Працівник міграційної служби",
    reason="Причина, вказана працівником",
    given_name="Ім’я",
    contact_filled="Заповнено контактні дані",
    moment=r"^\d{1,2}\s\S+\s\d{4}\sр\.,\s[0-2]\d:[0-5]\d$",  # some spaces are no-break ones
)
ENGLISH = Words(
    code="en",
    account="My account",
    region="Activity on your account",
    signed_in="Signed in",
    by_email="E-mail and temporary code",
    staff_changed="Changed by migration staff",
    staff="Migration staff",
    reason="Reason given by staff",
    given_name="Given name(s)",
    contact_filled="Contact details filled in",
    moment=r"^\d{1,2} [A-Z][a-z]{2,3} \d{4}, [0-2]\d:[0-5]\d$",  # 7 Dec 2026, 17:13: never 5:13 PM
)


@pytest.mark.parametrize("words", [LITHUANIAN, UKRAINIAN, ENGLISH], ids=lambda words: words.code)
def test_the_activity_shows_sign_ins_changes_and_staffs_reason(page: Page, site: str, screens, words: Words):
    address = new_address(f"veikla.{words.code}")
    token = make_account(site, address)
    status, profile = api(site, "GET", "/profile", token=token)
    assert status == 200
    changed = staff_client(site).change(profile["user_id"], {"given_name": "Rūta"}, "Pasas patikrintas LT1234567")
    assert changed.status == 200, changed.body

    sign_in_by_email(page, site, address)
    if words.code != "lt":
        choose_language(page, words.code)
    expect(heading(page)).to_have_text(words.account)
    events = page.get_by_role("region", name=words.region).get_by_role("listitem")
    expect(events.first).to_be_visible()
    newest, staff_change = events.nth(0), events.nth(1)
    expect(newest.get_by_role("heading", level=3)).to_have_text(words.signed_in)
    expect(newest).to_contain_text(words.by_email)
    expect(newest.locator("time")).to_have_count(1)
    expect(newest.locator("time")).to_have_text(re.compile(words.moment))
    expect(staff_change.get_by_role("heading", level=3)).to_have_text(words.staff_changed)
    expect(staff_change).to_contain_text(words.staff)
    expect(staff_change).to_contain_text(words.reason)
    expect(staff_change).to_contain_text("Pasas patikrintas LT1234567")
    expect(staff_change).to_contain_text(words.given_name)
    expect(staff_change).to_contain_text("Ona")
    expect(staff_change).to_contain_text("Rūta")
    expect(events.nth(2).get_by_role("heading", level=3)).to_have_text(words.contact_filled)
    expect(events.nth(2).locator(".phone")).to_have_text("+370 612 34567")  # grouped, not +37061234567
    expect(page.get_by_role("main")).not_to_contain_text("arn:")
    page.get_by_role("region", name=words.region).scroll_into_view_if_needed()
    screens.seen(page, f"36-account-activity-{words.code}")
