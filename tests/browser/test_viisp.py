"""Signing in through VIISP (the local stand-in plays the portal), and the error screen it can end on (also when
linking an e-mail account with VIISP is refused)."""

# The Cyrillic in this file (the Ukrainian and Russian pages) is on purpose: no confusable here.
# ruff: noqa: RUF001

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import (
    VIISP_WAY,
    api,
    choose_language,
    heading,
    make_account,
    new_address,
    personal_code,
    post_form,
    sign_in_by_email,
)

pytestmark = pytest.mark.browser


def through_viisp(page: Page, code: str, given: str, family: str) -> None:
    page.goto("/")
    page.get_by_role("region", name=VIISP_WAY).get_by_role("link", name="Prisijungti").click()
    at_the_portal(page, code, given, family)


def at_the_portal(page: Page, code: str, given: str, family: str) -> None:
    """On the stand-in's portal page, sign in as the person typed."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("VIISP")  # the stand-in portal
    page.get_by_label("Asmens kodas").fill(code)
    page.get_by_label("Vardas").fill(given)
    page.get_by_label("Pavardė").fill(family)
    page.get_by_role("button", name="Prisijungti / Sign in").click()


def test_first_viisp_sign_in_asks_only_for_the_phone_then_shows_the_account(page: Page, screens):
    code = personal_code()
    through_viisp(page, code, "Jonas", "Jonaitis")
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")
    expect(heading(page)).to_be_focused()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Vardą ir pavardę gavome iš VIISP")
    names = main.locator(".readonly-names")
    expect(names).to_contain_text("JONAS")
    expect(names).to_contain_text("JONAITIS")
    expect(main.get_by_role("textbox")).to_have_count(1)  # only what VIISP did not give
    expect(main.locator("label[for=phone]")).to_have_text("Telefono Nr. *")
    screens.seen(page, "15-viisp-contact")

    main.get_by_label("Telefono Nr.").fill("+370 612 34567")
    with page.expect_request(lambda request: request.method == "PUT") as put:
        main.get_by_role("button", name="Toliau").click()
    assert put.value.post_data_json == {"phone_number": "+370 612 34567"}
    expect(heading(page)).to_have_text("Mano paskyra")
    person = main.get_by_role("region", name="Asmens duomenys")
    expect(person).to_contain_text("3 lygio naudotojas: tapatybė patvirtinta per VIISP")
    expect(person).to_contain_text("Per VIISP")
    expect(person).to_contain_text("JONAITIS")
    expect(person).not_to_contain_text(code)  # the personal code is never shown back
    expect(main.locator("#identity")).to_contain_text("Patvirtinta per VIISP")
    expect(main.get_by_role("button", name="Susieti su VIISP")).to_have_count(0)  # already has an identity
    screens.seen(page, "16-viisp-account")

    # Signed out and in again through VIISP: straight to the account.
    page.get_by_role("banner").get_by_role("button", name="Atsijungti").click()
    expect(heading(page)).to_have_text("Prisijungimas")
    through_viisp(page, code, "Jonas", "Jonaitis")
    expect(heading(page)).to_have_text("Mano paskyra")


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("invalid_ticket", "jau panaudotas arba pradėtas kitoje naršyklėje"),
        ("viisp_unavailable", "šiuo metu neatsako"),
        ("origin_mismatch", "ne iš MIGRIS ar VIISP puslapio"),
        ("edit_conflict", "tuo pat metu buvo keičiama, todėl nieko nepadaryta"),
        ("something_else", "Prisijungimo per VIISP nepavyko užbaigti."),
    ],
)
def test_the_viisp_error_screen_says_why_and_what_next(page: Page, screens, reason: str, words: str):
    page.goto(f"/#/viisp-error?reason={reason}")
    expect(heading(page)).to_have_text("Nepavyko prisijungti per VIISP")
    expect(heading(page)).to_be_focused()
    expect(page.locator("#viisp-reason")).to_contain_text(words)
    expect(page.get_by_role("link", name="Bandyti prisijungti per VIISP dar kartą")).to_have_attribute(
        "href", "/login/viisp"
    )
    if reason == "invalid_ticket":
        screens.seen(page, "17-viisp-error")
    page.get_by_role("link", name="Grįžti į prisijungimo puslapį").click()
    expect(heading(page)).to_have_text("Prisijungimas")


def test_a_refused_viisp_callback_lands_on_the_error_screen(page: Page):
    """The callback answers a browser's refused ticket with a 303 to #/viisp-error?reason=invalid_ticket."""
    page.goto("/")
    post_form(page, "/login/viisp/callback", [("ticket", "00000000-0000-0000-0000-000000000000"), ("customData", "x")])
    expect(page).to_have_url(re.compile(r"/#/viisp-error\?reason=invalid_ticket$"))
    expect(heading(page)).to_have_text("Nepavyko prisijungti per VIISP")


LINK_REFUSALS = {
    # language: (title, identity_in_use words, already_linked words, back to the account, sign in through VIISP)
    "lt": (
        "Nepavyko susieti su VIISP",
        "Per VIISP patvirtinta tapatybė jau turi savo MIGRIS paskyrą",
        "Šiai paskyrai jau priskirta patvirtinta tapatybė",
        "Grįžti į paskyrą",
        "Prisijungti per VIISP",
    ),
    "en": (
        "Linking with VIISP failed",
        "The identity confirmed through VIISP already has its own MIGRIS account",
        "This account already has a confirmed identity",
        "Back to my account",
        "Sign in through VIISP",
    ),
    "uk": (
        "Не вдалося пов’язати обліковий запис із VIISP",
        "Для особи, підтвердженої через VIISP, уже існує інший обліковий запис MIGRIS",
        "Особу власника цього облікового запису вже підтверджено",
        "Повернутися до облікового запису",
        "Увійти через VIISP",
    ),
    "ru": (
        "Не удалось связать учётную запись с VIISP",
        "Для личности, подтверждённой через VIISP, уже есть другая учётная запись MIGRIS",
        "Личность владельца этой учётной записи уже подтверждена",
        "Вернуться к учётной записи",
        "Войти через VIISP",
    ),
}
MERGED = {
    "lt": "Niekas nesujungta",
    "en": "Nothing has been merged",
    "uk": "Облікові записи не об’єднано",
    "ru": "Учётные записи не объединены",
}
STAFF = {
    "lt": "kreipkitės į migracijos tarnybos darbuotojus",
    "en": "contact migration staff",
    "uk": "зверніться до працівників міграційної служби",
    "ru": "обратитесь к сотрудникам миграционной службы",
}


def refusal_screen(page: Page, language: str, title: str) -> Locator:
    """The error screen in `language` with its title, focused heading and page title; its red notice."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(heading(page)).to_have_text(title)
    expect(heading(page)).to_be_focused()
    expect(page).to_have_title(re.compile(re.escape(title)))
    said = page.locator("#viisp-reason")
    expect(said).to_have_class(re.compile(r"\bnotice--error\b"))
    return said


@pytest.mark.parametrize("reason", ["identity_in_use", "already_linked"])
@pytest.mark.parametrize("language", list(LINK_REFUSALS))
def test_a_refused_link_says_why_in_each_language(page: Page, screens, language: str, reason: str):
    """The API sends a browser whose link it refused to #/viisp-error?reason=identity_in_use|already_linked."""
    title, in_use, linked, back, sign_in = LINK_REFUSALS[language]
    page.add_init_script(f"localStorage.setItem('migris.language', JSON.stringify('{language}'))")
    page.goto(f"/#/viisp-error?reason={reason}")
    said = refusal_screen(page, language, title)
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=back)).to_have_attribute("href", "#/account")
    if reason == "identity_in_use":
        expect(said).to_contain_text(in_use)
        expect(said).to_contain_text(MERGED[language])
        expect(page.locator("#viisp-next")).to_contain_text(STAFF[language])  # what to do, in plain text
        expect(main.get_by_role("link", name=sign_in)).to_have_attribute("href", "/login/viisp")
    else:
        expect(said).to_contain_text(linked)
        expect(main.get_by_role("link")).to_have_count(1)  # only the way back to the account
    screens.seen(page, f"40-{language}-viisp-{reason.replace('_', '-')}")


LITHUANIAN_EID = {
    # language: (title, what the notice says, the way on)
    "lt": ("Nepavyko prisijungti per VIISP", "išduota Lietuvoje", "Prisijungti per VIISP"),
    "en": ("Sign-in through VIISP failed", "issued in Lithuania", "Sign in through VIISP"),
    "uk": ("Не вдалося увійти через VIISP", "видано в Литві", "Увійти через VIISP"),
    "ru": ("Не удалось войти через VIISP", "выдано в Литве", "Войти через VIISP"),
}


@pytest.mark.parametrize("language", list(LITHUANIAN_EID))
def test_an_eid_issued_by_lithuania_is_sent_to_sign_in_through_viisp_with_a_lithuanian_means(
    page: Page, screens, language: str
):
    """Its holder has a personal code, which keys their one account: the page says to sign in that way."""
    title, words, way_on = LITHUANIAN_EID[language]
    page.add_init_script(f"localStorage.setItem('migris.language', JSON.stringify('{language}'))")
    page.goto("/login/viisp")
    expect(page.get_by_role("heading", level=1)).to_contain_text("VIISP")  # the stand-in portal
    ticket = parse_qs(urlsplit(page.url).query)["ticket"][0]
    person = [("eidas_eid", f"LT/LT/{personal_code()}"), ("nationality", "LT"), ("given_name", "Ona")]
    post_form(page, "/_local/viisp/authenticate", [("ticket", ticket), *person, ("family_name", "Jonaitė")])
    expect(page).to_have_url(re.compile(r"/#/viisp-error\?reason=invalid_ticket&detail=lithuanian_eid$"))
    said = refusal_screen(page, language, title)
    expect(said).to_contain_text(words)
    expect(said).to_contain_text("Smart\u2011ID")  # kept on one line
    expect(page.get_by_role("main").get_by_role("link", name=way_on)).to_have_attribute("href", "/login/viisp")
    screens.seen(page, f"41-{language}-viisp-lithuanian-eid")


@pytest.mark.parametrize(
    ("reason", "words", "way_on", "href"),
    [
        ("unauthenticated", "Jūsų sesija buvo pasibaigusi", "Grįžti į prisijungimo puslapį", "#/"),
        ("profile_incomplete", "Pirmiausia nurodykite savo kontaktinius duomenis.", "Grįžti į paskyrą", "#/account"),
    ],
)
def test_a_link_refused_before_it_reached_viisp_says_what_to_do(
    page: Page, reason: str, words: str, way_on: str, href: str
):
    page.goto(f"/#/viisp-error?reason={reason}")
    expect(heading(page)).to_have_text("Nepavyko susieti su VIISP")
    expect(page.locator("#viisp-reason")).to_contain_text(words)
    expect(page.get_by_role("main").get_by_role("link")).to_have_count(1)
    expect(page.get_by_role("link", name=way_on)).to_have_attribute("href", href)


FRESH_SIGN_IN = {
    # language: (title, why, what next, sign in again, back to the account, the sign-in screen's title, signed out)
    "lt": (
        "Nepavyko susieti su VIISP",
        "tik per 10 minučių nuo prisijungimo",
        "Prisijunkite iš naujo ir paskyros puslapyje susiekite ją su VIISP.",
        "Prisijungti iš naujo",
        "Grįžti į paskyrą",
        "Prisijungimas",
        "Jūs atsijungėte.",
    ),
    "en": (
        "Linking with VIISP failed",
        "only within 10 minutes of signing in",
        "Sign in again, then link the account from your account page.",
        "Sign in again",
        "Back to my account",
        "Sign in",
        "You have signed out.",
    ),
    "uk": (
        "Не вдалося пов’язати обліковий запис із VIISP",
        "лише протягом 10 хвилин після входу",
        "Увійдіть знову, а потім пов’яжіть обліковий запис із VIISP на сторінці облікового запису.",
        "Увійти знову",
        "Повернутися до облікового запису",
        "Вхід",
        "Ви вийшли з системи.",
    ),
    "ru": (
        "Не удалось связать учётную запись с VIISP",
        "только в течение 10 минут после входа",
        "Войдите снова, а затем свяжите учётную запись с VIISP на странице учётной записи.",
        "Войти снова",
        "Вернуться к учётной записи",
        "Вход",
        "Вы вышли из системы.",
    ),
}


def session_token(page: Page) -> str:
    """The browser's session (the HttpOnly cookie the pages never see), to ask the API about it directly."""
    (token,) = [cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "__Host-session"]
    return token


def signed_in_and_refused_as_stale(page: Page, site: str, language: str) -> str:
    """Signed in by e-mail, then on the screen of a link refused for a session opened more than 10 minutes ago
    (where the account page goes on that refusal; here a fresh load of it); the session's token."""
    address = new_address("sena.sesija")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    token = session_token(page)
    page.evaluate(f"localStorage.setItem('migris.language', JSON.stringify('{language}'))")
    page.goto("about:blank")
    page.goto("/#/viisp-error?reason=fresh_sign_in_required")
    return token


@pytest.mark.parametrize("language", list(FRESH_SIGN_IN))
def test_a_link_from_a_stale_session_asks_to_sign_in_again_and_that_signs_out(
    page: Page, site: str, screens, language: str
):
    title, why, what_next, again, back, sign_in_title, signed_out = FRESH_SIGN_IN[language]
    token = signed_in_and_refused_as_stale(page, site, language)
    said = refusal_screen(page, language, title)
    expect(said).to_contain_text(why)
    expect(page.locator("#viisp-next")).to_have_text(what_next)  # what to do, in plain text
    main = page.get_by_role("main")
    expect(main.get_by_role("button")).to_have_count(1)
    expect(main.get_by_role("link")).to_have_count(1)
    expect(main.get_by_role("link", name=back)).to_have_attribute("href", "#/account")
    sign_in_again = main.get_by_role("button", name=again)
    expect(sign_in_again).to_have_class("button")  # the primary way on; "back" is the secondary one
    screens.seen(page, f"41-{language}-viisp-fresh-sign-in-required")
    assert api(site, "GET", "/profile", token=token)[0] == 200  # still signed in, only too long ago

    with page.expect_request(lambda request: request.method == "POST" and request.url.endswith("/logout")):
        sign_in_again.click()
    expect(heading(page)).to_have_text(sign_in_title)
    expect(heading(page)).to_be_focused()
    expect(page).to_have_url(re.compile(r"/#/$"))
    expect(page.locator("#notice-page")).to_contain_text(signed_out)
    expect(page.locator("#notice-page")).to_have_class(re.compile(r"\bnotice--success\b"))
    assert not [cookie for cookie in page.context.cookies() if cookie["name"] == "__Host-session"]
    assert api(site, "GET", "/profile", token=token)[0] == 401  # ended on the server, not only in this browser


def test_a_link_from_a_stale_session_may_go_back_to_the_account_still_signed_in(page: Page, site: str):
    token = signed_in_and_refused_as_stale(page, site, "lt")
    expect(heading(page)).to_have_text("Nepavyko susieti su VIISP")
    page.get_by_role("link", name="Grįžti į paskyrą").click()
    expect(heading(page)).to_have_text("Mano paskyra")
    expect(page.get_by_role("button", name="Susieti su VIISP")).to_be_visible()
    assert api(site, "GET", "/profile", token=token)[0] == 200


# --- linking an e-mail account with VIISP, through the stand-in ---


def link_from_the_account(page: Page) -> None:
    """Press "Susieti su VIISP": the page asks POST /login/viisp/link, then goes to the portal it names."""
    main = page.get_by_role("main")
    expect(main.locator("#identity")).to_have_text("Nepatvirtinta (prisijungiate el. paštu)")
    with page.expect_response(lambda response: response.url.endswith("/login/viisp/link")) as asked:
        main.get_by_role("button", name="Susieti su VIISP").click()
    assert asked.value.status == 200 and asked.value.request.method == "POST"
    expect(page).to_have_url(re.compile(r"/_local/viisp/portal\?ticket="))


def test_an_e_mail_account_links_with_viisp_and_then_signs_in_either_way(page: Page, site: str, screens):
    address = new_address("susiejimas")
    elsewhere = make_account(site, address)  # signed in on another device too
    sign_in_by_email(page, site, address)  # a link right after signing in: fresh enough
    link_from_the_account(page)
    code = personal_code()
    at_the_portal(page, code, "Rūta", "Jonaitė")

    expect(page).to_have_url(re.compile(r"/#/account$"))
    expect(heading(page)).to_have_text("Mano paskyra")
    expect(page.locator("#notice-page")).to_contain_text("Paskyra susieta su VIISP.")
    main = page.get_by_role("main")
    expect(main.locator("#identity")).to_have_text("Patvirtinta per VIISP (Lietuvos asmens kodas)")
    person = main.get_by_role("region", name="Asmens duomenys")
    expect(person).to_contain_text("3 lygio naudotojas: tapatybė patvirtinta per VIISP")
    expect(person).to_contain_text("JONAITĖ")  # the names as VIISP gives them
    expect(main).not_to_contain_text(code)
    expect(main.get_by_role("button", name="Susieti su VIISP")).to_have_count(0)
    expect(main.get_by_role("region", name="El. pašto adresas")).to_contain_text(address)
    sessions = main.get_by_role("region", name="Kur esate prisijungę").get_by_role("listitem")
    expect(sessions).to_have_count(1)  # the other device was signed out, as the link card said it would be
    expect(sessions.first).to_contain_text("Šis įrenginys")
    expect(sessions.first).to_contain_text("Per VIISP")
    assert api(site, "GET", "/profile", token=elsewhere)[0] == 401
    screens.seen(page, "34-account-linked")

    # One account, either way in: through VIISP, and by e-mail.
    page.get_by_role("banner").get_by_role("button", name="Atsijungti").click()
    through_viisp(page, code, "Rūta", "Jonaitė")
    expect(heading(page)).to_have_text("Mano paskyra")
    expect(main.get_by_role("region", name="El. pašto adresas")).to_contain_text(address)
    page.get_by_role("banner").get_by_role("button", name="Atsijungti").click()
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    expect(main.locator("#identity")).to_have_text("Patvirtinta per VIISP (Lietuvos asmens kodas)")


def test_an_eidas_identity_links_and_reads_as_its_country(page: Page, site: str):
    address = new_address("eidas")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    link_from_the_account(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("VIISP")  # the stand-in portal
    # An eIDAS person of our own (the portal's listed ones may have accounts from other tests already).
    ticket = parse_qs(urlsplit(page.url).query)["ticket"][0]
    eidas_person = [("eidas_eid", f"DE/LT/{secrets.token_hex(8)}"), ("nationality", "DE")]
    names = [("given_name", "Erika"), ("family_name", "Musterfrau")]
    post_form(page, "/_local/viisp/authenticate", [("ticket", ticket), *eidas_person, *names])
    expect(page.locator("#notice-page")).to_contain_text("Paskyra susieta su VIISP.")
    main = page.get_by_role("main")
    expect(main.locator("#identity")).to_have_text("Patvirtinta per eIDAS (Vokietija)")
    choose_language(page, "en")
    expect(main.locator("#identity")).to_have_text("Confirmed through eIDAS (Germany)")


def test_linking_an_identity_that_has_its_own_account_is_refused_and_nothing_merges(page: Page, site: str, screens):
    code = personal_code()
    through_viisp(page, code, "Jonas", "Jonaitis")  # that identity's own account
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")
    page.context.clear_cookies()

    address = new_address("jau.turi")
    make_account(site, address)
    sign_in_by_email(page, site, address)
    link_from_the_account(page)
    at_the_portal(page, code, "Jonas", "Jonaitis")
    expect(page).to_have_url(re.compile(r"/#/viisp-error\?reason=identity_in_use$"))
    expect(heading(page)).to_have_text("Nepavyko susieti su VIISP")
    expect(page.locator("#viisp-reason")).to_contain_text("Niekas nesujungta")
    screens.seen(page, "35-viisp-identity-in-use")

    # Still signed in to the e-mail account, as it was.
    page.get_by_role("link", name="Grįžti į paskyrą").click()
    expect(heading(page)).to_have_text("Mano paskyra")
    main = page.get_by_role("main")
    expect(main.locator("#identity")).to_have_text("Nepatvirtinta (prisijungiate el. paštu)")
    expect(main.get_by_role("region", name="El. pašto adresas")).to_contain_text(address)
