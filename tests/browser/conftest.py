"""The browser tests' fixtures: one local stack and one Chromium per test process (pytest-xdist runs two side by
side; every test makes its own addresses, so they may share a stack), and a fresh browser context per test.

Chromium is Debian's (`make install-browser` installs it; MIGRIS_CHROMIUM names another binary), driven by
the `playwright` package: Playwright's own browser download cannot work on these machines."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser.support import PARAMETERS, ScreenRecord, fresh_page, serving

CHROMIUM = os.environ.get("MIGRIS_CHROMIUM", "/usr/bin/chromium")

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m devserver` on a free loopback port: the pages, the API and the VIISP stand-in."""
    with serving(PARAMETERS, tmp_path_factory.mktemp("browser-devserver")) as base:
        yield base


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
    with fresh_page(browser, site) as page:
        yield page
