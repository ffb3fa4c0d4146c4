"""Addresses on the pages: the API keeps a domain in ASCII (ona@xn--algiris-cxb.lt), the pages show the form the
person wrote beside it (ona@žalgiris.lt), decoded by web/js/address.js; a domain that cannot receive mail and a
part before @ outside ASCII are said at the e-mail field in the page's language."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    ask_for_code,
    choose_language,
    heading,
    latest_code,
    make_account,
    words_pattern,
)

pytestmark = pytest.mark.browser

# Words Punycode is tested on: RFC 3492's own samples among them (Arabic, Chinese, Japanese with Latin).
WORDS = [
    "bücher",
    "žalgiris",
    "faß",
    "пример",
    "рф",
    "ąčęėįšųūž" * 3,
    "ليهمابتكلموشعربي؟",
    "他们为什么不说中文",
    "3年B組金八先生",
    "安室奈美恵-with-SUPER-MONKEYS",
    "Hello-Another-Way-それぞれの場所",
    "😀",
]


def unique_local(label: str) -> str:
    return f"{label}.{secrets.token_hex(3)}"


def test_punycode_is_decoded_as_pythons_own_codec_decodes_it(page: Page):
    page.goto("/")
    encoded = [word.encode("punycode").decode("ascii") for word in WORDS]
    decoded = page.evaluate(
        "async (labels) => { const m = await import('/js/address.js'); return labels.map(m.decodePunycode); }", encoded
    )
    assert decoded == [label.encode("ascii").decode("punycode") for label in encoded] == WORDS

    addresses = page.evaluate(
        """async (addresses) => {
            const m = await import('/js/address.js');
            return addresses.map((address) => [m.unicodeAddress(address), m.addressText(address)]);
        }""",
        [
            "ona@xn--algiris-cxb.lt",
            "ivan@xn--e1afmkfd.xn--p1ai",
            "ona@example.lt",
            "ona@xn--zz9.lt",
            "ona@xn--.lt",
            "ona@xn--abc-.lt",
        ],
    )
    assert addresses == [
        ["ona@žalgiris.lt", "ona@xn--algiris-cxb.lt (\u2068ona@žalgiris.lt\u2069)"],
        ["ivan@пример.рф", "ivan@xn--e1afmkfd.xn--p1ai (\u2068ivan@пример.рф\u2069)"],
        ["ona@example.lt", "ona@example.lt"],  # nothing to decode: shown once
        ["ona@xn--zz9.lt", "ona@xn--zz9.lt"],  # not Punycode: shown as kept
        ["ona@xn--.lt", "ona@xn--.lt"],
        ["ona@xn--abc-.lt", "ona@xn--abc-.lt"],  # decodes to plain "abc": no A-label
    ]


def test_an_international_address_shows_the_form_written_beside_the_one_kept(page: Page, site: str, screens):
    local = unique_local("ona")
    written, kept = f"{local}@žalgiris.lt", f"{local}@xn--algiris-cxb.lt"
    ask_for_code(page, written)
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Jūsų el. pašto adresas: {kept} ({written})")
    expect(main.locator(".address__value")).to_have_text(kept)
    expect(main.locator(".address__unicode bdi")).to_have_text(written)
    screens.seen(page, "40-lt-code-international-address")

    main.get_by_label("Laikinas kodas").fill(latest_code(site, kept))  # mailed to the ASCII form
    main.get_by_role("button", name="Toliau").click()
    expect(heading(page)).to_have_text("Kontaktiniai duomenys")
    main.get_by_label("Vardas (-ai)").fill("Ona")
    main.get_by_label("Pavardė (-ės)").fill("Petraitienė")
    main.get_by_label("Telefono Nr.").fill("+370 612 34567")
    main.get_by_role("button", name="Toliau").click()
    expect(heading(page)).to_have_text("Mano paskyra")
    email = page.get_by_role("region", name="El. pašto adresas")
    expect(email.locator("dd")).to_have_text(f"{kept} ({written})")

    # The address as written is the current one: nothing to confirm, and the page says so.
    email.get_by_label("Naujas el. pašto adresas").fill(f"{local.upper()}@ŽALGIRIS.LT")
    email.get_by_role("button", name="Siųsti patvirtinimo kodą").click()
    expect(page.locator("#new-email-error")).to_contain_text("Tai jūsų dabartinis el. pašto adresas.")

    new_written = f"{local}@bücher.lt"
    new_kept = f"{local}@xn--bcher-kva.lt"
    email.get_by_label("Naujas el. pašto adresas").fill(new_written)
    email.get_by_role("button", name="Siųsti patvirtinimo kodą").click()
    # In text, the form written sits in an isolate (FSI ... PDI), as the <bdi> isolates it on the page.
    expect(page.locator("#notice-email")).to_contain_text(f"adresu {new_kept} (\u2068{new_written}\u2069).")
    expect(email).to_contain_text(f"Laukiama patvirtinimo: {new_kept} ({new_written})")
    screens.seen(page, "41-lt-account-international-address")


# The two refusals in each language: (language, its label, sign-in button, dead domain words, outside ASCII words)
REFUSALS = [
    ("lt", "El. paštas", "Prisijungti", "negali gauti el. laiškų", "lotyniškas raides be diakritinių ženklų"),
    ("en", "E-mail", "Sign in", "cannot receive e-mail", "Latin letters without accents"),
    ("uk", "Електронна пошта", "Увійти", "не може отримувати електронні листи", "латинські літери без діакритичних"),
    ("ru", "Электронная почта", "Войти", "не может получать электронные письма", "латинские буквы без диакритических"),
]


@pytest.mark.parametrize(("code", "label", "submit", "no_mail", "not_ascii"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_domain_without_mail_and_a_part_before_at_outside_ascii_are_said_at_the_field(
    page: Page, screens, code: str, label: str, submit: str, no_mail: str, not_ascii: str
):
    page.goto("/")
    expect(heading(page)).to_be_visible()
    if code != "lt":
        choose_language(page, code)
    field = page.get_by_label(label)
    form = page.locator("form").filter(has=field)

    field.fill(f"{unique_local('ona')}@no-mail.example.lt")
    form.get_by_role("button", name=submit).click()
    expect(page.locator("#email-error")).to_contain_text(no_mail)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(words_pattern(no_mail))
    if code in {"lt", "uk"}:
        screens.seen(page, f"42-{code}-sign-in-no-mail")

    field.fill("žydrūnas@example.lt")
    form.get_by_role("button", name=submit).click()
    expect(page.locator("#email-error")).to_contain_text(not_ascii)
    if code in {"lt", "uk"}:
        screens.seen(page, f"43-{code}-sign-in-not-ascii")


def test_an_email_change_to_a_domain_without_mail_is_said_at_the_new_address(page: Page, site: str):
    address = f"{unique_local('keitimas')}@example.lt"
    make_account(site, address)
    ask_for_code(page, address)
    page.get_by_label("Laikinas kodas").fill(latest_code(site, address))
    page.get_by_role("button", name="Toliau").click()
    email = page.get_by_role("region", name="El. pašto adresas")
    email.get_by_label("Naujas el. pašto adresas").fill(f"{unique_local('ona')}@no-mail.example.lt")
    email.get_by_role("button", name="Siųsti patvirtinimo kodą").click()
    expect(page.locator("#new-email-error")).to_contain_text("negali gauti el. laiškų")
    expect(email.get_by_label("Naujas el. pašto adresas")).to_be_visible()  # nothing pending
