"""The recovery links as a person meets them (docs/recovery.md): staff at the desk start a recovery; the new
address's mail links to /#/confirm-recovery?t=, the old address's to /#/cancel-recovery?t=. Opening a link changes
nothing and takes the token out of the address bar at once; only the button spends it; then the screen says what
happened. A used link gets one plain sentence and a way to sign in. In Lithuanian (the pages' default)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from botocore.credentials import ReadOnlyCredentials
from playwright.sync_api import Browser, Page, expect

from staff.client import StaffClient
from tests.browser.support import api, fresh_page, heading, mails_to, make_account, new_address
from tests.helpers import devserver_running

pytestmark = pytest.mark.browser

STAFF_KEY = {"LOCAL_STAFF_ACCESS_KEY_ID": "AKIABROWSERSTAFF0000", "LOCAL_STAFF_SECRET_ACCESS_KEY": "browser-staff"}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local stack of its own (the staff key known to the test), with a hold of a second."""
    overrides = ["--parameter-overrides", "RecoveryHoldSeconds=1 ResendCooldownSeconds=0"]
    with devserver_running(tmp_path_factory.mktemp("recovery-devserver"), overrides, STAFF_KEY) as (port, _):
        yield f"http://localhost:{port}"


@pytest.fixture
def tab(browser: Browser, desk: str) -> Iterator[Page]:
    with fresh_page(browser, desk) as page:
        yield page


def staff(desk: str) -> StaffClient:
    credentials = ReadOnlyCredentials(
        STAFF_KEY["LOCAL_STAFF_ACCESS_KEY_ID"], STAFF_KEY["LOCAL_STAFF_SECRET_ACCESS_KEY"], None
    )
    return StaffClient(f"http://127.0.0.1:{urlsplit(desk).port}", credentials, "eu-north-1")


def started_recovery(desk: str) -> tuple[str, str, str]:
    """A level 2 account whose recovery staff started: its old address, the new one and the old session."""
    old, new = new_address("recovery.old"), new_address("recovery.new")
    token = make_account(desk, old)
    status, profile = api(desk, "GET", "/profile", token=token)
    assert status == 200
    desk_client = staff(desk)
    assert desk_client.change(profile["user_id"], {"level": 2}, "Pasas patikrintas").status == 200
    reply = desk_client.recover_email(profile["user_id"], new, "Prarasta pašto dėžutė; pasas patikrintas")
    assert reply.status == 202, reply.body
    return old, new, token


def link(desk: str, address: str, screen: str) -> str:
    found = [
        m for mail in mails_to(desk, address) for m in re.findall(rf"https?://\S+/#/{screen}\?t=[\w-]+", mail["text"])
    ]
    assert found
    return found[-1]


def test_the_new_address_confirms_with_one_press_and_a_used_link_says_so(tab: Page, desk: str) -> None:
    old, new, token = started_recovery(desk)
    confirm = link(desk, new, "confirm-recovery")
    tab.goto(confirm)
    expect(heading(tab)).to_have_text("Patvirtinkite naują el. pašto adresą")
    assert "t=" not in tab.url  # the token left the address bar
    assert api(desk, "GET", "/profile", token=token)[0] == 200  # opening changed nothing
    tab.get_by_role("button", name="Patvirtinti šį adresą").click()
    expect(heading(tab)).to_have_text("Naujas adresas patvirtintas")
    # It says when the wait ends (a second here), and that the mail comes then.
    expect(tab.locator("#confirm-recovery-outcome")).to_have_text(
        re.compile(r"Laukimo laikas prasidėjo ir baigsis \d{4}-\d{2}-\d{2} [0-2]\d:[0-5]\d\. Tada atsiųsime")
    )
    # The hold of a second ends, the schedule completes it: the old session has ended.
    for _ in range(50):  # the schedule runs every second
        if api(desk, "GET", "/profile", token=token)[0] == 401:
            break
        tab.wait_for_timeout(200)
    assert api(desk, "GET", "/profile", token=token)[0] == 401
    tab.goto(confirm)
    tab.get_by_role("button", name="Patvirtinti šį adresą").click()
    expect(heading(tab)).to_have_text("Ši nuoroda neveikia")
    del old


def test_the_old_address_cancels_with_one_press(tab: Page, desk: str) -> None:
    old, new, token = started_recovery(desk)
    tab.goto(link(desk, old, "cancel-recovery"))
    expect(heading(tab)).to_have_text("Sustabdykite el. pašto adreso keitimą")
    assert "t=" not in tab.url
    tab.get_by_role("button", name="Atšaukti keitimą").click()
    expect(heading(tab)).to_have_text("Keitimas atšauktas")
    tab.wait_for_timeout(1500)
    status, profile = api(desk, "GET", "/profile", token=token)
    assert (status, profile["email"]) == (200, old)
    del new


def test_a_link_without_a_token_gets_one_sentence_and_sign_in(tab: Page, desk: str) -> None:
    tab.goto("/#/cancel-recovery")
    expect(heading(tab)).to_have_text("Ši nuoroda neveikia")
    expect(tab.get_by_role("link", name="Prisijungti")).to_be_visible()
    # It tells to contact the Migration Department if the change was not asked for: here is where.
    contact = tab.get_by_role("link", name="Migracijos departamento kontaktai")
    expect(contact).to_have_attribute("href", "https://migracija.lrv.lt/lt/kontaktai")
