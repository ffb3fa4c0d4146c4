"""Four languages: Lithuanian by default, English, Ukrainian and Russian. The choice is kept, <html lang>
follows it, the API is told (`language`), and the mails come in it."""

# The Ukrainian in this file writes its apostrophe as the pages do (U+2019): no confusable here.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    ask_for_code,
    choose_language,
    heading,
    language_button,
    latest_code,
    mails_to,
    new_address,
    title,
)


@dataclass(frozen=True)
class Words:
    code: str
    language_label: str
    sign_in: str
    email_label: str
    submit: str
    code_title: str
    address: str
    code_label: str
    next: str
    validity: str
    contact_title: str
    given: str
    family: str
    phone: str
    account_title: str
    level_1: str
    viisp: str  # the VIISP way's name, with the short name people meet elsewhere
    identity: str  # the account's label for how the identity was confirmed


LANGUAGES = [
    Words(
        "en",
        "Language",
        "Sign in",
        "E-mail",
        "Sign in",
        "Sign-in code",
        "Your e-mail address: ",
        "Temporary code",
        "Continue",
        "The sign-in code is valid for 60 minutes.",
        "Contact details",
        "Given name(s)",
        "Family name(s)",
        "Phone number",
        "My account",
        "Level 1 unidentified user",
        "State Information Resources Interoperability Platform (VIISP)",
        "Identity",
    ),
    Words(
        "uk",
        "Мова",
        "Вхід",
        "Електронна пошта",
        "Увійти",
        "Код для входу",
        "Ваша адреса електронної пошти: ",
        "Тимчасовий код",
        "Далі",
        "Код для входу дійсний 60 хвилин.",
        "Контактні дані",
        "Ім’я (імена)",
        "Прізвище (прізвища)",
        "Номер телефону",
        "Мій обліковий запис",
        "Неідентифікований користувач 1 рівня",
        "Платформа взаємодії державних інформаційних ресурсів (VIISP)",
        "Підтвердження особи",
    ),
    Words(
        "ru",
        "Язык",
        "Вход",
        "Электронная почта",
        "Войти",
        "Код для входа",
        "Ваш адрес электронной почты: ",
        "Временный код",
        "Далее",
        "Код для входа действителен 60 минут.",
        "Контактные данные",
        "Имя (имена)",
        "Фамилия (фамилии)",
        "Номер телефона",
        "Моя учётная запись",
        "Неидентифицированный пользователь 1 уровня",
        "Платформа взаимодействия государственных информационных ресурсов (VIISP)",
        "Личность",
    ),
]

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("words", LANGUAGES, ids=[words.code for words in LANGUAGES])
def test_a_whole_sign_in_in_another_language(page: Page, site: str, screens, words: Words):
    page.goto("/")
    expect(heading(page)).to_be_visible()  # the page has settled on its first screen
    expect(page.locator("html")).to_have_attribute("lang", "lt")
    choose_language(page, words.code)
    expect(page.locator("html")).to_have_attribute("lang", words.code)
    expect(heading(page)).to_have_text(words.sign_in)
    expect(page).to_have_title(title(words.sign_in))
    expect(language_button(page, words.code)).to_be_focused()  # the choice does not move focus
    expect(page.get_by_role("group", name=words.language_label)).to_be_visible()
    page.reload()  # the choice is kept
    expect(page.locator("html")).to_have_attribute("lang", words.code)
    expect(language_button(page, words.code)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("main")).to_contain_text(words.viisp)
    screens.seen(page, f"20-{words.code}-sign-in")

    address = new_address(f"kalba.{words.code}")
    page.get_by_label(words.email_label).fill(address)
    with page.expect_request(lambda request: request.url.endswith("/login/email")) as asked:
        page.locator("form").get_by_role("button", name=words.submit).click()
    assert asked.value.post_data_json == {"email": address, "language": words.code}
    expect(heading(page)).to_have_text(words.code_title)
    main = page.get_by_role("main")
    expect(main).to_contain_text(words.address + address)
    expect(main).to_contain_text(words.validity)
    screens.seen(page, f"21-{words.code}-code")

    # The mail comes in the chosen language.
    mail = mails_to(site, address)[-1]
    assert f'lang="{words.code}"' in mail["html"]

    main.get_by_label(words.code_label).fill(latest_code(site, address))
    main.get_by_role("button", name=words.next).click()
    expect(heading(page)).to_have_text(words.contact_title)
    screens.seen(page, f"22-{words.code}-contact")
    main.get_by_label(words.given).fill("Olena")
    main.get_by_label(words.family).fill("Kovalenko")
    main.get_by_label(words.phone).fill("+380 67 123 4567")
    main.get_by_role("button", name=words.next).click()
    expect(heading(page)).to_have_text(words.account_title)
    expect(main).to_contain_text(words.level_1)
    expect(main.locator("dt").filter(has_text=re.compile(f"^{words.identity}$"))).to_have_count(1)
    screens.seen(page, f"23-{words.code}-account")


def test_a_change_of_language_on_the_account_page_is_sent_to_the_api(page: Page, site: str):
    address = new_address("kalbos.keitimas")
    ask_for_code(page, address)  # waits for the code screen: the mail has gone by then
    page.get_by_label("Laikinas kodas").fill(latest_code(site, address))
    page.get_by_role("button", name="Toliau").click()
    page.get_by_label("Vardas (-ai)").fill("Ona")
    page.get_by_label("Pavardė (-ės)").fill("Petraitienė")
    page.get_by_label("Telefono Nr.").fill("+370 612 34567")
    page.get_by_role("button", name="Toliau").click()
    expect(heading(page)).to_have_text("Mano paskyra")
    page.get_by_label("Naujas telefono Nr.").fill("+370 6")  # typed, and kept across the change of language

    with page.expect_response(lambda response: response.request.method == "PATCH") as changed:
        choose_language(page, "ru")
    assert changed.value.request.post_data_json == {"language": "ru"}
    assert changed.value.json()["language"] == "ru"
    expect(heading(page)).to_have_text("Моя учётная запись")
    expect(page.get_by_label("Новый номер телефона")).to_have_value("+370 6")
    expect(page).to_have_title(title("Моя учётная запись"))


def test_every_string_file_holds_the_same_keys_and_the_plural_forms_its_language_needs(page: Page):
    page.goto("/")
    expect(heading(page)).to_be_visible()
    report = page.evaluate(
        """async () => {
            const tables = {};
            for (const code of ["lt", "en", "uk", "ru"]) tables[code] = (await import(`/i18n/${code}.js`)).default;
            const out = {};
            for (const [code, table] of Object.entries(tables)) {
                const needed = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
                const plurals = Object.entries(table).filter(([, value]) => typeof value === "object");
                out[code] = {
                    keys: Object.keys(table).sort(),
                    missingForms: plurals.flatMap(([key, forms]) =>
                        needed.filter((form) => !(form in forms)).map((form) => `${key}.${form}`)),
                    empty: Object.entries(table).filter(([, value]) => !value).map(([key]) => key),
                };
            }
            return out;
        }"""
    )
    assert set(report) == {"lt", "en", "uk", "ru"}
    for code, found in report.items():
        assert found["keys"] == report["lt"]["keys"], code
        assert not found["missingForms"], (code, found["missingForms"])
        assert not found["empty"], (code, found["empty"])


def test_lithuanian_is_the_default_and_the_title_follows_the_language(page: Page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "lt")
    expect(heading(page)).to_have_text("Prisijungimas")
    choose_language(page, "en")
    expect(page).to_have_title(title("Sign in"))
    expect(page.get_by_role("banner")).to_contain_text("Electronic migration services")
    expect(page.get_by_role("contentinfo")).to_contain_text("Migration Department")
    choose_language(page, "lt")
    expect(page).to_have_title(re.compile("^Prisijungimas"))
