"""Words for every failure of a sign-in, in four languages: a used-up code (its tries spent) apart from a wrong one,
an expired code, a lock until when (24-hour clock), the wait an e-mail change's code starts, a session ended
elsewhere after a reload, a bare network failure; the alert area emptied on a new screen; the code's length in
the hint."""

# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.support import (
    EMAIL_WAY,
    PARAMETERS,
    api,
    ask_for_code,
    fresh_page,
    heading,
    latest_code,
    make_account,
    new_address,
    serving,
    sign_in_by_email,
)

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Words:
    code: str
    submit: str
    hint: str
    wrong: str
    used_up: str
    expired: str
    locked: str  # a pattern
    ask_again: str  # beside "Send a new code" once the code no longer works


WORDS = [
    Words(
        "lt",
        "Toliau",
        "Kodą sudaro 8 skaitmenys.",
        "Neteisingas arba nebegaliojantis kodas.",
        "Neteisingas kodas įvestas per daug kartų, todėl šis kodas nebegalioja. Žemiau paprašykite naujo kodo.",
        "Šio kodo galiojimo laikas baigėsi. Žemiau paprašykite naujo kodo.",
        r"Bandykite vėl po 15 min\. \(apie [0-2]\d:[0-5]\d\)\.$",
        "Paprašykite naujo kodo – atsiųsime jį tuo pačiu adresu.",
    ),
    Words(
        "en",
        "Continue",
        "The code has 8 digits.",
        "The code is wrong or no longer valid.",
        "A wrong code was entered too many times, so this code no longer works. Ask for a new code below.",
        "This code has expired. Ask for a new code below.",
        r"Try again in 15 min \(at about [0-2]\d:[0-5]\d\)\.$",
        "Ask for a new code: we will send it to the same address.",
    ),
    Words(
        "uk",
        "Далі",
        "Код складається з 8 цифр.",
        "Код неправильний або вже не діє.",
        "Неправильний код введено забагато разів, тому цей код більше не діє. Запросіть новий код нижче.",
        "Термін дії цього коду закінчився. Запросіть новий код нижче.",
        r"Спробуйте ще раз через 15 хв \(приблизно о [0-2]\d:[0-5]\d\)\.$",
        "Запросіть новий код – ми надішлемо його на ту саму адресу.",
    ),
    Words(
        "ru",
        "Далее",
        "Код состоит из 8 цифр.",
        "Код неверный или уже недействителен.",
        "Неверный код введён слишком много раз, поэтому этот код больше не действует. Запросите новый код ниже.",
        "Срок действия этого кода истёк. Запросите новый код ниже.",
        r"Попробуйте ещё раз через 15 мин \(примерно в [0-2]\d:[0-5]\d\)\.$",
        "Запросите новый код – мы отправим его на тот же адрес.",
    ),
]
IDS = [words.code for words in WORDS]


@pytest.fixture(scope="module")
def patient_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A stack as deployed in what these tests need: a code is used up after 5 wrong tries before the address is
    locked (at 10), and a minute passes between two codes to one address."""
    parameters = f"{PARAMETERS} LockoutThreshold=10 ResendCooldownSeconds=60 CodeMaxAttempts=5"
    with serving(parameters, tmp_path_factory.mktemp("browser-patient-devserver")) as base:
        yield base


@pytest.fixture(scope="module")
def hasty_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A stack whose codes live 2 seconds."""
    with serving(f"{PARAMETERS} CodeTtlSeconds=2", tmp_path_factory.mktemp("browser-hasty-devserver")) as base:
        yield base


def in_language(page: Page, code: str) -> None:
    page.add_init_script(f"localStorage.setItem('migris.language', '\"{code}\"')")


def ask_for_code_in(page: Page, address: str) -> None:
    page.goto("/")
    page.locator("#email").fill(address)
    page.locator("#email").press("Enter")
    expect(page.locator("#code")).to_be_visible()


def dead_code_is_not_offered(page: Page, words: Words) -> None:
    """A code that no longer works is gone from the field and "Continue" with it: "Send a new code" is the main
    button."""
    expect(page.locator("#code")).to_have_value("")
    expect(page.get_by_role("button", name=words.submit, exact=True)).to_have_count(0)
    expect(page.locator("#resend")).to_have_class("button")


def enter(page: Page, words: Words, code: str) -> None:
    page.locator("#code").fill(code)
    with page.expect_response(lambda response: response.url.endswith("/login/email/verify")):
        page.get_by_role("button", name=words.submit, exact=True).click()


@pytest.mark.parametrize("words", WORDS, ids=IDS)
def test_a_used_up_code_is_worded_apart_from_a_wrong_one(browser: Browser, patient_site: str, words: Words, screens):
    with fresh_page(browser, patient_site) as page:
        in_language(page, words.code)
        address = new_address(f"isnaudotas-{words.code}")
        ask_for_code_in(page, address)
        expect(page.locator("#code-hint")).to_have_text(words.hint)
        error = page.locator("#code-error")
        for _ in range(4):
            enter(page, words, "00000000")
            expect(error).to_contain_text(words.wrong)
            expect(error).not_to_contain_text(words.used_up)
        enter(page, words, "00000000")  # the fifth wrong try: the API burns the code
        expect(error).to_contain_text(words.used_up)
        expect(page.locator("#live-alert")).to_contain_text(words.used_up)
        # The right code cannot help now (the API refuses it as it refused the wrong ones): nothing invites it.
        dead_code_is_not_offered(page, words)
        page.reload()  # and a reload keeps it so, with the reason at the field
        expect(error).to_contain_text(words.used_up)
        dead_code_is_not_offered(page, words)
        screens.seen(page, f"code-used-up-{words.code}")


@pytest.mark.parametrize("words", WORDS, ids=IDS)
def test_an_expired_code_says_it_expired(browser: Browser, hasty_site: str, words: Words):
    with fresh_page(browser, hasty_site) as page:
        in_language(page, words.code)
        address = new_address(f"pasenes-{words.code}")
        ask_for_code_in(page, address)
        code = latest_code(hasty_site, address)
        page.wait_for_timeout(2500)
        enter(page, words, code)
        expect(page.locator("#code-error")).to_contain_text(words.expired)
        dead_code_is_not_offered(page, words)
        # The wait for a new code is over (2 s here): the words say to ask for one, not "did not get the e-mail?".
        expect(page.locator("#resend-status")).to_have_text(words.ask_again)
        page.locator("#resend").click()
        expect(page.get_by_role("button", name=words.submit, exact=True)).to_be_visible()
        expect(page.locator("#code-error")).to_have_count(0)


@pytest.mark.parametrize("words", WORDS, ids=IDS)
def test_a_lock_says_until_when_on_the_24_hour_clock(page: Page, words: Words):
    in_language(page, words.code)
    ask_for_code_in(page, new_address(f"uzrakintas-{words.code}"))
    for _ in range(3):  # the shared stack locks after 3 wrong codes
        enter(page, words, "00000000")
    expect(page.locator("#notice-code")).to_have_text(re.compile(words.locked))


def test_after_an_e_mail_change_the_sign_in_does_not_wait_for_a_code_never_asked(
    browser: Browser, patient_site: str, screens
):
    old, new = new_address("senas"), new_address("naujas")
    make_account(patient_site, old)
    with fresh_page(browser, patient_site) as page:
        # On a shared computer: no device cookie, whose own counters would let the next code go at once.
        ask_for_code(page, old)
        page.get_by_label("Tai bendro naudojimo kompiuteris").check()
        page.get_by_label("Laikinas kodas").fill(latest_code(patient_site, old))
        page.get_by_role("button", name="Toliau").click()
        expect(heading(page)).to_have_text("Mano paskyra")
        page.get_by_label("Naujas el. pašto adresas").fill(new)
        page.get_by_role("button", name="Siųsti patvirtinimo kodą").click()
        expect(page.locator("#notice-email")).to_contain_text(f"Patvirtinimo kodą išsiuntėme adresu {new}.")
        page.get_by_label("Patvirtinimo kodas").fill(latest_code(patient_site, new))
        page.get_by_role("button", name="Patvirtinti").click()
        expect(page.locator("#notice-email")).to_contain_text("El. pašto adresas pakeistas.")
        page.get_by_role("button", name="Atsijungti").first.click()
        expect(heading(page)).to_have_text("Prisijungimas")
        way = page.get_by_role("region", name=EMAIL_WAY)
        way.get_by_label("El. paštas").fill(new)
        way.get_by_role("button", name="Prisijungti").click()
        error = page.locator("#email-error")
        expect(error).to_contain_text("Šiuo adresu ką tik išsiųstas naujo el. pašto adreso patvirtinimo kodas.")
        # Under a minute left, or the whole minute when the steps since the change code took under a second; one
        # full stop after "min." (the abbreviation's ends the sentence).
        expect(error).to_have_text(re.compile(r"Prisijungimo kodo galėsite paprašyti po (\d+ s|1 min)\.\s*$"))
        expect(error).not_to_contain_text("Kodas šiuo adresu ką tik išsiųstas")
        screens.seen(page, "sign-in-after-e-mail-change")


def test_a_session_ended_elsewhere_is_told_after_a_reload(page: Page, site: str, screens):
    address = new_address("baigta.kitur")
    token = make_account(site, address)
    sign_in_by_email(page, site, address)
    expect(heading(page)).to_have_text("Mano paskyra")
    status, listed = api(site, "GET", "/sessions", token=token)
    assert status == 200, listed
    [browser_session] = [s for s in listed["sessions"] if not s.get("current")]
    status, _ = api(site, "DELETE", f"/sessions/{browser_session['id']}", token=token)
    assert status == 204
    page.reload()
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(page.locator("#notice-page")).to_contain_text(
        "Jūs nebeprisijungę: jūsų sesija baigta kitame įrenginyje arba baigėsi jos laikas. Prisijunkite iš naujo."
    )
    screens.seen(page, "sign-in-session-ended-elsewhere")
    page.reload()  # said once: a later reload is a plain sign-in screen
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(page.locator("#notice-page")).to_have_count(0)


def test_a_network_failure_is_told_as_one(page: Page):
    page.goto("/")
    page.route("**/login/email", lambda route: route.abort("internetdisconnected"))
    way = page.get_by_role("region", name=EMAIL_WAY)
    way.get_by_label("El. paštas").fill(new_address("be.rysio"))
    way.get_by_role("button", name="Prisijungti").click()
    said = "Nepavyko susisiekti su serveriu. Patikrinkite interneto ryšį ir bandykite dar kartą."
    expect(page.locator("#notice-email")).to_contain_text(said)
    expect(page.locator("#live-alert")).to_have_text(said)


def test_the_alert_area_is_emptied_on_a_new_screen(page: Page):
    ask_for_code(page, new_address("nauja.sritis"))
    page.get_by_label("Laikinas kodas").fill("00000000")
    page.get_by_role("button", name="Toliau").click()
    expect(page.locator("#live-alert")).to_contain_text("Neteisingas arba nebegaliojantis kodas.")
    page.get_by_role("button", name="Naudoti kitą el. pašto adresą").click()
    expect(heading(page)).to_have_text("Prisijungimas")
    expect(page.locator("#live-alert")).to_be_empty()
