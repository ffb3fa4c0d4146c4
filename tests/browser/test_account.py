"""The account page: phone and e-mail changes, successes that look unlike errors, signing out, the identity in
words, linking with VIISP, and the list of sessions with a way to end each."""

# The Cyrillic in this file (the Ukrainian and Russian pages) is on purpose: no confusable here.
# ruff: noqa: RUF001

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.support import (
    api,
    choose_language,
    heading,
    latest_code,
    mails_to,
    make_account,
    new_address,
    sign_in_by_email,
)

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
    expect(phone).to_contain_text("+370 612 34567")

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
    expect(phone).to_contain_text("+370 699 11223")
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


# --- the identity, linking with VIISP, the sessions ---

SESSIONS = "Kur esate prisijungę"


def sessions_of(page: Page):
    return page.get_by_role("region", name=SESSIONS).get_by_role("listitem")


def test_the_sessions_list_shows_each_sign_in_and_ends_another(page: Page, site: str, screens):
    address = new_address("sesijos")
    elsewhere = make_account(site, address)  # signed in on another device, over the API
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    sessions = sessions_of(page)
    expect(sessions).to_have_count(2)

    this_one, other = sessions.nth(0), sessions.nth(1)
    expect(this_one.get_by_role("heading", level=3)).to_have_text("Šis įrenginys")
    expect(this_one).to_contain_text("El. paštu ir laikinu kodu")
    expect(this_one.get_by_role("button", name="Atsijungti šiame įrenginyje")).to_be_visible()
    expect(this_one.get_by_role("button", name="Baigti šią sesiją")).to_have_count(0)
    expect(other.get_by_role("heading", level=3)).to_have_text("Kitas įrenginys ar naršyklė")
    expect(other).to_contain_text("Prisijungta")
    expect(other).to_contain_text("Paskutinį kartą aktyvi")
    expect(other.locator("time")).to_have_count(2)
    end = other.get_by_role("button", name="Baigti šią sesiją")
    expect(end).to_have_accessible_description(re.compile("^Kitas įrenginys ar naršyklė Prisijungta"))
    screens.seen(page, "30-account-sessions")

    with page.expect_request(lambda request: request.method == "DELETE") as ended:
        end.click()
    assert re.search(r"/sessions/[^/]+$", ended.value.url)
    done = page.locator("#notice-sessions")
    expect(done).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(done).to_contain_text("Sesija baigta.")
    expect(done).to_be_focused()
    expect(page.locator("#live-status")).to_contain_text("Sesija baigta.")
    expect(sessions).to_have_count(1)
    expect(sessions.first).to_contain_text("Šis įrenginys")
    assert api(site, "GET", "/profile", token=elsewhere)[0] == 401  # ended on the server, at once
    screens.seen(page, "31-account-session-ended")


def test_a_session_that_ended_meanwhile_leaves_the_list_and_ending_this_one_signs_out(page: Page, site: str):
    address = new_address("sesija.baigta")
    elsewhere = make_account(site, address)
    sign_in_by_email(page, site, address)
    sessions = sessions_of(page)
    expect(sessions).to_have_count(2)
    # The other device signs itself out while this page still lists it.
    status, listed = api(site, "GET", "/sessions", token=elsewhere)
    assert status == 200
    (own,) = [session for session in listed["sessions"] if session["current"]]
    assert api(site, "DELETE", f"/sessions/{own['id']}", token=elsewhere)[0] == 204

    sessions.nth(1).get_by_role("button", name="Baigti šią sesiją").click()
    gone = page.locator("#notice-sessions")
    expect(gone).to_contain_text("Ši sesija jau buvo pasibaigusi. Sąrašas atnaujintas.")
    expect(gone).to_be_focused()
    expect(page.locator(".notice--error")).to_have_count(0)
    expect(sessions).to_have_count(1)

    # Ending this device's session is signing out.
    sessions.first.get_by_role("button", name="Atsijungti šiame įrenginyje").click()
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(page.locator("#notice-page")).to_contain_text("Jūs atsijungėte.")
    assert not [c for c in page.context.cookies() if c["name"] == "__Host-session"]


ACCOUNT_WORDS = {
    # language: (identity, link heading, link button)
    "lt": ("Nepatvirtinta (prisijungiate el. paštu)", "Patvirtinkite tapatybę per VIISP", "Susieti su VIISP"),
    "en": ("Not confirmed (signed in by e-mail)", "Confirm your identity through VIISP", "Link with VIISP"),
    "uk": ("Не підтверджено (вхід через електронну пошту)", "Підтвердьте свою особу через VIISP", "Пов’язати з VIISP"),
    "ru": ("Не подтверждена (вход по электронной почте)", "Подтвердите свою личность через VIISP", "Связать с VIISP"),
}
# A link ends the account's other sessions: the card says so.
SIGNED_OUT_ELSEWHERE = {
    "lt": "Susiejus paskyrą, kituose įrenginiuose būsite atjungti.",
    "en": "After linking, you will be signed out on your other devices.",
    "uk": "Коли Ви пов’яжете обліковий запис, на інших Ваших пристроях буде виконано вихід із системи.",
    "ru": "После связывания на других Ваших устройствах будет выполнен выход из системы.",
}


def test_an_e_mail_account_says_its_identity_is_not_confirmed_and_offers_to_link_with_viisp(
    page: Page, site: str, screens
):
    address = new_address("susieti")
    make_account(site, address)  # a second session, so the list shows one to end
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    expect(sessions_of(page)).to_have_count(2)
    for code, (identity, link_heading, link_name) in ACCOUNT_WORDS.items():
        if code != "lt":
            choose_language(page, code)
        main = page.get_by_role("main")
        expect(main.locator("#identity")).to_have_text(identity)
        link_section = main.get_by_role("region", name=link_heading)
        link = link_section.get_by_role("button", name=link_name)
        expect(link).to_have_accessible_description(re.compile(r"VIISP"))
        expect(link_section.locator("#link-sessions")).to_have_text(SIGNED_OUT_ELSEWHERE[code])
        screens.seen(page, f"32-{code}-account-identity-sessions")
    choose_language(page, "lt")

    # The link starts from this page only: a POST of its own (with our Origin), then the browser goes to the VIISP
    # address the answer names (the stand-in's page, a ticket in its address).
    with page.expect_request(lambda request: "/login/viisp/link" in request.url) as asked:
        page.get_by_role("button", name="Susieti su VIISP").click()
    assert asked.value.method == "POST" and not asked.value.is_navigation_request()
    assert asked.value.header_value("origin") == site
    expect(page).to_have_url(re.compile(r"/_local/viisp/portal\?ticket="))


@pytest.mark.parametrize(
    ("answer", "where"),
    [
        ({"status": 403, "code": "fresh_sign_in_required"}, "screen"),
        ({"status": 409, "code": "already_linked"}, "screen"),
        ({"status": 502, "code": "viisp_unavailable"}, "beside"),
        (None, "beside"),  # the network is down
    ],
    ids=["stale-session", "linked-already", "viisp-down", "offline"],
)
def test_a_refused_link_says_why_and_what_next(page: Page, site: str, screens, answer, where):
    address = new_address("nesusieta")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")

    def refuse(route: Route) -> None:
        if answer is None:
            route.abort("internetdisconnected")
            return
        error = {"error": {"code": answer["code"], "message": "refused"}}
        route.fulfill(status=answer["status"], content_type="application/json", body=json.dumps(error))

    page.route("**/login/viisp/link", refuse)
    page.get_by_role("button", name="Susieti su VIISP").click()
    if where == "screen":
        expect(page).to_have_url(re.compile(rf"/#/viisp-error\?reason={answer['code']}$"))
        expect(heading(page)).to_have_text("Nepavyko susieti su VIISP")
        expect(page.get_by_role("link", name="Grįžti į paskyrą")).to_be_visible()
        return
    notice = page.locator("#notice-link")
    expect(notice).to_be_focused()
    expect(notice).to_contain_text("VIISP" if answer else "interneto")
    expect(page).to_have_url(re.compile(r"/#/account$"))
    if answer:
        screens.seen(page, "36-account-link-viisp-down")


def test_after_linking_the_account_says_so_once(page: Page, site: str):
    address = new_address("susieta")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    with_profile(page, identity={"kind": "lt-personal-code"}, level=3)  # as the account is after a link
    page.goto("/#/account?linked=1")  # where the API sends the browser after a link
    linked = page.locator("#notice-page")
    expect(linked).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(linked).to_contain_text("Paskyra susieta su VIISP.")
    expect(page.locator("#live-status")).to_contain_text("Paskyra susieta su VIISP.")
    expect(heading(page)).to_be_visible()  # a fresh load: the focus stays at the start, for the skip link
    expect(page).to_have_url(re.compile(r"/#/account$"))  # so a reload does not say it again
    page.reload()
    expect(heading(page)).to_have_text("Mano paskyra")
    expect(page.locator("#notice-page")).to_have_count(0)


def test_a_linked_address_is_believed_only_for_an_account_with_an_identity(page: Page, site: str):
    """Anyone can send a person to #/account?linked=1: with no identity on the account, nothing is said."""
    address = new_address("netikra.zinia")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    page.goto("about:blank")
    page.goto("/#/account?linked=1")  # a fresh load, as after the API's 303
    expect(page).to_have_url(re.compile(r"/#/account$"))  # "?linked=1" dropped all the same
    expect(heading(page)).to_have_text("Mano paskyra")
    expect(heading(page)).to_be_visible()
    main = page.get_by_role("main")
    expect(main.locator("#identity")).to_have_text("Nepatvirtinta (prisijungiate el. paštu)")
    expect(main.get_by_role("button", name="Susieti su VIISP")).to_be_visible()
    expect(page.locator("#notice-page")).to_have_count(0)
    expect(page.locator(".notice--success")).to_have_count(0)
    expect(page.locator("#live-status")).to_have_text("")
    expect(main).not_to_contain_text("Paskyra susieta su VIISP")

    # Nor when the address changes on a page already open (a link in some message, say).
    page.evaluate("location.hash = '#/account?linked=1'")
    expect(page).to_have_url(re.compile(r"/#/account$"))
    expect(page.locator("#notice-page")).to_have_count(0)
    expect(page.locator("#live-status")).to_have_text("")


def with_profile(page: Page, **changes: Any) -> None:
    """From now on GET /profile answers as the API does, with `changes` made to the profile (an identity the
    local stack cannot make yet, say)."""

    def handle(route: Route) -> None:
        if route.request.method != "GET":
            route.continue_()
            return
        response = route.fetch()
        profile = response.json()
        if response.status == 200:
            profile.update(changes)
        route.fulfill(response=response, body=json.dumps(profile))

    page.route("**/profile", handle)


@pytest.mark.parametrize(
    ("identity", "words", "english"),
    [
        (
            {"kind": "lt-personal-code"},
            "Patvirtinta per VIISP (Lietuvos asmens kodas)",
            "Confirmed through VIISP (Lithuanian personal code)",
        ),
        ({"kind": "eidas", "country": "DE"}, "Patvirtinta per eIDAS (Vokietija)", "Confirmed through eIDAS (Germany)"),
        ({"kind": "eidas", "country": "EL"}, "Patvirtinta per eIDAS (Graikija)", "Confirmed through eIDAS (Greece)"),
        ({"kind": "eidas"}, "Patvirtinta per eIDAS", "Confirmed through eIDAS"),
    ],
    ids=["personal-code", "eidas-de", "eidas-el", "eidas-no-country"],
)
def test_a_confirmed_identity_in_words_never_with_the_code(
    page: Page, site: str, screens, identity: dict[str, str], words: str, english: str
):
    address = new_address("tapatybe")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    # Even were a personal code in the profile, the page would not show it.
    with_profile(page, identity=identity, level=3, personal_code="39001010000", eidas_eid="DE/LT/123456789")
    page.reload()
    expect(heading(page)).to_have_text("Mano paskyra")
    main = page.get_by_role("main")
    expect(main.locator("#identity")).to_have_text(words)
    person = main.get_by_role("region", name="Asmens duomenys")
    expect(person).to_contain_text("3 lygio naudotojas")
    expect(person).to_contain_text("El. paštu ir laikinu kodu arba per VIISP")  # either way, one account
    expect(main.get_by_role("button", name="Susieti su VIISP")).to_have_count(0)
    expect(main).not_to_contain_text("39001010000")
    expect(main).not_to_contain_text("123456789")
    if identity.get("country") == "DE":
        screens.seen(page, "33-account-eidas")
    choose_language(page, "en")
    expect(main.locator("#identity")).to_have_text(english)


def test_a_level_2_account_without_an_identity_says_staff_confirmed_it_and_may_still_link(page: Page, site: str):
    address = new_address("antras.lygis")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    with_profile(page, identity=None, level=2)
    page.reload()
    main = page.get_by_role("main")
    expect(main.locator("#identity")).to_have_text("Patvirtinta migracijos tarnybos darbuotojų")
    expect(main.get_by_role("button", name="Susieti su VIISP")).to_be_enabled()
