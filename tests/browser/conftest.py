"""The browser tests' fixtures: one local stack and one Chromium per test process (pytest-xdist runs two side by
side; every test makes its own addresses, so they may share a stack), and a fresh browser context per test.

Chromium is Debian's (`make install-browser` installs it; MIGRIS_CHROMIUM names another binary), driven by
the `playwright` package: Playwright's own browser download cannot work on these machines."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser.support import ROOT, ScreenRecord
from tests.helpers import free_port

CHROMIUM = os.environ.get("MIGRIS_CHROMIUM", "/usr/bin/chromium")
# Short waits so no test waits long: a 2 s resend cooldown, a lock after 3 wrong codes, no send limits.
PARAMETERS = (
    "ResendCooldownSeconds=2 LockoutThreshold=3 MaxCodesPerHour=100000 MaxCodesPerDay=100000 "
    "MaxCodesPerAddressPerDay=100000"
)

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m devserver` on a free loopback port: the pages, the API and the VIISP stand-in."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("browser-devserver") / "out.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "devserver", "--port", str(port), "--parameter-overrides", PARAMETERS],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port, process, log_path)
            yield f"http://127.0.0.1:{port}"
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make install-browser` installs Debian's chromium")
    # Chromium's sandbox cannot start as root (CI runs as root).
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screens() -> ScreenRecord:
    return ScreenRecord()


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    """A new browser context (its own cookies and storage) per test; the page fails on any script error."""
    context = browser.new_context(
        base_url=site, viewport={"width": 1280, "height": 800}, locale="lt-LT", timezone_id="Europe/Vilnius"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors
