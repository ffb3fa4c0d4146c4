"""A phone with large text: at 200 % text on a 360 px screen no screen scrolls sideways and axe-core finds nothing,
in any language (sign-in, code, contact, account, VIISP's refusals, the mailed links); the
phone's Back button steps back through a sign-in, never out of the service, and never asks for a spent code; the
first Tab reaches the skip link, then the language choice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import SCREENSHOTS, assert_axe_clean, heading, latest_code, new_address, title

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
LANGUAGES = ["lt", "en", "uk", "ru"]
# The screens a signed-in person may also land on: VIISP's refusals (a link's, and a sign-in's with the longest
# words) and the mailed links (their tokens are not spent by opening them).
OTHER_SCREENS = {  # name: (address, the screen's class, unlike the one before it: the wait for the new screen)
    "viisp-error-link": ("/#/viisp-error?reason=identity_in_use", "screen--viisp-error"),
    "not-me": (f"/#/not-me?t={'n' * 43}", "screen--not-me"),
    "viisp-error-eid": ("/#/viisp-error?reason=invalid_ticket&detail=lithuanian_eid", "screen--viisp-error"),
    "confirm-recovery": (f"/#/confirm-recovery?t={'c' * 43}", "screen--confirm-recovery"),
    "cancel-recovery": (f"/#/cancel-recovery?t={'a' * 43}", "screen--cancel-recovery"),
}


def large_text(page: Page) -> None:
    """Text at 200 %, as a phone's largest font setting gives it."""
    page.evaluate('document.documentElement.style.fontSize = "200%"')


def fits(page: Page, name: str) -> None:
    """The screen is no wider than the phone, and axe-core finds nothing on it; saved for a look."""
    expect(page.locator("main h1")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"large-text-{name}-360.png"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5)
            .slice(0, 5)
            .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
    )
    assert widths[0] <= widths[1], f"{name}: {widths[0]} px wide on a {widths[1]} px screen: {wide}"
    assert_axe_clean(page, name)


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_screen_scrolls_sideways_at_200_percent_text_on_a_phone(page: Page, site: str, code: str):
    page.set_viewport_size(PHONE)
    page.add_init_script(f'sessionStorage.length || localStorage.setItem("migris.language", \'"{code}"\')')
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", code)
    large_text(page)
    fits(page, f"{code}-signin")
    address = new_address(f"didelis-{code}")
    page.locator("#email").fill(address)
    page.locator("#email").press("Enter")
    expect(page.locator("#code")).to_be_visible()
    fits(page, f"{code}-code")
    page.locator("#code").fill(latest_code(site, address))
    page.locator("#code").press("Enter")
    expect(page.locator("#given-name")).to_be_visible()
    fits(page, f"{code}-contact")
    page.locator("#given-name").fill("Oleksandra")
    page.locator("#family-name").fill("Kovalenko-Shevchenko")
    page.locator("#phone").fill("+370 612 34567")
    page.locator("#phone").press("Enter")
    expect(page.locator("#current-phone")).to_be_visible()
    fits(page, f"{code}-account")
    for name, (address, screen) in OTHER_SCREENS.items():
        page.goto(address)
        expect(page.locator(f"main .{screen}")).to_be_visible()
        large_text(page)
        expect(page.locator("#sign-out")).to_be_visible()  # the header's sign-out on every signed-in screen
        fits(page, f"{code}-{name}")


def test_the_first_tab_reaches_the_skip_link_then_the_language_choice(page: Page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    expect(heading(page)).to_have_text("Prisijungimas")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Pereiti prie pagrindinio turinio")).to_be_focused()
    page.keyboard.press("Tab")
    in_language_choice = "document.activeElement.closest('.site-header .language') !== null"
    assert page.evaluate(in_language_choice), page.evaluate("document.activeElement.outerHTML")


def test_back_steps_through_a_sign_in_never_out_of_the_service(page: Page, site: str, screens):
    page.goto("about:blank")  # what the phone showed before: Back past the service would land here
    page.set_viewport_size(PHONE)
    page.goto("/")
    expect(page.get_by_role("main")).to_contain_text("Valstybės informacinių išteklių sąveikumo platforma (VIISP)")
    address = new_address("atgal")
    page.locator("#email").fill(address)
    page.locator("#email").press("Enter")
    expect(heading(page)).to_have_text("Prisijungimo kodas")

    page.go_back()  # the phone's Back button: to the sign-in screen, not out of the service
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(page).to_have_url(re.compile(r"/#/$"))
    expect(heading(page)).to_be_focused()
    page.go_forward()  # the sign-in under way is still there
    expect(heading(page)).to_have_text("Prisijungimo kodas")
    expect(page.get_by_text(address)).to_be_visible()

    page.locator("#code").fill(latest_code(site, address))
    page.locator("#code").press("Enter")
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")

    # The code step again, as done: its code worked once, so no field asks for it; the way on, or out.
    page.go_back()
    expect(heading(page)).to_have_text("Prisijungimo kodas")
    expect(page).to_have_url(re.compile(r"/#/code$"))
    expect(heading(page)).to_be_focused()
    expect(page.locator("#code-accepted")).to_contain_text("Šis kodas priimtas: jūs prisijungėte.")
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Atsijungti ir pradėti iš naujo")).to_be_visible()
    expect(page.locator("#sign-out")).to_be_visible()
    screens.seen(page, "23-code-accepted")

    # The sign-in screen again: signed in, so it says so instead of offering the ways in, in its heading too,
    # in a card as the other steps are.
    page.go_back()
    expect(heading(page)).to_have_text("Jūs prisijungę")
    expect(page).to_have_title(title("Jūs prisijungę"))
    expect(page).to_have_url(re.compile(r"/#/$"))
    card = page.locator("main > .screen")
    expect(card).to_have_css("background-color", "rgb(255, 255, 255)")
    expect(card).to_have_css("border-top-style", "solid")
    expect(page.locator("#signed-in")).to_have_text(re.compile("^Jūs jau prisijungę."))
    expect(page.get_by_role("textbox")).to_have_count(0)
    screens.seen(page, "23-sign-in-signed-in")

    # Forward, and on from the code step: the contact screen, where the sign-in led.
    page.go_forward()
    expect(page.locator("#code-accepted")).to_be_visible()
    page.get_by_role("link", name="Pereiti prie kontaktinių duomenų").click()
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")
    expect(page).to_have_url(re.compile(r"/#/contact$"))
    page.go_back()
    expect(page.locator("#code-accepted")).to_be_visible()
    assert page.url.startswith(site)

    # Or sign out and start again from the code step.
    page.get_by_role("button", name="Atsijungti ir pradėti iš naujo").click()
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(page.locator("#notice-page")).to_have_text(re.compile("Jūs atsijungėte."))
    expect(page.locator("#email")).to_be_visible()
