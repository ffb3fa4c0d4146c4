"""The VIISP routes a browser navigates to (issue 10): a refused browser is sent with a 303 to the web app's error
screen on the configured web origin, `/#/viisp-error?reason=<code>`, never left on raw JSON and never given a
session; a client whose Accept does not name text/html keeps the JSON answer and its status."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from migris.viisp.transport import ViispTransportError

from tests.helpers import FORM, ORIGIN, Client, assert_error, cookie_value

# What a browser sends when it follows a link or submits a form (Firefox's and Chrome's navigation Accept).
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
UNKNOWN_TICKET = "00000000-0000-4000-8000-000000000000"


def screen(reason: str, origin: str = ORIGIN) -> str:
    return f"{origin}/#/viisp-error?reason={reason}"


class Down:
    """A VIISP that does not answer."""

    def post(self, url, body, headers):
        raise ViispTransportError("ConnectTimeoutError")


def post_back(client: Client, fields: dict[str, str], nonce: str | None, **headers: str):
    all_headers = {**FORM, "Origin": ORIGIN, **headers}
    if nonce is not None:
        all_headers["Cookie"] = f"__Host-viisp={nonce}"
    return client.request("POST", "/login/viisp/callback", body=urlencode(fields), headers=all_headers)


def assert_error_screen(answer, reason: str, origin: str = ORIGIN) -> None:
    assert answer.status == 303, answer.raw
    assert answer.header("Location") == screen(reason, origin)
    assert answer.raw == b""
    assert answer.header("Cache-Control") == "no-store"
    assert not cookie_value(answer, "__Host-session")[0]


# --- POST /login/viisp/callback ---


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/html", "TEXT/HTML; q=0.5, */*;q=0.1"])
def test_a_browser_posting_an_unknown_ticket_lands_on_the_error_screen(client, browser, accept):
    _, _, nonce, _ = browser.start()
    answer = post_back(client, {"ticket": UNKNOWN_TICKET, "customData": "x"}, nonce, Accept=accept)
    assert_error_screen(answer, "invalid_ticket")


def test_a_browser_replaying_a_used_ticket_lands_on_the_error_screen_and_gets_no_session(client, browser):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    assert browser.post_back(fields, nonce).status == 303
    assert_error_screen(post_back(client, fields, nonce, Accept=BROWSER_ACCEPT), "invalid_ticket")


def test_a_browser_without_the_nonce_lands_on_the_error_screen(client, browser):
    _, ticket, _, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    assert_error_screen(post_back(client, fields, None, Accept=BROWSER_ACCEPT), "invalid_ticket")


def test_a_browser_whose_viisp_is_down_lands_on_the_error_screen(client, browser):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    client.stack.use_viisp_transport(Down())
    assert_error_screen(post_back(client, fields, nonce, Accept=BROWSER_ACCEPT), "viisp_unavailable")


def test_a_browser_posted_from_a_foreign_page_lands_on_the_error_screen_and_the_ticket_stays_good(client, browser):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    foreign = post_back(client, fields, nonce, Accept=BROWSER_ACCEPT, Origin="https://evil.example")
    assert_error_screen(foreign, "origin_mismatch")
    assert browser.post_back(fields, nonce).status == 303


def test_the_error_screen_is_on_the_configured_web_origin_whatever_the_request_says(make_stack):
    stack = make_stack(WebOrigin="https://www.migracija.lt")
    client = Client(stack)
    hostile = {
        "Accept": BROWSER_ACCEPT,
        "Host": "evil.example",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "javascript",
        "Origin": "https://www.migracija.lt",
    }
    answer = client.request(
        "POST", "/login/viisp/callback", body=urlencode({"ticket": UNKNOWN_TICKET}), headers={**FORM, **hostile}
    )
    assert_error_screen(answer, "invalid_ticket", "https://www.migracija.lt")


def test_a_browser_signs_in_as_before(client, browser):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    answer = post_back(client, fields, nonce, Accept=BROWSER_ACCEPT)
    assert answer.status == 303
    assert answer.header("Location") == f"{ORIGIN}/"
    assert cookie_value(answer, "__Host-session")[0]


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/json", "application/json, text/plain, */*", "text/html;q=0"]
)
def test_an_api_client_keeps_the_json_answer(client, browser, accept):
    _, _, nonce, _ = browser.start()
    headers = {} if accept is None else {"Accept": accept}
    answer = post_back(client, {"ticket": UNKNOWN_TICKET, "customData": "x"}, nonce, **headers)
    assert_error(answer, 400, "invalid_ticket")
    assert answer.header("Location") is None


def test_an_api_client_keeps_502_and_403(client, browser):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    assert_error(post_back(client, fields, nonce, Origin="https://evil.example"), 403, "origin_mismatch")
    client.stack.use_viisp_transport(Down())
    assert_error(post_back(client, fields, nonce, Accept="application/json"), 502, "viisp_unavailable")


def test_the_error_screen_is_logged_with_the_status_the_api_would_answer(client, browser, caplog):
    _, _, nonce, _ = browser.start()
    caplog.clear()
    post_back(client, {"ticket": UNKNOWN_TICKET, "customData": "x"}, nonce, Accept=BROWSER_ACCEPT)
    (line,) = [r for r in caplog.records if getattr(r, "event", None) == "viisp_error_screen"]
    assert (line.status, line.code) == (400, "invalid_ticket")
    assert "viisp_refused" in [getattr(r, "event", None) for r in caplog.records]


# --- GET /login/viisp ---


def test_a_browser_navigating_to_start_while_viisp_is_down_lands_on_the_error_screen(client):
    client.stack.use_viisp_transport(Down())
    answer = client.get("/login/viisp", headers={"Accept": BROWSER_ACCEPT})
    assert_error_screen(answer, "viisp_unavailable")
    assert not cookie_value(answer, "__Host-viisp")[0]


def test_an_api_client_starting_while_viisp_is_down_keeps_502(client):
    client.stack.use_viisp_transport(Down())
    assert_error(client.get("/login/viisp"), 502, "viisp_unavailable")
    assert_error(client.get("/login/viisp", headers={"Accept": "application/json"}), 502, "viisp_unavailable")


def test_a_browser_starting_normally_still_goes_to_viisp(client):
    answer = client.get("/login/viisp", headers={"Accept": BROWSER_ACCEPT})
    assert answer.status == 302
    assert answer.header("Location").startswith(f"{ORIGIN}/_local/viisp/portal?ticket=")


def test_the_email_sign_in_is_json_whatever_the_accept(client):
    """Only the VIISP routes answer browsers with a page; the others keep JSON."""
    answer = client.post("/login/email", {"email": "bad"}, headers={"Accept": BROWSER_ACCEPT})
    assert_error(answer, 422, "validation_error")
