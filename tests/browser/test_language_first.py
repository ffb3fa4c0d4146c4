"""Language first: a browser that prefers Ukrainian, Russian or English gets its language at once, and only that
language's strings load; the four languages are named in their own script on the first screen, beside the seed's
two notices; a language picked on this browser wins and is kept, and only a pick is sent to the account, so a
sign-in on a new phone keeps the account's language (issue 23, items 1, 2 and 9)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.browser.support import (
    LANGUAGE_NAMES,
    api,
    choose_language,
    fresh_page,
    heading,
    language_button,
    latest_code,
    make_account,
    new_address,
    sign_in_by_email,
    sign_in_by_keyboard,
)

pytestmark = pytest.mark.browser

SIGN_IN = {"lt": "Prisijungimas", "en": "Sign in", "uk": "Вхід", "ru": "Вход"}
LANGUAGE_LABEL = {"lt": "Kalba", "en": "Language", "uk": "Мова", "ru": "Язык"}
UKRAINE = "Важлива інформація для біженців від війни з України / Svarbi informacija Ukrainos karo pabėgėliams"
BELARUS = "Інформація для громадян Беларусі (абноўлена)"


def string_files(page: Page) -> list[str]:
    """Start recording the string files (web/i18n/*.js) the page fetches; the list fills as it does."""
    fetched: list[str] = []

    def heard(request: Request) -> None:
        if re.search(r"/i18n/[a-z]+\.js$", request.url):
            fetched.append(request.url.rsplit("/", 1)[1])

    page.on("request", heard)
    return fetched


def kept_language(page: Page) -> object:
    return page.evaluate("() => localStorage.getItem('migris.language')")


@pytest.mark.parametrize(
    ("locale", "code"), [("uk-UA", "uk"), ("ru-RU", "ru"), ("en-GB", "en"), ("lt-LT", "lt"), ("de-DE", "lt")]
)
def test_the_browsers_language_comes_at_once_and_only_its_strings_load(
    browser: Browser, site: str, locale: str, code: str
):
    with fresh_page(browser, site, locale=locale) as page:
        fetched = string_files(page)
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(heading(page)).to_have_text(SIGN_IN[code])
        expect(
            heading(page)
        ).to_be_visible()  # settled (the focus stays at the start: the first Tab reaches the skip link)
        group = page.get_by_role("group", name=LANGUAGE_LABEL[code])
        for other, name in LANGUAGE_NAMES.items():
            button = group.get_by_role("button", name=name, exact=True)
            expect(button).to_have_attribute("lang", other)
            expect(button).to_have_attribute("aria-pressed", str(other == code).lower())
        page.wait_for_load_state("networkidle")
        assert fetched == [f"{code}.js"]  # one string file, not four
        assert kept_language(page) is None  # the browser's language is shown, not kept as if picked


def test_a_change_of_language_loads_the_new_file_before_the_page_speaks_it(browser: Browser, site: str):
    with fresh_page(browser, site, locale="uk-UA") as page:
        fetched = string_files(page)
        page.goto("/")
        expect(heading(page)).to_have_text("Вхід")
        with page.expect_response(re.compile(r"/i18n/ru\.js$")):
            choose_language(page, "ru")
        expect(heading(page)).to_have_text("Вход")
        expect(language_button(page, "uk")).to_have_attribute("aria-pressed", "false")
        choose_language(page, "uk")  # loaded once: not fetched again
        expect(heading(page)).to_have_text("Вхід")
        assert fetched == ["uk.js", "ru.js"]


def test_a_language_picked_on_this_browser_wins_over_the_browsers(browser: Browser, site: str):
    with fresh_page(browser, site, locale="uk-UA") as page:
        page.goto("/")
        expect(heading(page)).to_have_text("Вхід")
        choose_language(page, "en")
        assert kept_language(page) == '"en"'
        page.reload()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(heading(page)).to_have_text("Sign in")


@pytest.mark.parametrize("code", ["lt", "en", "uk", "ru"])
def test_the_seeds_two_notices_are_on_the_first_screen_in_their_own_words(page: Page, screens, code: str):
    page.goto("/")
    expect(heading(page)).to_be_visible()  # settled (the focus stays at the start: the first Tab reaches the skip link)
    if code != "lt":
        choose_language(page, code)
    main = page.get_by_role("main")
    ukraine = main.get_by_role("link", name=UKRAINE)
    belarus = main.get_by_role("link", name=BELARUS)
    expect(ukraine).to_have_attribute("href", "https://migracija.lrv.lt/uk/")
    expect(belarus).to_have_attribute("href", "https://migracija.lrv.lt/")
    for link in (ukraine, belarus):
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", "noopener")
    # Each part is marked with its own language, whatever language the page is in.
    expect(ukraine.locator('[lang="uk"]')).to_have_text("Важлива інформація для біженців від війни з України")
    expect(ukraine.locator('[lang="lt"]')).to_have_text("Svarbi informacija Ukrainos karo pabėgėliams")
    expect(belarus.locator('[lang="be"]')).to_have_text(BELARUS)
    # Above the ways in, where the eye lands first.
    first_link = main.get_by_role("link").first
    expect(first_link).to_have_attribute("href", "https://migracija.lrv.lt/uk/")
    screens.seen(page, f"05-{code}-sign-in-notices")


def test_a_sign_in_on_a_new_lithuanian_phone_keeps_the_accounts_ukrainian(page: Page, site: str):
    address = new_address("nauja.telefonas")
    token = make_account(site, address)
    status, profile = api(site, "PATCH", "/profile", {"language": "uk"}, token=token, source="127.0.0.2")
    assert status == 200 and profile["language"] == "uk", profile

    patches: list[object] = []
    page.on("request", lambda r: patches.append(r.post_data_json) if r.method == "PATCH" else None)
    sign_in_by_email(page, site, address)  # a lt-LT browser, in Lithuanian, nothing picked
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(heading(page)).to_have_text("Мій обліковий запис")
    expect(language_button(page, "uk")).to_have_attribute("aria-pressed", "true")
    page.reload()  # the account's language again, without a pick kept here
    expect(heading(page)).to_have_text("Мій обліковий запис")
    page.wait_for_timeout(1000)  # a PATCH would be asked as the account shows: time for one that should not be
    assert patches == []
    assert kept_language(page) is None
    status, profile = api(site, "GET", "/profile", token=token, source="127.0.0.2")
    assert status == 200 and profile["language"] == "uk", profile


def test_a_language_picked_before_signing_in_is_sent_to_the_account(page: Page, site: str):
    address = new_address("pasirinkta.kalba")
    token = make_account(site, address)
    api(site, "PATCH", "/profile", {"language": "uk"}, token=token, source="127.0.0.2")
    page.goto("/")
    expect(heading(page)).to_be_visible()  # settled (the focus stays at the start: the first Tab reaches the skip link)
    choose_language(page, "en")
    choose_language(page, "lt")  # the pick is Lithuanian now: kept, and sent
    with page.expect_response(lambda r: r.request.method == "PATCH") as sent:
        sign_in_by_email(page, site, address)
    assert sent.value.request.post_data_json == {"language": "lt"}
    expect(heading(page)).to_have_text("Mano paskyra")
    status, profile = api(site, "GET", "/profile", token=token, source="127.0.0.2")
    assert status == 200 and profile["language"] == "lt", profile


@pytest.mark.parametrize(("locale", "sent"), [("uk-UA", "uk"), ("de-DE", None)])
def test_an_account_that_keeps_no_language_is_told_the_browsers_never_the_default(
    browser: Browser, site: str, locale: str, sent: str | None
):
    address = new_address("be.kalbos")
    token = make_account(site, address)
    with fresh_page(browser, site, locale=locale) as page:
        patches: list[object] = []
        page.on("request", lambda r: patches.append(r.post_data_json) if r.method == "PATCH" else None)
        page.goto("/")
        expect(heading(page)).to_have_text(SIGN_IN[sent or "lt"])
        page.locator("#email").fill(address)
        page.locator("#email").press("Enter")
        expect(page.locator("#code")).to_be_visible()
        page.locator("#code").fill(latest_code(site, address))
        if sent:
            with page.expect_response(lambda r: r.request.method == "PATCH") as told:
                page.locator("#code").press("Enter")
            assert told.value.status == 200
        else:
            page.locator("#code").press("Enter")
        expect(heading(page)).to_have_text("Мій обліковий запис" if sent else "Mano paskyra")
        page.wait_for_timeout(1000)  # a PATCH is asked as the account shows: time for one that should not be
        assert patches == ([{"language": sent}] if sent else [])
    status, profile = api(site, "GET", "/profile", token=token, source="127.0.0.2")
    assert status == 200 and profile["language"] == sent, profile


def test_on_a_shared_computer_the_last_persons_language_is_not_written_into_the_next_account(page: Page, site: str):
    first, second = new_address("pirmas.zmogus"), new_address("antras.zmogus")
    make_account(site, first)
    token = make_account(site, second)
    api(site, "PATCH", "/profile", {"language": "uk"}, token=token, source="127.0.0.2")
    sign_in_by_keyboard(page, site, first)
    expect(heading(page)).to_have_text("Mano paskyra")
    choose_language(page, "ru")  # the first person's own choice, sent to their account
    page.locator("#sign-out").click()
    expect(heading(page)).to_have_text(SIGN_IN["ru"])  # the browser still shows it: it is a kept language

    patches: list[object] = []
    page.on("request", lambda r: patches.append(r.post_data_json) if r.method == "PATCH" else None)
    sign_in_by_keyboard(page, site, second)  # the next person, same tab, presses nothing
    expect(heading(page)).to_have_text("Мій обліковий запис")  # their account's language, not the last person's
    page.wait_for_timeout(1000)  # a PATCH would be asked as the account shows: time for one that should not be
    assert patches == []
    status, profile = api(site, "GET", "/profile", token=token, source="127.0.0.2")
    assert status == 200 and profile["language"] == "uk", profile
