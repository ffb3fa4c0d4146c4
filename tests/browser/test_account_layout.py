"""The account page on a phone and on a wide screen (issue 23): short at 360 px (the long cards fold under their
headings), two columns at 1280 px, the phone number grouped for reading, only the latest success shown, words
that fit the account; and the contact screen that says which alphabet the names take, with an example."""

# The Cyrillic in this file (the Ukrainian pages) is on purpose: no confusable here.
# ruff: noqa: RUF001

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import heading, make_account, new_address, sign_in_by_email, sign_in_by_keyboard

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
WIDE = {"width": 1280, "height": 800}
# The account page of an e-mail account was 6,905 px tall at 360 px and 4,841 px at 1280 px before its cards
# folded and it took two columns (issue 23); now about 2,150 and 3,420.
SHORT_ON_A_PHONE = 2400
FOLDED = ("passkeys", "sessions", "devices", "activity", "my-data", "erase")
FINGER = 44  # px: the least height of anything a finger presses (WCAG 2.5.5)


def page_height(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def choose(page: Page, code: str) -> None:
    page.add_init_script(f"localStorage.setItem('migris.language', JSON.stringify('{code}'))")


def to_the_account(page: Page, site: str, label: str) -> None:
    address = new_address(label)
    make_account(site, address)
    sign_in_by_email(page, site, address)
    expect(page.locator("#sessions .session")).not_to_have_count(0)  # the lists have come
    expect(page.locator("#devices")).to_have_count(1)


def test_on_a_phone_the_account_page_is_short_and_its_long_cards_fold(page: Page, site: str, screens):
    page.set_viewport_size(PHONE)
    to_the_account(page, site, "trumpas")
    for card in FOLDED:
        expect(page.locator(f"#{card} > details")).not_to_have_attribute("open", re.compile(".*"))
    expect(page.get_by_role("region", name="Telefono numeris")).to_be_visible()  # the person's own data is open
    height = page_height(page)
    assert height <= SHORT_ON_A_PHONE, f"the account page is {height} px tall at 360 px"
    # The whole folded card is its header, and a finger's target: not only the heading's line.
    for card in FOLDED:
        box, header = page.locator(f"#{card}").bounding_box(), page.locator(f"#{card}-fold").bounding_box()
        assert box and header and header["height"] >= FINGER, f"{card}'s header is {header} px"
        assert abs(header["height"] - box["height"]) <= 2 and abs(header["width"] - box["width"]) <= 2, card
    for fold in ("#phone-change", "#email-change"):  # "Enter a new phone number / e-mail address"
        line = page.locator(f"{fold} > summary").bounding_box()
        assert line and line["height"] >= FINGER, f"{fold}'s line is {line} px"

    # A folded card opens under its heading (a tap at its edge, away from the words, does it too), and stays
    # open while the person is on the page.
    sessions = page.get_by_role("region", name="Kur esate prisijungę")
    box = sessions.bounding_box()
    assert box
    sessions.click(position={"x": box["width"] - 6, "y": box["height"] - 6})
    here = sessions.get_by_role("button", name="Atsijungti šiame įrenginyje")
    expect(here).to_be_visible()
    phone = page.get_by_role("region", name="Telefono numeris")
    phone.get_by_text("Įvesti naują telefono numerį").click()  # the change form, folded under one line
    phone.get_by_label("Naujas telefono Nr.").fill("+370 699 11223")
    page.get_by_role("button", name="Keisti telefono numerį").click()
    expect(page.locator("#notice-phone")).to_be_focused()
    expect(here).to_be_visible()
    expect(page.locator("#erase > details")).not_to_have_attribute("open", re.compile(".*"))
    screens.seen(page, "23-account-phone-lt")


def test_on_a_wide_screen_the_account_page_has_two_columns(page: Page, site: str):
    page.set_viewport_size(WIDE)
    to_the_account(page, site, "platus")
    person = page.get_by_role("region", name="Asmens duomenys").bounding_box()
    sessions = page.get_by_role("region", name="Kur esate prisijungę").bounding_box()
    assert person and sessions
    assert sessions["x"] >= person["x"] + person["width"], "the lists stand beside the person's data"
    assert sessions["y"] < person["y"] + person["height"]
    main = page.locator("main").bounding_box()
    assert main and main["width"] >= 1100, f"the page uses {main and main['width']} px of 1280"
    # The header's and the footer's words start where the page's do (one column edge, not three).
    for part in (".site-header__inner", ".site-footer__inner"):
        box = page.locator(part).bounding_box()
        assert box and (box["x"], box["width"]) == (main["x"], main["width"]), f"{part}: {box}, main: {main}"
    for card in FOLDED:  # room for every card open
        expect(page.locator(f"#{card} > details")).to_have_attribute("open", "")
    assert page_height(page) < 4000  # was 4,841 in one narrow column

    # Turned to a narrow window (a tablet turned, a window made small), the cards fold again: open because the
    # window was wide is not open because the person opened it. One the person closed stays closed when wide again.
    page.set_viewport_size(PHONE)
    for card in FOLDED:
        expect(page.locator(f"#{card} > details")).not_to_have_attribute("open", re.compile(".*"))
    page.set_viewport_size(WIDE)
    page.locator("#sessions-fold").click()
    expect(page.locator("#sessions > details")).not_to_have_attribute("open", re.compile(".*"))
    page.set_viewport_size(PHONE)
    page.set_viewport_size(WIDE)
    expect(page.locator("#devices > details")).to_have_attribute("open", "")
    expect(page.locator("#sessions > details")).not_to_have_attribute("open", re.compile(".*"))


def test_the_phone_number_is_grouped_and_only_the_latest_success_is_shown(page: Page, site: str):
    address = new_address("grupes")
    make_account(site, address, complete=False)
    sign_in_by_email(page, site, address)
    expect(page.locator("#sign-out")).to_be_visible()  # signed in on the contact screen too
    page.get_by_label("Vardas (-ai)").fill("Olena")
    page.get_by_label("Pavardė (-ės)").fill("Kovalenko")
    page.get_by_label("Telefono Nr.").fill("+380671234567")
    page.get_by_role("button", name="Toliau").click()
    expect(page.locator("#notice-page")).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(page.locator("#current-phone")).to_have_text("+380 67 123 45 67")
    expect(page.locator("#sign-out")).to_be_visible()

    phone = page.get_by_role("region", name="Telefono numeris")
    phone.get_by_label("Naujas telefono Nr.").fill("+370 612 34567")
    phone.get_by_role("button", name="Keisti telefono numerį").click()
    expect(page.locator("#current-phone")).to_have_text("+370 612 34567")
    expect(page.locator(".notice--success")).to_have_count(1)  # "saved" made way for "changed"
    expect(page.locator("#notice-phone")).to_contain_text("Telefono numeris pakeistas.")


@pytest.mark.parametrize(
    ("number", "read"),
    [
        ("+37061234567", "+370 612 34567"),
        ("+37052123456", "+370 521 23456"),
        ("+380501234567", "+380 50 123 45 67"),
        ("+375291234567", "+375 29 123 45 67"),
        ("+79123456789", "+7 912 345 67 89"),
        ("+48512345678", "+48 512 345 678"),
        ("+37121234567", "+371 2123 4567"),
        ("+4915123456789", "+49 151 23456789"),
        ("+12025550123", "+1 202 555 0123"),
        ("+4930123456", "+49 301 234 56"),
        ("+995555123456", "+995 555 123 456"),
        ("061234567", "061234567"),  # not E.164: as it is
    ],
)
def test_a_phone_number_is_grouped_by_its_country(page: Page, number: str, read: str):
    page.goto("/")
    expect(heading(page)).to_be_visible()
    words = page.evaluate("n => import('/js/phone.js').then(m => m.phoneWords(n))", number)
    assert words == read


@pytest.mark.parametrize("code", ["lt", "uk"])
def test_the_contact_screen_says_which_alphabet_with_an_example(page: Page, site: str, screens, code: str):
    choose(page, code)
    address = new_address(f"abecele.{code}")
    make_account(site, address, complete=False)
    sign_in_by_keyboard(page, site, address)
    given = page.locator("#given-name")
    expect(given).to_be_visible()
    latin = {"lt": "lotyniškomis raidėmis", "uk": "латиницею"}[code]
    example = {"lt": "Pavyzdžiui: Olena Kovalenko", "uk": "Наприклад: Olena Kovalenko"}[code]
    expect(given).to_have_accessible_description(re.compile(latin))
    expect(given).to_have_accessible_description(re.compile(example))
    expect(page.locator("#sign-out")).to_be_visible()
    screens.seen(page, f"23-contact-{code}")


@pytest.mark.parametrize("code", ["lt", "uk"])
def test_the_account_page_at_both_widths(page: Page, site: str, screens, code: str):
    choose(page, code)
    page.set_viewport_size(PHONE)
    address = new_address(f"paskyra.{code}")
    make_account(site, address)
    sign_in_by_keyboard(page, site, address)
    expect(page.locator("#current-phone")).to_have_text("+370 612 34567")
    expect(page.locator("#link-eidas")).to_contain_text("eIDAS")
    names = {
        "lt": "Susiejus paskyrą, jūsų įrašyti vardas ir pavardė",
        "uk": "Коли Ви пов’яжете обліковий запис, введені Вами",
    }[code]
    expect(page.locator("#link-names")).to_contain_text(names)
    expect(page.locator("#sessions .session")).not_to_have_count(0)
    screens.seen(page, f"23-account-{code}")
