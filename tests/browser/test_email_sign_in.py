"""Signing in by e-mail as a person does: the choice of two ways, the code page, contact data, the account."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    EMAIL_WAY,
    VIISP_WAY,
    ask_for_code,
    heading,
    language_button,
    latest_code,
    mails_to,
    make_account,
    new_address,
    title,
)

pytestmark = pytest.mark.browser
COOLDOWN_SECONDS = 2  # ResendCooldownSeconds of the stack under test (conftest.py)


def test_first_sign_in_by_email_asks_for_contact_data_then_shows_the_account(page: Page, site: str, screens):
    page.goto("/")
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(heading(page)).to_be_visible()
    expect(page).to_have_title(title("Prisijungimas"))
    banner = page.get_by_role("banner")
    expect(banner).to_contain_text("MIGRIS")
    expect(banner).to_contain_text("Elektroninės migracijos paslaugos")
    expect(language_button(page, "lt")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("contentinfo")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "lt")

    # Two ways, numbered 1 and 2, each with its own "Prisijungti".
    ways = page.get_by_role("list").filter(has=page.get_by_role("region")).get_by_role("listitem")
    expect(ways).to_have_count(2)
    email_way = page.get_by_role("region", name=EMAIL_WAY)
    expect(email_way).to_contain_text("1 lygio neidentifikuoto naudotojo")
    expect(email_way.locator(".method__number")).to_have_text("1")
    viisp_way = page.get_by_role("region", name=VIISP_WAY)
    expect(viisp_way).to_contain_text("Valstybės informacinių išteklių sąveikumo platforma")
    expect(viisp_way.locator(".method__number")).to_have_text("2")
    expect(viisp_way.get_by_role("link", name="Prisijungti")).to_have_attribute("href", "/login/viisp")

    # The e-mail field: "El. paštas *" and a live 0/254 counter.
    expect(email_way.locator("label[for=email]")).to_have_text("El. paštas *")
    expect(email_way.locator("#email-count")).to_have_text(re.compile(r"0/254$"))
    address = new_address("pirmas")
    email_way.get_by_label("El. paštas").fill(address)
    expect(email_way.locator("#email-count")).to_have_text(re.compile(rf"{len(address)}/254$"))
    screens.seen(page, "01-sign-in")
    email_way.get_by_role("button", name="Prisijungti").click()

    # The code page.
    expect(heading(page)).to_have_text("Prisijungimo kodas")
    expect(heading(page)).to_be_focused()
    expect(page).to_have_title(title("Prisijungimo kodas"))
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Jūsų el. pašto adresas: {address}")
    expect(main).to_contain_text("Dėmesio! Prisijungimui naudokite tą patį el. pašto adresą.")
    expect(main).to_contain_text("Prisijungimo kodas galioja 60 minučių")
    expect(main.locator("label[for=code]")).to_have_text("Laikinas kodas *")
    expect(main.get_by_role("button", name="Siųsti naują kodą")).to_be_visible()
    expect(main.get_by_role("button", name="Naudoti kitą el. pašto adresą")).to_be_visible()
    screens.seen(page, "02-code")
    main.get_by_label("Laikinas kodas").fill(latest_code(site, address))
    main.get_by_role("button", name="Toliau").click()

    # Contact data on the first sign-in.
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")
    expect(heading(page)).to_be_focused()
    expect(page).to_have_title(title("Kontaktiniai duomenys"))
    expect(main.locator("label[for=given-name]")).to_have_text("Vardas (-ai) *")
    expect(main.locator("label[for=family-name]")).to_have_text("Pavardė (-ės) *")
    expect(main.locator("label[for=phone]")).to_have_text("Telefono Nr. *")
    expect(main.locator("#given-name-count")).to_have_text(re.compile(r"0/31$"))
    expect(main.locator("#family-name-count")).to_have_text(re.compile(r"0/31$"))
    expect(main.locator("#phone-count")).to_have_text(re.compile(r"0/20$"))
    expect(main).to_contain_text(
        "pakeisti galės tik migracijos tarnybos darbuotojai Lietuvoje ir Lietuvos Respublikos diplomatinėse "
        "atstovybėse bei konsulinėse įstaigose užsienyje"
    )
    screens.seen(page, "03-contact")
    main.get_by_label("Vardas (-ai)").fill("Ona Marija")
    main.get_by_label("Pavardė (-ės)").fill("Petraitienė")
    main.get_by_label("Telefono Nr.").fill("8 612 34567")
    expect(main.locator("#given-name-count")).to_have_text(re.compile(r"10/31$"))
    main.get_by_role("button", name="Toliau").click()

    # The account, in words.
    expect(heading(page)).to_have_text("Mano paskyra")
    expect(heading(page)).to_be_focused()
    expect(page).to_have_title(title("Mano paskyra"))
    expect(main.locator(".notice--success")).to_have_text(re.compile("Kontaktiniai duomenys išsaugoti."))
    person = main.get_by_role("region", name="Asmens duomenys")
    expect(person).to_contain_text("Ona Marija")
    expect(person).to_contain_text("Petraitienė")
    expect(person).to_contain_text("1 lygio neidentifikuotas naudotojas")
    expect(person).to_contain_text("pakeisti gali tik migracijos tarnybos darbuotojai")
    expect(main.get_by_role("region", name="Telefono numeris")).to_contain_text("+370 612 34567")
    expect(main.get_by_role("region", name="El. pašto adresas")).to_contain_text(address)
    expect(main).not_to_contain_text("{")  # words, not JSON
    expect(page.get_by_role("banner").get_by_role("button", name="Atsijungti")).to_be_visible()
    screens.seen(page, "04-account")


def test_second_sign_in_goes_straight_to_the_account(page: Page, site: str):
    address = new_address("antras")
    make_account(site, address)
    ask_for_code(page, address)
    page.get_by_label("Laikinas kodas").fill(latest_code(site, address))
    page.get_by_role("button", name="Toliau").click()
    expect(heading(page)).to_have_text("Mano paskyra")
    expect(page.get_by_role("region", name="Asmens duomenys")).to_contain_text("Petraitienė")


def test_a_reload_on_the_code_page_keeps_the_sign_in(page: Page, site: str):
    address = new_address("perkrovimas")
    ask_for_code(page, address)
    page.reload()
    expect(heading(page)).to_have_text("Prisijungimo kodas")
    expect(page.get_by_role("main")).to_contain_text(f"Jūsų el. pašto adresas: {address}")
    page.get_by_label("Laikinas kodas").fill(latest_code(site, address))
    page.get_by_role("button", name="Toliau").click()
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")
    # Signed in, the sign-in under way is forgotten: a reload stays signed in, on the contact page.
    page.reload()
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")


def test_a_new_code_after_the_countdown(page: Page, site: str, screens):
    # The page's clock stands still unless the test moves it, so the countdown is seen whatever the machine's
    # load; the server's 2 s cooldown runs on real time.
    started = datetime.now(UTC)
    page.clock.install(time=started)
    page.goto("/")
    page.clock.pause_at(started + timedelta(seconds=30))
    address = new_address("naujas.kodas")
    ask_for_code(page, address)
    asked = time.monotonic()
    resend = page.get_by_role("button", name="Siųsti naują kodą")
    expect(resend).to_be_disabled()
    expect(page.locator("#resend-status")).to_have_text("Po 2 s galėsite gauti naują kodą.")
    page.clock.run_for(1000)
    expect(page.locator("#resend-status")).to_have_text("Po 1 s galėsite gauti naują kodą.")
    expect(resend).to_be_disabled()
    page.clock.run_for(1500)
    expect(resend).to_be_enabled()
    expect(page.locator("#resend-status")).to_have_text("Negavote laiško? Galite paprašyti naujo kodo.")
    first = latest_code(site, address)
    time.sleep(max(0.0, asked + COOLDOWN_SECONDS + 0.2 - time.monotonic()))  # the server's cooldown is real time
    resend.click()
    expect(page.locator(".notice--success")).to_contain_text("Naujas kodas išsiųstas")
    expect(page.get_by_label("Laikinas kodas")).to_be_focused()
    expect(resend).to_be_disabled()  # a new countdown
    page.clock.run_for(100)  # the live region is filled a moment after
    expect(page.locator("#live-status")).to_contain_text("Naujas kodas išsiųstas")
    assert len(mails_to(site, address)) == 2
    page.clock.resume()  # axe-core and screenshots need time to flow
    screens.seen(page, "05-code-resent")
    second = latest_code(site, address)
    assert second != first
    page.get_by_label("Laikinas kodas").fill(second)
    page.get_by_role("button", name="Toliau").click()
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")


def test_use_another_address(page: Page, site: str):
    ask_for_code(page, new_address("kitas"))
    # The small controls of the code screen are a finger's target, 44 px high; the tick box's label ticks it.
    shared = page.get_by_label("Tai bendro naudojimo kompiuteris")
    for target in (page.locator("label[for=shared-computer]"), page.locator(".link-button")):
        box = target.bounding_box()
        assert box and box["height"] >= 44, f"{box} px"
    page.locator("label[for=shared-computer]").click(position={"x": 4, "y": 40})
    expect(shared).to_be_checked()
    shared.uncheck()
    page.get_by_role("button", name="Naudoti kitą el. pašto adresą").click()
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(heading(page)).to_be_focused()
    expect(page.get_by_label("El. paštas")).to_have_value("")
    page.reload()  # the abandoned sign-in is not brought back
    expect(heading(page)).to_have_text("Prisijungimas")
    other = new_address("kitas")
    ask_for_code(page, other)
    expect(page.get_by_role("main")).to_contain_text(f"Jūsų el. pašto adresas: {other}")


def test_keyboard_only_sign_in(page: Page, site: str):
    address = new_address("klaviatura")
    page.goto("/")
    expect(heading(page)).to_be_visible()
    page.keyboard.press("Tab")  # the first Tab: the skip link, then the language
    skip = page.get_by_role("link", name="Pereiti prie pagrindinio turinio")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(language_button(page, "lt")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(heading(page)).to_be_focused()
    page.keyboard.press("Tab")  # first the two notices' links, then the passkey sign-in, then the e-mail way
    expect(page.get_by_role("link", name=re.compile("Важлива інформація"))).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=re.compile("Беларусі"))).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Prisijungti prieigos raktu")).to_be_focused()
    page.keyboard.press("Tab")
    email = page.get_by_label("El. paštas")
    expect(email).to_be_focused()
    outline = email.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none", "the focused field shows no focus ring"
    page.keyboard.type(address)
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Prisijungimo kodas")
    page.keyboard.press("Tab")
    code = page.get_by_label("Laikinas kodas")
    expect(code).to_be_focused()
    page.keyboard.type(latest_code(site, address))
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")
    page.keyboard.press("Tab")
    page.keyboard.type("Jonas")
    page.keyboard.press("Tab")
    page.keyboard.type("Jonaitis")
    page.keyboard.press("Tab")
    page.keyboard.type("+370 612 34567")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Toliau")).to_be_focused()
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Mano paskyra")
