"""The edge in front of the API (WAF): when a network has signed in too often, the sign-in page says so in the
page's language and how long to wait, and never takes the edge's answer for "code sent": neither the rate
rule's 429 (played by a local stack with a small LoginEdgeRequests) nor a challenge's bodiless 202."""

# The texts are the pages' own, with the typographic dashes their languages write.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.support import PARAMETERS, api, choose_language, fresh_page, heading, new_address, serving

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-edge-limit")]

EDGE_LIMIT = 10
BROWSER_ADDRESS = "127.0.0.1"  # where Chromium connects from


@dataclass(frozen=True)
class Words:
    code: str
    sign_in: str  # the sign-in screen's heading
    refusal: str  # the edge's refusal, with a wait of 5 minutes
    refusal_in_2_minutes: str


LANGUAGES = [
    Words(
        "lt",
        "Prisijungimas",
        "Iš jūsų tinklo per daug prisijungimų. Po 5 min. bandykite vėl.",
        "Iš jūsų tinklo per daug prisijungimų. Po 2 min. bandykite vėl.",
    ),
    Words(
        "en",
        "Sign in",
        "Too many sign-ins from your network. Try again in 5 min.",
        "Too many sign-ins from your network. Try again in 2 min.",
    ),
    Words(
        "uk",
        "Вхід",
        "З Вашої мережі було забагато спроб входу. Спробуйте ще раз через 5 хв.",
        "З Вашої мережі було забагато спроб входу. Спробуйте ще раз через 2 хв.",
    ),
    Words(
        "ru",
        "Вход",
        "Слишком много попыток входа из Вашей сети. Попробуйте ещё раз через 5 мин.",
        "Слишком много попыток входа из Вашей сети. Попробуйте ещё раз через 2 мин.",
    ),
]
IDS = [words.code for words in LANGUAGES]


@pytest.fixture(scope="module")
def crowded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local stack whose edge lets EDGE_LIMIT requests to /login/* through per address in 300 s, all of them
    already spent from the browser's address (as by the other people behind its NAT)."""
    parameters = f"{PARAMETERS} LoginEdgeRequests={EDGE_LIMIT}"
    with serving(parameters, tmp_path_factory.mktemp("browser-edge-devserver")) as base:
        for _ in range(EDGE_LIMIT):
            status, _ = api(base, "POST", "/login/email", {"email": new_address("kaimynas")}, source=BROWSER_ADDRESS)
            assert status == 202
        yield base


@pytest.fixture
def crowded_page(browser: Browser, crowded_site: str) -> Iterator[Page]:
    with fresh_page(browser, crowded_site) as page:
        yield page


def ask_for_a_code_in(page: Page, words: Words) -> None:
    page.goto("/")
    expect(heading(page)).to_be_visible()  # the page has settled on its first screen
    choose_language(page, words.code)
    expect(heading(page)).to_have_text(words.sign_in)
    page.locator("#email").fill(new_address(f"tinklas.{words.code}"))
    page.locator("#email").press("Enter")


def expect_the_refusal(page: Page, words: Words, said: str) -> None:
    notice = page.locator("#notice-email")
    expect(notice).to_have_text(re.compile(re.escape(said)))
    expect(notice).to_be_focused()
    expect(page.locator("#live-alert")).to_contain_text(said)
    expect(heading(page)).to_have_text(words.sign_in)  # no code screen: no code was sent
    expect(page.locator("#email")).not_to_have_attribute("aria-invalid", "true")  # nothing wrong with the address


@pytest.mark.parametrize("words", LANGUAGES, ids=IDS)
def test_the_edges_429_is_said_in_the_pages_language(crowded_page: Page, screens, words: Words):
    with crowded_page.expect_response(lambda response: response.url.endswith("/login/email")) as refused:
        ask_for_a_code_in(crowded_page, words)
    assert refused.value.status == 429
    assert refused.value.headers["retry-after"] == "300"
    expect_the_refusal(crowded_page, words, words.refusal)
    screens.seen(crowded_page, f"30-{words.code}-edge-refusal")


def answer_with(page: Page, status: int, headers: dict[str, str]) -> None:
    """The edge answers POST /login/email in the API's place, with no body."""

    def handle(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        route.fulfill(status=status, headers=headers, body="")

    page.route("**/login/email", handle)


@pytest.mark.parametrize("words", LANGUAGES, ids=IDS)
def test_a_challenges_bodiless_202_is_a_refusal_not_a_code_sent(page: Page, words: Words):
    answer_with(page, 202, {"x-amzn-waf-action": "challenge"})
    ask_for_a_code_in(page, words)
    expect_the_refusal(page, words, words.refusal)
    assert page.evaluate("sessionStorage.getItem('migris.login')") is None  # no sign-in under way was kept


@pytest.mark.parametrize("words", LANGUAGES, ids=IDS)
def test_a_429_without_the_apis_body_waits_as_long_as_it_says(page: Page, words: Words):
    answer_with(page, 429, {"Retry-After": "120"})
    ask_for_a_code_in(page, words)
    expect_the_refusal(page, words, words.refusal_in_2_minutes)


MAIL_UNAVAILABLE = {
    "lt": "Šiuo metu kodo išsiųsti nepavyko. Niekas neužskaityta – bandykite dar kartą po minutės.",
    "en": "The code could not be sent just now. Nothing was counted: try again in a minute.",
    "uk": "Зараз не вдалося надіслати код. Цю спробу не враховано — спробуйте ще раз за хвилину.",
    "ru": "Сейчас не удалось отправить код. Эта попытка не засчитана — попробуйте ещё раз через минуту.",
}


@pytest.mark.parametrize("words", LANGUAGES, ids=IDS)
def test_a_code_the_mail_queue_did_not_take_says_nothing_was_counted(page: Page, screens, words: Words):
    """503 mail_unavailable (the mail queue refused the code's mail; the send was taken back): not a server error
    to shrug at, but "try again, it did not count"."""

    def handle(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        body = '{"error": {"code": "mail_unavailable", "message": "The code could not be sent just now."}}'
        route.fulfill(status=503, headers={"Content-Type": "application/json"}, body=body)

    page.route("**/login/email", handle)
    ask_for_a_code_in(page, words)
    expect_the_refusal(page, words, MAIL_UNAVAILABLE[words.code])
    screens.seen(page, f"31-{words.code}-mail-unavailable")
