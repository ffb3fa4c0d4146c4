"""Known devices as a person meets them (issue 20 §1): "this is a shared computer" on the code screen and beside
the VIISP sign-in (then no `__Host-device` cookie), the devices the account page lists with a way to forget each,
and signing out with "forget this device"."""

# The Ukrainian in this file writes its apostrophe as the pages do (U+2019): no confusable here.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import (
    SCREENSHOTS,
    VIISP_WAY,
    api,
    ask_for_code,
    heading,
    latest_code,
    make_account,
    new_address,
    personal_code,
    unfold,
)

pytestmark = pytest.mark.browser

DEVICE = "__Host-device"
SESSION = "__Host-session"
SHARED = "Tai bendro naudojimo kompiuteris"
SHARED_HINT = "Šio kompiuterio neįsiminsime. Baigę atsijunkite."
DEVICES = "Įsiminti įrenginiai"
SESSIONS = "Kur esate prisijungę"


def cookie(page: Page, name: str) -> dict[str, Any] | None:
    found = [c for c in page.context.cookies() if c["name"] == name]
    return dict(found[0]) if found else None


def devices_of(page: Page) -> Locator:
    return page.get_by_role("region", name=DEVICES).get_by_role("listitem")


def sign_in_with_code(page: Page, site: str, address: str, *, shared: bool) -> dict[str, Any]:
    """From the start page to signed in by e-mail, ticking "shared computer" or not; the verify request's body."""
    ask_for_code(page, address)
    box = page.get_by_role("checkbox", name=SHARED)
    expect(box).not_to_be_checked()
    expect(box).to_have_accessible_description(SHARED_HINT)
    if shared:
        page.get_by_text(SHARED).click()  # the label ticks it too: a big target on a phone
        expect(box).to_be_checked()
    page.get_by_label("Laikinas kodas").fill(latest_code(site, address))
    with page.expect_request(lambda request: request.url.endswith("/login/email/verify")) as verified:
        page.get_by_role("button", name="Toliau").click()
    expect(heading(page)).not_to_have_text("Prisijungimo kodas")
    body: dict[str, Any] = verified.value.post_data_json
    return body


def test_a_shared_computer_tick_on_the_code_screen_leaves_no_device_cookie(page: Page, site: str):
    address = new_address("bendras")
    make_account(site, address)
    sent = sign_in_with_code(page, site, address, shared=True)
    assert sent["shared_computer"] is True
    expect(heading(page)).to_have_text("Mano paskyra")
    assert cookie(page, SESSION), "signed in all the same"
    assert cookie(page, DEVICE) is None, "a shared computer is not remembered"

    # The list says so: only the device the earlier visit left (over the API, no browser named), never this one.
    devices = devices_of(page)
    expect(devices).to_have_count(1)
    expect(devices.first.get_by_role("heading", level=3)).to_have_text("Nežinoma naršyklė")
    expect(page.get_by_role("region", name=DEVICES)).not_to_contain_text("Šis įrenginys")
    # Nothing here to forget on signing out.
    this_session = page.get_by_role("region", name=SESSIONS).get_by_role("listitem").first
    expect(this_session.get_by_role("button", name="Atsijungti šiame įrenginyje")).to_be_visible()
    expect(this_session.get_by_role("button", name="Atsijungti ir pamiršti šį įrenginį")).to_have_count(0)


def test_an_unticked_sign_in_remembers_the_device_and_forget_removes_it(page: Page, site: str, screens):
    address = new_address("zinomas")
    token = make_account(site, address)  # an earlier sign-in elsewhere: a second known device
    sent = sign_in_with_code(page, site, address, shared=False)
    assert sent["shared_computer"] is False
    expect(heading(page)).to_have_text("Mano paskyra")
    device = cookie(page, DEVICE)
    assert device, "this browser is remembered"
    assert device["httpOnly"] and device["secure"] and device["sameSite"] == "Lax"

    region = page.get_by_role("region", name=DEVICES)
    expect(region).to_contain_text("net jei kas nors kitas prašytų daug kodų jūsų el. pašto adresu")
    devices = devices_of(page)
    expect(devices).to_have_count(2)
    this_one, other = devices.nth(0), devices.nth(1)  # this browser first
    expect(this_one.get_by_role("heading", level=3)).to_contain_text("Šis įrenginys")
    expect(this_one.get_by_role("heading", level=3)).not_to_contain_text("Nežinoma naršyklė")  # Chromium is named
    expect(this_one).to_contain_text("Pirmą kartą naudotas")
    expect(this_one).to_contain_text("Paskutinį kartą naudotas")
    expect(this_one.locator("time")).to_have_count(2)
    expect(other.get_by_role("heading", level=3)).to_have_text("Nežinoma naršyklė")
    forget = this_one.get_by_role("button", name="Pamiršti")
    expect(forget).to_have_accessible_description(re.compile("Šis įrenginys.*Pirmą kartą naudotas"))
    screens.seen(page, "50-account-devices")

    with page.expect_request(lambda request: request.method == "DELETE") as asked:
        forget.click()
    assert re.search(r"/devices/[^/]+$", asked.value.url)
    assert asked.value.header_value("origin") == site
    done = page.locator("#notice-devices")
    expect(done).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(done).to_contain_text("Įrenginys pamirštas.")
    expect(done).to_be_focused()
    expect(page.locator("#live-status")).to_contain_text("Įrenginys pamirštas.")
    expect(devices).to_have_count(1)
    expect(devices.first).not_to_contain_text("Šis įrenginys")
    assert cookie(page, DEVICE) is None, "the forgotten device's cookie is cleared"
    assert cookie(page, SESSION), "forgetting is not signing out"
    # No device here any more, so signing out has nothing to forget.
    this_session = page.get_by_role("region", name=SESSIONS).get_by_role("listitem").first
    expect(this_session.get_by_role("button", name="Atsijungti ir pamiršti šį įrenginį")).to_have_count(0)
    status, listed = api(site, "GET", "/sessions", token=token)
    assert status == 200 and len(listed["devices"]) == 1  # forgotten on the server

    # The other one too: the list then says none is remembered.
    other_device = devices.first
    other_device.get_by_role("button", name="Pamiršti").click()
    expect(page.locator("#notice-devices")).to_contain_text("Įrenginys pamirštas.")
    expect(devices).to_have_count(0)
    expect(region).to_contain_text("Neįsiminėme nė vieno jūsų įrenginio.")


def test_a_device_forgotten_meanwhile_leaves_the_list(page: Page, site: str):
    address = new_address("pamirstas.kitur")
    token = make_account(site, address)
    sign_in_with_code(page, site, address, shared=False)
    devices = devices_of(page)
    expect(devices).to_have_count(2)
    # Another tab (or the other device) forgets the unknown one while this page still lists it.
    _, listed = api(site, "GET", "/sessions", token=token)
    (theirs,) = [device for device in listed["devices"] if device["browser"] == ""]
    assert api(site, "DELETE", f"/devices/{theirs['id']}", token=token)[0] == 204

    devices.nth(1).get_by_role("button", name="Pamiršti").click()
    gone = page.locator("#notice-devices")
    expect(gone).to_contain_text("Šis įrenginys jau buvo pamirštas. Sąrašas atnaujintas.")
    expect(gone).to_be_focused()
    expect(page.locator(".notice--error")).to_have_count(0)
    expect(devices).to_have_count(1)
    expect(devices.first).to_contain_text("Šis įrenginys")
    assert cookie(page, DEVICE), "this browser is still remembered"


def test_sign_out_keeps_the_device_unless_asked_to_forget_it(page: Page, site: str, screens):
    address = new_address("pamirsti")
    make_account(site, address)
    sign_in_with_code(page, site, address, shared=False)
    kept = (cookie(page, DEVICE) or {}).get("value")
    assert kept

    # The header's sign-out: signed out, still a known device.
    with page.expect_request(lambda request: request.url.endswith("/logout")) as plain:
        page.get_by_role("banner").get_by_role("button", name="Atsijungti").click()
    assert plain.value.post_data is None
    expect(page.locator("#notice-page")).to_have_text(re.compile("Jūs atsijungėte.$"))
    assert cookie(page, SESSION) is None
    assert (cookie(page, DEVICE) or {}).get("value") == kept

    # Signed in again on the known device (its token kept), then out with "forget this device".
    sign_in_with_code(page, site, address, shared=False)
    assert (cookie(page, DEVICE) or {}).get("value") == kept
    this_session = page.get_by_role("region", name=SESSIONS).get_by_role("listitem").first
    forget = this_session.get_by_role("button", name="Atsijungti ir pamiršti šį įrenginį")
    expect(forget).to_have_accessible_description("Šis įrenginys")
    with page.expect_request(lambda request: request.url.endswith("/logout")) as asked:
        forget.click()
    assert asked.value.post_data_json == {"forget_device": True}
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(heading(page)).to_be_focused()
    said = page.locator("#notice-page")
    expect(said).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(said).to_contain_text("Jūs atsijungėte. Šis įrenginys pamirštas.")
    assert cookie(page, SESSION) is None
    assert cookie(page, DEVICE) is None
    screens.seen(page, "51-signed-out-device-forgotten")


@pytest.mark.parametrize("shared", [True, False], ids=["shared", "own"])
def test_the_viisp_sign_in_carries_the_shared_computer_tick(page: Page, site: str, shared: bool):
    page.goto("/")
    way = page.get_by_role("region", name=VIISP_WAY)
    link = way.get_by_role("link", name="Prisijungti")
    box = way.get_by_role("checkbox", name=SHARED)
    expect(box).to_have_accessible_description(SHARED_HINT)
    expect(link).to_have_attribute("href", "/login/viisp")
    box.check()
    expect(link).to_have_attribute("href", "/login/viisp?shared_computer=true")
    box.uncheck()
    expect(link).to_have_attribute("href", "/login/viisp")
    if shared:
        box.check()
        page.reload()  # the tick is kept for this tab, and so is the link
        expect(box).to_be_checked()
        expect(link).to_have_attribute("href", "/login/viisp?shared_computer=true")

    with page.expect_request(lambda request: "/login/viisp" in request.url) as started:
        link.click()
    assert ("shared_computer=true" in started.value.url) is shared
    expect(page.get_by_role("heading", level=1)).to_contain_text("VIISP")  # the stand-in portal
    page.get_by_label("Asmens kodas").fill(personal_code())
    page.get_by_label("Vardas").fill("Jonas")
    page.get_by_label("Pavardė").fill("Jonaitis")
    page.get_by_role("button", name="Prisijungti / Sign in").click()
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")
    assert cookie(page, SESSION)
    assert (cookie(page, DEVICE) is None) is shared

    # A VIISP sign-in tried again from the error screen keeps the tick of this tab.
    page.goto("/#/viisp-error?reason=invalid_ticket")
    again = page.get_by_role("link", name="Bandyti prisijungti per VIISP dar kartą")
    expect(again).to_have_attribute("href", "/login/viisp?shared_computer=true" if shared else "/login/viisp")


# --- on a small phone, in English and Ukrainian ---


@dataclass(frozen=True)
class Words:
    code: str
    shared: str
    hint: str
    code_label: str
    next: str
    devices: str
    this_device: str
    unknown: str
    forget: str
    sign_out_forget: str
    sessions: str


PHONE_WORDS = [
    Words(
        "en",
        "This is a shared computer",
        "We will not remember this computer. Sign out when you have finished.",
        "Temporary code",
        "Continue",
        "Devices we remember",
        "This device",
        "Unknown browser",
        "Forget",
        "Sign out and forget this device",
        "Where you are signed in",
    ),
    Words(
        "uk",
        "Це спільний комп’ютер",
        "Ми не запам’ятаємо цей комп’ютер. Коли закінчите, вийдіть із системи.",
        "Тимчасовий код",
        "Далі",
        "Пристрої, які ми запам’ятали",
        "Цей пристрій",
        "Невідомий браузер",
        "Забути",
        "Вийти й забути цей пристрій",
        "Де виконано вхід до облікового запису",
    ),
]
PHONE = {"width": 360, "height": 740}


def fits(page: Page, name: str, part: Locator | None = None) -> None:
    """Nothing wider than the phone; the whole page saved at its width (test-artifacts/screenshots), and the part
    of it the test is about as the phone's screen shows it."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} is {overflow} px wider than the phone"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-360x740.png"), full_page=True)
    if part is not None:
        part.evaluate("element => element.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-360x740-screen.png"))


@pytest.mark.parametrize("words", PHONE_WORDS, ids=[words.code for words in PHONE_WORDS])
def test_known_devices_on_a_small_phone(page: Page, site: str, screens, words: Words):
    page.set_viewport_size(PHONE)
    page.add_init_script(f"localStorage.setItem('migris.language', JSON.stringify('{words.code}'))")
    address = new_address(f"telefonas.{words.code}")
    make_account(site, address)
    page.goto("/")
    expect(heading(page)).to_be_visible()
    page.locator("form").get_by_role("textbox").fill(address)
    page.locator("form").get_by_role("button").click()
    box = page.get_by_role("checkbox", name=words.shared)
    expect(box).to_have_accessible_description(words.hint)
    box.check()
    fits(page, f"52-{words.code}-code-shared", page.locator("form"))
    screens.seen(page, f"52-{words.code}-code-shared")
    box.uncheck()  # this phone is the person's own
    page.get_by_label(words.code_label).fill(latest_code(site, address))
    page.get_by_role("button", name=words.next).click()

    devices = unfold(page, words.devices).get_by_role("listitem")
    expect(devices).to_have_count(2)
    expect(devices.first.get_by_role("heading", level=3)).to_contain_text(words.this_device)
    expect(devices.nth(1).get_by_role("heading", level=3)).to_have_text(words.unknown)
    expect(devices.first.get_by_role("button", name=words.forget)).to_be_visible()
    unfold(page, words.sessions)
    expect(page.get_by_role("button", name=words.sign_out_forget)).to_be_visible()
    fits(page, f"53-{words.code}-account-devices", page.get_by_role("region", name=words.devices))
    fits(page, f"54-{words.code}-account-this-session", page.locator("#sessions .session--current"))
    screens.seen(page, f"53-{words.code}-account-devices")
