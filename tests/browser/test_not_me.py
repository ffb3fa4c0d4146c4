""" "Not me" as a person meets it (DESIGN.md, "Your account"): the mail that tells of a new passkey links to
/#/not-me?t=<token>. Opening the link changes nothing and takes the token out of the address bar at once; only
the button spends it (POST /activity/not-me): every session ends, the passkey no longer signs in, and the
reference to quote to the Migration Department is shown with a way to sign in again. The same link pressed again,
or a link without a token, gets one plain sentence and a way to sign in. In Lithuanian and Ukrainian; phone
screenshots in English and Ukrainian."""

# The texts are the pages' own, with the typographic dashes their languages write.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from tests.browser import test_passkeys as passkeys
from tests.browser.support import (
    SCREENSHOTS,
    choose_language,
    fresh_page,
    heading,
    language_button,
    mails_to,
    make_account,
    new_address,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
CONTACT_PAGE = "https://migracija.lrv.lt/lt/kontaktai"  # index.html's migris-link-contact, the mails' ContactUrl
LINK = re.compile(r"https?://\S+/#/not-me\?t=[\w-]+")
REFERENCE = re.compile(r"NM-[0-9A-F]{8}")
PAGE_FILES = re.compile(r"https?://[^/]+/(|index\.html|style\.css|(js|i18n)/[\w/]+\.js)(\?.*|#.*)?$")


@dataclass(frozen=True)
class Words:
    code: str
    sign_in_screen: str
    passkeys: passkeys.Words | None  # the sign-in and the account page, in the same language
    ready_title: str
    ready_text: str
    submit: str
    done_title: str
    done_text: str
    reference: str  # with {reference}
    sign_in_again: str
    refused_title: str
    refused_text: str
    refused_contact: str  # then the link to the Migration Department's contact page
    sign_in: str


LITHUANIAN = Words(
    code="lt",
    sign_in_screen="Prisijungimas",
    passkeys=passkeys.LITHUANIAN,
    ready_title="Apsaugokite savo paskyrą",
    ready_text="Jei to, apie ką pranešta laiške, nedarėte jūs, paspauskite mygtuką: atjungsime visus įrenginius nuo "
    "jūsų paskyros, pašalinsime nuo tada sukurtus prieigos raktus ir atšauksime el. pašto adreso keitimą,"
    " jei jis pradėtas.",
    submit="Tai ne aš – apsaugoti mano paskyrą",
    done_title="Jūsų paskyra apsaugota",
    done_text="Atjungėme visus įrenginius nuo jūsų paskyros, pašalinome nuo tada sukurtus prieigos raktus ir "
    "atšaukėme el. pašto adreso keitimą, jei jis buvo pradėtas.",
    reference="Jei kreipsitės į Migracijos departamentą, nurodykite šio pranešimo numerį: {reference}",
    sign_in_again="Prisijungti iš naujo",
    refused_title="Ši nuoroda neveikia",
    refused_text="Ši nuoroda jau panaudota arba baigėsi jos galiojimo laikas (7 dienos).",
    refused_contact="Jei to, apie ką pranešta laiške, nedarėte jūs, kreipkitės į Migracijos departamentą:",
    sign_in="Prisijungti",
)
ENGLISH = Words(
    code="en",
    sign_in_screen="Sign in",
    passkeys=passkeys.ENGLISH,
    ready_title="Secure your account",
    ready_text="If you did not do what the e-mail describes, press the button: we sign out every device, remove"
    " any passkey created since then and cancel any change of your e-mail address.",
    submit="This was not me — secure my account",
    done_title="Your account has been secured",
    done_text="We signed out every device, removed any passkey created since then and cancelled any change of your "
    "e-mail address.",
    reference="If you contact the Migration Department, give them this reference number: {reference}",
    sign_in_again="Sign in again",
    refused_title="This link does not work",
    refused_text="This link has already been used, or it has expired (a link is valid for 7 days).",
    refused_contact="If you did not do what the e-mail told you about, contact the Migration Department:",
    sign_in="Sign in",
)
UKRAINIAN = Words(
    code="uk",
    sign_in_screen="Вхід",
    passkeys=passkeys.UKRAINIAN,
    ready_title="Захистіть свій обліковий запис",
    ready_text="Якщо Ви не робили того, про що йдеться в листі, натисніть кнопку: ми виконаємо вихід на всіх "
    "пристроях, видалимо ключі доступу, створені відтоді, та скасуємо зміну Вашої адреси електронної "
    "пошти, якщо її розпочато.",
    submit="Це не я — захистити мій обліковий запис",
    done_title="Ваш обліковий запис захищено",
    done_text="Ми виконали вихід на всіх пристроях, видалили ключі доступу, створені відтоді, та скасували зміну "
    "Вашої адреси електронної пошти, якщо її було розпочато.",
    reference="Якщо звертатиметеся до Департаменту міграції, назвіть цей номер звернення: {reference}",
    sign_in_again="Увійти знову",
    refused_title="Це посилання не діє",
    refused_text="Цим посиланням уже скористалися, або термін його дії (7 днів) минув.",
    refused_contact="Якщо Ви не робили того, про що йдеться в листі, зверніться до Департаменту міграції:",
    sign_in="Увійти",
)
RUSSIAN = Words(
    code="ru",
    sign_in_screen="Вход",
    passkeys=None,
    ready_title="Защитите свою учётную запись",
    ready_text="Если Вы не делали того, о чём говорится в письме, нажмите кнопку: мы выполним выход на всех "
    "устройствах, удалим ключи доступа, созданные с тех пор, и отменим изменение Вашего адреса "
    "электронной почты, если оно начато.",
    submit="Это не я — защитить мою учётную запись",
    done_title="Ваша учётная запись защищена",
    done_text="Мы выполнили выход на всех устройствах, удалили ключи доступа, созданные с тех пор, и отменили "
    "изменение Вашего адреса электронной почты, если оно было начато.",
    reference="Если будете обращаться в Департамент миграции, назовите этот номер обращения: {reference}",
    sign_in_again="Войти снова",
    refused_title="Эта ссылка не действует",
    refused_text="Этой ссылкой уже воспользовались, или срок её действия (7 дней) истёк.",
    refused_contact="Если Вы не делали того, о чём говорится в письме, обратитесь в Департамент миграции:",
    sign_in="Войти",
)
BOTH = [LITHUANIAN, UKRAINIAN]
EVERY = [LITHUANIAN, ENGLISH, UKRAINIAN, RUSSIAN]
PHONES = [ENGLISH, UKRAINIAN]


def ids(table: list[Words]) -> list[str]:
    return [words.code for words in table]


@pytest.fixture
def elsewhere(browser: Browser, site: str) -> Iterator[Page]:
    """Another browser (its own cookies and storage), as the phone the mail is read on: nobody is signed in."""
    with fresh_page(browser, site) as page:
        yield page


def with_a_new_passkey(page: Page, site: str, words: Words) -> str:
    """A person signs in by code in their language and creates a passkey; the "not me" link the mail brought."""
    assert words.passkeys is not None
    page.add_init_script(passkeys.NO_AUTOFILL)
    passkeys.authenticator(page)
    address = new_address(f"ne-as.{words.code}")
    make_account(site, address)
    passkeys.choose_language(page, words.passkeys)
    passkeys.sign_in_with_code(page, site, address, words.passkeys)
    passkeys.create_passkey(page, words.passkeys)
    # The sign-in from this new browser was told too; the newest mail tells of the passkey.
    links = LINK.findall(mails_to(site, address)[-1]["text"])
    assert len(links) == 1, "the mail of the new passkey carries one link"
    assert links[0].startswith(f"{site}/#/not-me?t=")
    return links[0]


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).fragment.partition("?")[2])["t"][0]


def open_link(page: Page, link: str, words: Words) -> None:
    """Open the mailed link; in another language than the page's default, pick it there (the token is kept)."""
    page.goto(link)
    expect(heading(page)).to_be_focused()  # the screen puts focus on its heading as it opens
    if language_button(page, words.code).get_attribute("aria-pressed") != "true":
        choose_language(page, words.code)
        heading(page).focus()  # the press moved focus to the language's button: back where the screen put it
    expect(heading(page)).to_have_text(words.ready_title)


def kept_anywhere(page: Page, token: str) -> bool:
    """Whether the token is in the address, the tab's storage or the page's markup."""
    found: bool = page.evaluate(
        """(token) => [
            location.href,
            JSON.stringify({ ...sessionStorage }),
            JSON.stringify({ ...localStorage }),
            document.documentElement.outerHTML,
        ].some((place) => place.includes(token))""",
        token,
    )
    return found


def press(page: Page, words: Words):
    with page.expect_response(lambda r: r.url.endswith("/activity/not-me")) as answer:
        page.get_by_role("button", name=words.submit).click()
    return answer.value


def refused(page: Page, words: Words) -> None:
    expect(heading(page)).to_have_text(words.refused_title)
    expect(heading(page)).to_be_focused()
    told = page.locator("#not-me-outcome")
    expect(told).to_have_text(re.compile(re.escape(words.refused_text) + "$"))
    expect(told).to_have_class(re.compile(r"\bnotice--error\b"))
    expect(page.get_by_role("button", name=words.submit)).to_have_count(0)
    expect(page.get_by_role("link", name=words.sign_in, exact=True)).to_be_visible()
    # Whoever did not do what the mail told of has somewhere to turn: the department's contact page.
    contact = page.locator("#not-me-contact")
    expect(contact).to_contain_text(words.refused_contact)
    expect(contact.get_by_role("link")).to_have_attribute("href", CONTACT_PAGE)


@pytest.mark.parametrize("words", BOTH, ids=ids(BOTH))
def test_the_mailed_link_secures_the_account_once(page: Page, elsewhere: Page, site: str, screens, words: Words):
    link = with_a_new_passkey(page, site, words)
    token = token_of(link)
    own = words.passkeys
    assert own is not None

    # Opened on another browser: the screen, and the token out of the address bar at once; nothing spent: the API is
    # asked only whether this browser is signed in (it is not: no sign-out in the header), never with the token.
    asked: list[Request] = []
    elsewhere.on("request", lambda request: asked.append(request))
    open_link(elsewhere, link, words)
    expect(heading(elsewhere)).to_be_focused()
    expect(elsewhere).to_have_url(f"{site}/")
    assert not kept_anywhere(elsewhere, token), "the token is kept in memory only"
    main = elsewhere.get_by_role("main")
    expect(main).to_contain_text(words.ready_text)
    button = elsewhere.get_by_role("button", name=words.submit)
    expect(button).to_have_accessible_description(words.ready_text)
    api_calls = [r for r in asked if r.url.startswith(site) and not PAGE_FILES.match(r.url)]
    assert [f"{r.method} {r.url}" for r in api_calls] == [f"GET {site}/profile"], "opening spends nothing"
    assert not any(token in (r.url + (r.post_data or "")) for r in api_calls), "the token stays in the page"
    expect(elsewhere.locator("#sign-out")).to_be_hidden()
    screens.seen(elsewhere, f"70-{words.code}-not-me")

    # Nothing changed: the person's own page is still signed in, with its passkey.
    assert passkeys.fetch(page, "GET", "/profile")[0] == 200
    assert len(passkeys.fetch(page, "GET", "/passkeys")[1]["passkeys"]) == 1
    page.reload()
    expect(heading(page)).to_have_text(own.account)

    answer = press(elsewhere, words)
    assert answer.request.post_data_json == {"token": token}
    assert answer.status == 200, answer.text()
    reference = answer.json()["reference"]
    assert REFERENCE.fullmatch(reference)
    expect(heading(elsewhere)).to_have_text(words.done_title)
    expect(heading(elsewhere)).to_be_focused()
    done = elsewhere.locator("#not-me-outcome")
    expect(done).to_contain_text(words.done_text)
    expect(done).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(main).to_contain_text(words.reference.format(reference=reference))
    expect(elsewhere.locator("#not-me-reference")).to_have_text(reference)
    expect(elsewhere.locator("#live-status")).to_contain_text(reference)
    again = elsewhere.get_by_role("link", name=words.sign_in_again)
    expect(again).to_be_visible()
    screens.seen(elsewhere, f"71-{words.code}-not-me-done")

    # Their session has ended, and the passkey no longer signs in.
    assert passkeys.fetch(page, "GET", "/profile")[0] == 401
    page.reload()
    expect(heading(page)).to_have_text(own.sign_in)
    with page.expect_response(lambda r: r.url.endswith("/login/passkey")) as signing_in:
        passkeys.sign_in_with_passkey(page, own)
    assert signing_in.value.status == 401
    expect(page.locator("#notice-passkey")).to_contain_text(own.passkey_refused)

    # The same link again: the page cannot know until the button is pressed; then the plain refusal.
    elsewhere.goto(link)
    expect(heading(elsewhere)).to_have_text(words.ready_title)
    expect(elsewhere).to_have_url(f"{site}/")
    answer = press(elsewhere, words)
    assert answer.status == 400 and answer.json()["error"]["code"] == "invalid_token"
    refused(elsewhere, words)
    expect(elsewhere.locator("#live-alert")).to_have_text(words.refused_text)
    screens.seen(elsewhere, f"72-{words.code}-not-me-refused")
    elsewhere.get_by_role("link", name=words.sign_in, exact=True).click()
    expect(heading(elsewhere)).to_have_text(own.sign_in)


@pytest.mark.parametrize("words", EVERY, ids=ids(EVERY))
def test_a_link_without_a_token_or_with_a_wrong_one_is_refused_plainly(page: Page, site: str, words: Words):
    page.goto("/")
    choose_language(page, words.code)
    expect(heading(page)).to_have_text(words.sign_in_screen)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/activity" in request.url else None)
    for address in ("/#/not-me", "/#/not-me?t=", "/#/not-me?x=1"):
        page.goto("/#/")
        expect(heading(page)).to_have_text(words.sign_in_screen)
        page.goto(address)
        refused(page, words)
        expect(page).to_have_url(f"{site}/")
    assert asked == [], "nothing to spend, nothing asked"

    for token, status in (("x" * 43, 400), ("x" * 129, 422)):  # unknown, and not a token at all
        page.goto(f"/#/not-me?t={token}")
        expect(heading(page)).to_have_text(words.ready_title)
        expect(page.get_by_role("main")).to_contain_text(words.ready_text)
        assert press(page, words).status == status
        refused(page, words)


def test_a_press_that_does_not_reach_the_server_keeps_the_button_and_the_token(page: Page, site: str):
    page.goto("/")
    choose_language(page, "en")
    expect(heading(page)).to_have_text(ENGLISH.sign_in_screen)
    page.goto("/#/not-me?t=" + "y" * 43)
    expect(heading(page)).to_have_text(ENGLISH.ready_title)

    def offline(route: Route) -> None:
        route.abort("internetdisconnected")

    page.route("**/activity/not-me", offline)
    page.get_by_role("button", name=ENGLISH.submit).click()
    told = page.locator("#notice-page")
    expect(told).to_contain_text("Could not reach the server.")
    expect(told).to_be_focused()
    expect(heading(page)).to_have_text(ENGLISH.ready_title)
    page.unroute("**/activity/not-me", offline)

    answer = press(page, ENGLISH)  # the same token, sent again
    assert answer.request.post_data_json == {"token": "y" * 43}
    refused(page, ENGLISH)


# --- how it looks on a phone ---


@pytest.mark.parametrize("words", PHONES, ids=ids(PHONES))
def test_phone_screenshots_of_the_not_me_screen(page: Page, elsewhere: Page, site: str, words: Words):
    """The screen before and after pressing, and the same link pressed again, at 360 x 740 (test-artifacts/
    screenshots/not-me-<language>-*.png, what the phone shows first, and -full for the whole page)."""
    link = with_a_new_passkey(page, site, words)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    elsewhere.set_viewport_size(PHONE)

    def shoot(name: str) -> None:
        overflow = elsewhere.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} is {overflow} px wider than the phone"
        elsewhere.screenshot(path=str(SCREENSHOTS / f"not-me-{words.code}-{name}.png"))
        elsewhere.screenshot(path=str(SCREENSHOTS / f"not-me-{words.code}-{name}-full.png"), full_page=True)

    open_link(elsewhere, link, words)
    button = elsewhere.get_by_role("button", name=words.submit)
    expect(button).to_be_in_viewport()  # the button is on the first screen of a small phone
    shoot("before")
    assert press(elsewhere, words).status == 200
    expect(heading(elsewhere)).to_have_text(words.done_title)
    expect(elsewhere.get_by_role("link", name=words.sign_in_again)).to_be_in_viewport()
    shoot("after")
    elsewhere.goto(link)
    expect(heading(elsewhere)).to_have_text(words.ready_title)
    press(elsewhere, words)
    refused(elsewhere, words)
    shoot("refused")
