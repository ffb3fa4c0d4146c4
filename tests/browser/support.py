"""What the browser tests share: the local stack's outbox, accounts made over HTTP, test people for VIISP, and
the record of each screen (axe-core's verdict and screenshots at 360 and 1280 px)."""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from tests.helpers import free_port

if TYPE_CHECKING:
    from staff.client import StaffClient

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_RESULTS = ARTIFACTS / "axe"
WIDTHS = (360, 1280)
_serial = itertools.count(1)
# Short waits so no test waits long: a 2 s resend cooldown, a lock after 3 wrong codes, no send limits.
PARAMETERS = (
    "ResendCooldownSeconds=2 LockoutThreshold=3 MaxCodesPerHour=100000 MaxCodesPerDay=100000 "
    "MaxCodesPerAddressPerDay=100000"
)


# The local staff key the stack takes (it stands for a session of the staff role): tests call /staff/* with it.
STAFF_KEY = {
    "LOCAL_STAFF_ACCESS_KEY_ID": "AKIABROWSERSTAFF0000",
    "LOCAL_STAFF_SECRET_ACCESS_KEY": "browser-staff-secret",
}


@contextlib.contextmanager
def serving(parameters: str, log_dir: Path) -> Iterator[str]:
    """`python -m devserver` with these template parameters on a free loopback port while the block runs: its
    base URL, the pages' origin (WebOrigin, http://localhost:PORT, as `make run` serves it). Its output goes to
    a file in `log_dir`."""
    port = free_port()
    log_path = log_dir / "out.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "devserver", "--port", str(port), "--parameter-overrides", parameters],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **STAFF_KEY},
        )
        try:
            _wait_for(port, process, log_path)
            yield f"http://localhost:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_for(port: int, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(log_path.read_text()) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("devserver did not start")


@contextlib.contextmanager
def fresh_page(browser: Browser, base: str, locale: str = "lt-LT") -> Iterator[Page]:
    """A page of a new browser context (its own cookies and storage) on `base`, a browser that prefers `locale`
    (navigator.languages); it fails on any script error."""
    context = browser.new_context(
        base_url=base, viewport={"width": 1280, "height": 800}, locale=locale, timezone_id="Europe/Vilnius"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def new_address(label: str) -> str:
    """An address no other test uses (limits and locks count per address)."""
    return f"{label}.{next(_serial)}.{secrets.token_hex(3)}@example.lt"


def api(
    base: str, method: str, path: str, body: Any = None, token: str | None = None, source: str = "127.0.0.1"
) -> tuple[int, Any]:
    """Call the API as a non-browser client would (no Origin; Bearer token), at the address the local stack
    listens at (it answers the API there too), from the `source` loopback address (limits and cooldowns count
    per network address, so an earlier visit "from elsewhere" does not hold the browser back)."""
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(base).port, timeout=10, source_address=(source, 0))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None
    finally:
        connection.close()


def staff_client(base: str) -> StaffClient:
    """The staff CLI's client, signing with the local staff key (SigV4, as `python -m staff` signs)."""
    from botocore.credentials import ReadOnlyCredentials

    from staff.client import StaffClient

    key, secret = STAFF_KEY["LOCAL_STAFF_ACCESS_KEY_ID"], STAFF_KEY["LOCAL_STAFF_SECRET_ACCESS_KEY"]
    return StaffClient(base, ReadOnlyCredentials(key, secret, None), "eu-north-1")


def mails_to(base: str, address: str) -> list[dict[str, Any]]:
    status, mails = api(base, "GET", "/_local/outbox")
    assert status == 200
    return [mail for mail in mails if mail["to"] == address]


def latest_code(base: str, address: str) -> str:
    mails = mails_to(base, address)
    assert mails, f"no mail to {address}"
    match = re.search(r"\b(\d{8})\b", mails[-1]["text"])
    assert match, "no code in the mail"
    return match.group(1)


def make_account(base: str, address: str, *, complete: bool = True) -> str:
    """An e-mail account made over the API, as an earlier visit would have left it; its session token."""
    elsewhere = "127.0.0.2"
    status, started = api(base, "POST", "/login/email", {"email": address}, source=elsewhere)
    assert status == 202, started
    code = latest_code(base, address)
    body = {"email": address, "login_id": started["login_id"], "code": code}
    status, signed_in = api(base, "POST", "/login/email/verify", body, source=elsewhere)
    assert status == 200, signed_in
    token = signed_in["token"]
    if complete:
        body = {"given_name": "Ona", "family_name": "Petraitienė", "phone_number": "+370 612 34567"}
        status, profile = api(base, "PUT", "/profile", body, token=token, source=elsewhere)
        assert status == 200, profile
    return str(token)


def personal_code() -> str:
    """A Lithuanian personal code with a valid control digit, new for each call."""
    digits = [3, 9, 0, 0, 1, 0, 1, *(secrets.randbelow(10) for _ in range(3))]
    for weights in ([1, 2, 3, 4, 5, 6, 7, 8, 9, 1], [3, 4, 5, 6, 7, 8, 9, 1, 2, 3]):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return "".join(map(str, digits)) + str(remainder)
    return "".join(map(str, digits)) + "0"


# --- walking the pages ---

EMAIL_WAY = re.compile("neturite Lietuvoje suteikto asmens kodo")
VIISP_WAY = re.compile("turite Lietuvoje suteiktą asmens kodą")


def title(screen: str) -> str:
    return f"{screen} \N{EN DASH} MIGRIS"


def words_pattern(text: str) -> re.Pattern[str]:
    """`text` found anywhere, each space matching any space: the pages join units ("el.\u00a0pašto", a phone's
    groups) with no-break spaces, which a string match reads as spaces and a pattern does not."""
    return re.compile(r"\s".join(re.escape(part) for part in text.split(" ")))


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


LANGUAGE_NAMES = {"lt": "Lietuvių", "en": "English", "uk": "Українська", "ru": "Русский"}


def language_button(page: Page, code: str) -> Locator:
    """The header's button for a language (lt, en, uk, ru), named in its own script."""
    return page.get_by_role("banner").get_by_role("button", name=LANGUAGE_NAMES[code], exact=True)


def choose_language(page: Page, code: str) -> None:
    """Pick a language as a person would, by its name in the header; waits until the page speaks it."""
    button = language_button(page, code)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_attribute("lang", code)


def unfold(page: Page, name: str) -> Locator:
    """The account page's card named `name`, opened as a person opens it on a phone (where the long cards fold
    under their headings): by a tap on its heading. A card already open is left open."""
    card = page.get_by_role("region", name=name)
    fold = card.locator("details").first
    if fold.get_attribute("open") is None:
        card.get_by_role("heading", level=2, name=name).click()
    expect(fold).to_have_attribute("open", "")
    return card


def ask_for_code(page: Page, address: str) -> None:
    """From the start page, ask for a sign-in code by e-mail (in Lithuanian)."""
    page.goto("/")
    way = page.get_by_role("region", name=EMAIL_WAY)
    way.get_by_label("El. paštas").fill(address)
    way.get_by_role("button", name="Prisijungti").click()
    expect(heading(page)).to_have_text("Prisijungimo kodas")


def sign_in_by_email(page: Page, site: str, address: str) -> None:
    """Sign in with the code from the mail; lands on the contact page or the account."""
    ask_for_code(page, address)
    page.get_by_label("Laikinas kodas").fill(latest_code(site, address))
    page.get_by_role("button", name="Toliau").click()
    expect(heading(page)).not_to_have_text("Prisijungimo kodas")


def sign_in_by_keyboard(page: Page, site: str, address: str) -> None:
    """Sign in with the code from the mail in whatever language the page speaks: each field sent with Enter."""
    page.goto("/")
    page.locator("#email").fill(address)
    page.locator("#email").press("Enter")
    expect(page.locator("#code")).to_be_visible()  # the new code has been sent
    page.locator("#code").fill(latest_code(site, address))
    page.locator("#code").press("Enter")


def assert_axe_clean(page: Page, name: str) -> None:
    """axe-core finds nothing on the screen as it is now (ScreenRecord.seen also saves the verdict and screenshots)."""
    axe = Axe().run(page)
    assert not axe.response["violations"], f"{name}: {axe.generate_report()}"


class ScreenRecord:
    """Every screen a test reaches is checked with axe-core and saved at 360 and 1280 px. Each verdict is its own
    file (test-artifacts/axe/<screen>.json), so test processes running side by side never write one file."""

    def seen(self, page: Page, name: str) -> None:
        """Check the screen as it is now with axe-core, and save it at 360 and 1280 px wide."""
        expect(page.locator("main h1")).to_be_visible()
        axe = Axe().run(page)
        violations = [violation["id"] for violation in axe.response["violations"]]
        shots = []
        original = page.viewport_size
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} is {overflow} px wider than a {width} px screen"
            path = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            shots.append(str(path.relative_to(ROOT)))
        if original:
            page.set_viewport_size(original)
        verdict = {
            "screen": name,
            "title": page.title(),
            "axe_version": axe.response["testEngine"]["version"],
            "rules_passed": len(axe.response["passes"]),
            "violations": violations,
            "screenshots": shots,
        }
        AXE_RESULTS.mkdir(parents=True, exist_ok=True)
        (AXE_RESULTS / f"{name}.json").write_text(json.dumps(verdict, ensure_ascii=False, indent=2) + "\n")
        assert not violations, axe.generate_report()


def post_form(page: Page, action: str, fields: list[tuple[str, str]]) -> None:
    """Post a form from the page as a browser does when a page submits one (a navigation, cookies and all)."""
    page.evaluate(
        """([action, fields]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            for (const [name, value] of fields) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.append(input);
            }
            document.body.append(form);
            form.submit();
        }""",
        [action, fields],
    )
