"""Passkeys as a person meets them (issue 21), in Chromium with a virtual authenticator (the DevTools protocol's
WebAuthn domain: ctap2, transport internal, a resident key, user verification, the user verified): signed in by
code, a passkey is created on the account page, and after signing out it signs in alone (no address, no code),
as a session whose method is `passkey`; a replayed assertion, a removed passkey, an authenticator without user
verification and a passkey made for another RP ID are refused, and the code still signs in. In Lithuanian,
English and Ukrainian.

Chromium's virtual authenticator answers a conditional (autofill) request at once, as if the person had picked
the passkey from the e-mail field's list. So the tests of the button run as a browser without passkey autofill
(`isConditionalMediationAvailable` says no), and one test shows the autofill signing in by itself."""

# The texts are the pages' own, with the typographic dashes and quotes their languages write.
# ruff: noqa: RUF001

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from migris.domain.errors import FreshSignInRequired
from migris.http.errors import ERROR_ANSWERS
from playwright.sync_api import Browser, CDPSession, Page, Route, expect

from tests.browser.support import (
    ARTIFACTS,
    PARAMETERS,
    fresh_page,
    heading,
    language_button,
    latest_code,
    mails_to,
    make_account,
    new_address,
    serving,
    unfold,
)
from tests.browser.support import (
    choose_language as pick_language,
)

pytestmark = pytest.mark.browser

PASSKEY_COOKIE = "__Host-passkey"
SESSION_COOKIE = "__Host-session"
UP, UV = 0x01, 0x04  # authenticator data flags: user present, user verified
SHOTS = ARTIFACTS / "screenshots"
PHONE = {"width": 360, "height": 740}

# A browser without passkey autofill (conditional mediation), e.g. one of several years ago: only the button.
NO_AUTOFILL = "PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);"
# A browser with WebAuthn but without its JSON helpers (Chromium before 129, Safari before 18.4): the pages'
# own base64url translation is used.
NO_JSON_HELPERS = """
delete PublicKeyCredential.parseCreationOptionsFromJSON;
delete PublicKeyCredential.parseRequestOptionsFromJSON;
delete PublicKeyCredential.prototype.toJSON;
"""
# A browser without WebAuthn at all.
NO_WEBAUTHN = "delete window.PublicKeyCredential;"


@dataclass(frozen=True)
class Words:
    code: str
    sign_in: str
    code_title: str
    account: str
    signed_out: str
    passkey_way: str  # the sign-in screen's passkey section
    passkey_button: str
    passkey_refused: str
    passkey_cancelled: str
    passkeys: str  # the account page's section
    intro: str
    shared: str
    create: str
    created: str
    default_name: str
    not_used: str
    sessions: str
    method: str
    rename: str
    name_label: str
    save: str
    renamed: str
    name_required: str
    remove: str
    removed: str  # with {name}
    fresh: str
    sign_in_again: str


LITHUANIAN = Words(
    code="lt",
    sign_in="Prisijungimas",
    code_title="Prisijungimo kodas",
    account="Mano paskyra",
    signed_out="Jūs atsijungėte.",
    passkey_way="Sukūrėte prieigos raktą?",
    passkey_button="Prisijungti prieigos raktu",
    passkey_refused="Šiuo prieigos raktu prisijungti nepavyko. Galbūt jis pašalintas iš jūsų paskyros.",
    passkey_cancelled="Prisijungimas prieigos raktu nebaigtas.",
    passkeys="Prieigos raktai",
    intro="Su prieigos raktu prisijungsite veidu, piršto atspaudu arba įrenginio atrakinimo kodu",
    shared="Nekurkite prieigos rakto bendro naudojimo įrenginyje.",
    create="Sukurti prieigos raktą",
    created="Prieigos raktas sukurtas.",
    default_name="Prieigos raktas (Linux)",
    not_used="Dar nenaudotas",
    sessions="Kur esate prisijungę",
    method="Prieigos raktu",
    rename="Pervadinti",
    name_label="Prieigos rakto pavadinimas",
    save="Išsaugoti",
    renamed="Prieigos raktas pervadintas.",
    name_required="Įveskite prieigos rakto pavadinimą.",
    remove="Pašalinti",
    removed="Prieigos raktas „{name}“ pašalintas. Juo prisijungti nebegalima.",
    fresh="Jūsų saugumui prieigos raktą sukurti ar pašalinti galima tik per 10\u00a0minučių nuo prisijungimo.",
    sign_in_again="Prisijungti iš naujo",
)
ENGLISH = Words(
    code="en",
    sign_in="Sign in",
    code_title="Sign-in code",
    account="My account",
    signed_out="You have signed out.",
    passkey_way="Have you created a passkey?",
    passkey_button="Sign in with a passkey",
    passkey_refused="We could not sign you in with this passkey. It may have been removed from your account.",
    passkey_cancelled="The passkey sign-in did not finish.",
    passkeys="Passkeys",
    intro="With a passkey, you sign in with your face, fingerprint or passcode",
    shared="Do not create a passkey on a shared device.",
    create="Create a passkey",
    created="Your passkey has been created.",
    default_name="Passkey (Linux)",
    not_used="Not used yet",
    sessions="Where you are signed in",
    method="Passkey",
    rename="Rename",
    name_label="Passkey name",
    save="Save",
    renamed="The passkey has been renamed.",
    name_required="Enter a name for the passkey.",
    remove="Remove",
    removed="The passkey “{name}” has been removed. It can no longer be used to sign in.",
    fresh="For your safety, you can create or remove a passkey only within 10\u00a0minutes of signing in.",
    sign_in_again="Sign in again",
)
UKRAINIAN = Words(
    code="uk",
    sign_in="Вхід",
    code_title="Код для входу",
    account="Мій обліковий запис",
    signed_out="Ви вийшли з системи.",
    passkey_way="Ви створили ключ доступу?",
    passkey_button="Увійти з ключем доступу",
    passkey_refused="Не вдалося увійти з цим ключем доступу. Можливо, його видалено з Вашого облікового запису.",
    passkey_cancelled="Вхід із ключем доступу не завершено.",
    passkeys="Ключі доступу",
    intro="З ключем доступу Ви входите за допомогою обличчя, відбитка пальця або коду розблокування",
    shared="Не створюйте ключ доступу на спільному пристрої.",
    create="Створити ключ доступу",
    created="Ключ доступу створено.",
    default_name="Ключ доступу (Linux)",
    not_used="Ще не використовувався",
    sessions="Де виконано вхід до облікового запису",
    method="Ключ доступу",
    rename="Перейменувати",
    name_label="Назва ключа доступу",
    save="Зберегти",
    renamed="Ключ доступу перейменовано.",
    name_required="Введіть назву ключа доступу.",
    remove="Видалити",
    removed="Ключ доступу «{name}» видалено. Ним більше не можна увійти.",
    fresh="З міркувань безпеки створити або видалити ключ доступу можна лише протягом 10\u00a0хвилин після входу.",
    sign_in_again="Увійти знову",
)
EVERY = [LITHUANIAN, ENGLISH, UKRAINIAN]
BOTH = [LITHUANIAN, UKRAINIAN]  # the default language, and the same in Ukrainian


def ids(table: list[Words]) -> list[str]:
    return [words.code for words in table]


# --- the virtual authenticator ---


@dataclass
class Authenticator:
    """A virtual authenticator of one tab (DevTools' WebAuthn domain)."""

    cdp: CDPSession
    id: str

    def credentials(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})[
            "credentials"
        ]
        return found

    def add(self, credential: dict[str, Any]) -> None:
        self.cdp.send("WebAuthn.addCredential", {"authenticatorId": self.id, "credential": credential})

    def remove(self) -> None:
        self.cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": self.id})

    def answers_at_once(self, enabled: bool) -> None:
        """Whether the person "touches" it at once; when not, a request waits as a person who has not chosen."""
        self.cdp.send("WebAuthn.setAutomaticPresenceSimulation", {"authenticatorId": self.id, "enabled": enabled})


def authenticator(page: Page, *, verification: bool = True, cdp: CDPSession | None = None) -> Authenticator:
    """A platform authenticator with resident keys on the page's tab; with `verification` False it has no way
    to verify the user (no face, fingerprint or passcode)."""
    if cdp is None:
        cdp = page.context.new_cdp_session(page)
        cdp.send("WebAuthn.enable", {"enableUI": False})
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": verification,
        "isUserVerified": verification,
        "automaticPresenceSimulation": True,
    }
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return Authenticator(cdp, added["authenticatorId"])


# --- walking the pages ---


def choose_language(page: Page, words: Words) -> None:
    page.goto("/")
    expect(heading(page)).to_be_visible()  # the front door, just loaded: the focus stays at the start
    pick_language(page, words.code)
    expect(heading(page)).to_have_text(words.sign_in)


def sign_in_with_code(page: Page, site: str, address: str, words: Words) -> None:
    """From the sign-in screen, in the page's language, to the account page with a code from the mail."""
    expect(heading(page)).to_have_text(words.sign_in)
    page.locator("#email").fill(address)
    page.locator("#email").press("Enter")
    expect(heading(page)).to_have_text(words.code_title)
    page.locator("#code").fill(latest_code(site, address))
    page.locator("#code").press("Enter")
    expect(heading(page)).to_have_text(words.account)


def create_passkey(page: Page, words: Words) -> None:
    region = page.get_by_role("region", name=words.passkeys)
    with page.expect_response(lambda r: r.url.endswith("/passkeys") and r.request.method == "POST") as created:
        region.get_by_role("button", name=words.create).click()
    assert created.value.status == 201, created.value.text()
    done = page.locator("#notice-passkeys")
    expect(done).to_contain_text(words.created)
    expect(done).to_have_class(re.compile(r"\bnotice--success\b"))
    expect(done).to_be_focused()


def passkeys_of(page: Page, words: Words):
    return page.get_by_role("region", name=words.passkeys).get_by_role("listitem")


def sign_out(page: Page, words: Words) -> None:
    page.locator("#sign-out").click()
    expect(heading(page)).to_have_text(words.sign_in)
    expect(page.locator("#notice-page")).to_contain_text(words.signed_out)


def sign_in_with_passkey(page: Page, words: Words) -> dict[str, Any]:
    """Press the button on the sign-in screen; the body the page sent to POST /login/passkey."""
    with page.expect_request(lambda r: r.url.endswith("/login/passkey") and r.method == "POST") as sent:
        page.get_by_role("region", name=words.passkey_way).get_by_role("button", name=words.passkey_button).click()
    body: dict[str, Any] = sent.value.post_data_json
    return body


def fetch(page: Page, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """Call the API from the page, as its own script does (same origin, its cookies, its Origin)."""
    answer: list[Any] = page.evaluate(
        """async ([method, path, body]) => {
            const init = { method, headers: { Accept: "application/json" } };
            if (body !== null) {
                init.headers["Content-Type"] = "application/json";
                init.body = JSON.stringify(body);
            }
            const response = await fetch(path, init);
            const text = await response.text();
            return [response.status, text ? JSON.parse(text) : null];
        }""",
        [method, path, body],
    )
    return answer[0], answer[1]


def code_mails(site: str, address: str) -> int:
    return sum(1 for mail in mails_to(site, address) if re.search(r"\b\d{8}\b", mail["text"]))


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def base64url(standard: str) -> str:
    """DevTools' base64 as WebAuthn's JSON writes it."""
    return standard.rstrip("=").replace("+", "-").replace("/", "_")


def flags_of(assertion: dict[str, Any]) -> int:
    return unb64url(assertion["response"]["authenticatorData"])[32]


def refused_as_invalid_passkey(answer: tuple[int, Any]) -> None:
    status, body = answer
    assert status == 401, body
    assert body["error"]["code"] == "invalid_passkey"


# --- the tests ---


@pytest.mark.parametrize("words", EVERY, ids=ids(EVERY))
def test_a_passkey_made_on_the_account_page_signs_in_alone_without_a_code(page: Page, site: str, screens, words):
    page.add_init_script(NO_AUTOFILL)
    device = authenticator(page)
    address = new_address(f"raktas.{words.code}")
    make_account(site, address)
    choose_language(page, words)
    way = page.get_by_role("region", name=words.passkey_way)
    expect(way.get_by_role("button", name=words.passkey_button)).to_be_visible()
    sign_in_with_code(page, site, address, words)

    region = page.get_by_role("region", name=words.passkeys)
    expect(region).to_contain_text(words.intro)
    expect(region.locator(".notice--warning")).to_contain_text(words.shared)
    expect(region.get_by_role("button", name=words.create)).to_have_accessible_description(
        re.compile(re.escape(words.shared))
    )
    expect(passkeys_of(page, words)).to_have_count(0)
    create_passkey(page, words)
    made = device.credentials()
    assert len(made) == 1 and made[0]["rpId"] == "localhost" and made[0]["isResidentCredential"]
    item = passkeys_of(page, words)
    expect(item).to_have_count(1)
    expect(item.get_by_role("heading", level=3)).to_have_text(words.default_name)
    expect(item).to_contain_text(words.not_used)
    screens.seen(page, f"60-{words.code}-account-passkeys")

    sign_out(page, words)
    mailed = code_mails(site, address)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(f"{request.method} {urlsplit(request.url).path}"))
    screens.seen(page, f"61-{words.code}-sign-in-passkey")
    sent = sign_in_with_passkey(page, words)
    expect(heading(page)).to_have_text(words.account)  # as after a code
    assert set(sent) == {"credential", "shared_computer"} and sent["shared_computer"] is False
    assert sent["credential"]["response"]["userHandle"], "a discoverable passkey names its account"
    assert flags_of(sent["credential"]) & UV, "the person was verified"
    assert "POST /login/email" not in asked and "POST /login/email/verify" not in asked, "no code was asked"
    assert asked.index("POST /login/passkey/options") < asked.index("POST /login/passkey")

    status, sessions = fetch(page, "GET", "/sessions")
    assert status == 200
    assert [entry["method"] for entry in sessions["sessions"] if entry["current"]] == ["passkey"]
    this_session = page.get_by_role("region", name=words.sessions).get_by_role("listitem").first
    expect(this_session).to_contain_text(words.method)
    expect(passkeys_of(page, words)).not_to_contain_text(words.not_used)  # it has been used now
    expect(passkeys_of(page, words).locator("time")).to_have_count(2)
    assert code_mails(site, address) == mailed, "no code was mailed since signing out"


@pytest.mark.parametrize("words", BOTH, ids=ids(BOTH))
def test_a_replayed_assertion_is_refused(page: Page, site: str, words: Words):
    """The assertion the page sent, sent again with the very cookie its challenge was bound to, after that sign-in
    spent it: refused (the challenge is single use); with a new challenge of its own: refused (it signs the old
    one). No session comes of either, and the passkey itself still signs in."""
    page.add_init_script(NO_AUTOFILL)
    authenticator(page)
    address = new_address(f"kartotinis.{words.code}")
    make_account(site, address)
    choose_language(page, words)
    sign_in_with_code(page, site, address, words)
    create_passkey(page, words)
    sign_out(page, words)

    with page.expect_response(lambda r: r.url.endswith("/login/passkey/options")) as options:
        sent = sign_in_with_passkey(page, words)
    expect(heading(page)).to_have_text(words.account)
    cookie = options.value.header_value("set-cookie") or ""
    nonce = re.match(rf"{PASSKEY_COOKIE}=([^;]+)", cookie)
    assert nonce, cookie
    sign_out(page, words)

    # The challenge's cookie as it was (a __Host- cookie has no Domain, which add_cookies cannot leave out).
    page.evaluate(f"document.cookie = '{PASSKEY_COOKIE}={nonce.group(1)}; Path=/; Secure; SameSite=Strict'")
    with page.expect_request(lambda r: r.url.endswith("/login/passkey")) as replayed:
        answer = fetch(page, "POST", "/login/passkey", sent)
    assert f"{PASSKEY_COOKIE}={nonce.group(1)}" in (replayed.value.header_value("cookie") or "")
    refused_as_invalid_passkey(answer)

    status, _ = fetch(page, "POST", "/login/passkey/options", {})
    assert status == 200
    refused_as_invalid_passkey(fetch(page, "POST", "/login/passkey", sent))
    assert fetch(page, "GET", "/profile")[0] == 401, "no session came of it"
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]

    sign_in_with_passkey(page, words)  # the passkey is fine: only its old answer is refused
    expect(heading(page)).to_have_text(words.account)


@pytest.mark.parametrize("words", BOTH, ids=ids(BOTH))
def test_a_renamed_then_removed_passkey_no_longer_signs_in_and_the_code_still_does(
    page: Page, site: str, screens, words: Words
):
    page.add_init_script(NO_AUTOFILL)
    device = authenticator(page)
    address = new_address(f"pasalintas.{words.code}")
    make_account(site, address)
    choose_language(page, words)
    sign_in_with_code(page, site, address, words)
    create_passkey(page, words)

    item = passkeys_of(page, words)
    item.get_by_role("button", name=words.rename).click()
    name = page.get_by_role("textbox", name=words.name_label)
    expect(name).to_be_focused()
    expect(name).to_have_value(words.default_name)
    name.fill("   ")
    page.get_by_role("button", name=words.save).click()
    expect(page.locator("#passkey-name-error")).to_contain_text(words.name_required)
    expect(name).to_be_focused()
    name.fill("Mano telefonas")
    with page.expect_request(lambda r: r.method == "PATCH") as renamed:
        page.get_by_role("button", name=words.save).click()
    assert renamed.value.post_data_json == {"name": "Mano telefonas"}
    expect(page.locator("#notice-passkeys")).to_contain_text(words.renamed)
    expect(item.get_by_role("heading", level=3)).to_have_text("Mano telefonas")

    remove = item.get_by_role("button", name=words.remove)
    expect(remove).to_have_accessible_description(re.compile("^Mano telefonas"))
    remove.click()
    done = page.locator("#notice-passkeys")
    expect(done).to_contain_text(words.removed.format(name="Mano telefonas"))
    expect(done).to_be_focused()
    expect(item).to_have_count(0)
    assert fetch(page, "GET", "/passkeys") == (200, {"passkeys": []})
    assert len(device.credentials()) == 1, "the authenticator still holds it"

    sign_out(page, words)
    with page.expect_response(lambda r: r.url.endswith("/login/passkey")) as answer:
        sign_in_with_passkey(page, words)
    assert answer.value.status == 401
    refused = page.locator("#notice-passkey")
    expect(refused).to_contain_text(words.passkey_refused)
    expect(refused).to_have_class(re.compile(r"\bnotice--error\b"))
    expect(refused).to_be_focused()
    expect(page.locator("#live-alert")).to_contain_text(words.passkey_refused)
    expect(heading(page)).to_have_text(words.sign_in)
    screens.seen(page, f"62-{words.code}-passkey-refused")

    sign_in_with_code(page, site, address, words)  # the code still signs in


@pytest.mark.parametrize("words", BOTH, ids=ids(BOTH))
def test_an_authenticator_without_user_verification_is_refused(page: Page, site: str, words: Words):
    """The passkey moved to an authenticator that cannot verify the person: the page's sign-in (which asks for
    verification) does not finish, and an assertion asked from the page without verification (naming the
    passkey: Chromium asks verification for a discoverable one), for a real challenge and with a valid
    signature, is refused by the API."""
    page.add_init_script(NO_AUTOFILL)
    device = authenticator(page)
    address = new_address(f"be-patikros.{words.code}")
    make_account(site, address)
    choose_language(page, words)
    sign_in_with_code(page, site, address, words)
    create_passkey(page, words)
    sign_out(page, words)

    credential = device.credentials()[0]
    device.remove()
    unverified = authenticator(page, verification=False, cdp=device.cdp)
    unverified.add(credential)

    page.get_by_role("region", name=words.passkey_way).get_by_role("button", name=words.passkey_button).click()
    expect(page.locator("#notice-passkey")).to_contain_text(words.passkey_cancelled)
    expect(heading(page)).to_have_text(words.sign_in)

    passkey_id = base64url(credential["credentialId"])
    assertion = page.evaluate(
        """async (id) => {
            const answer = await fetch("/login/passkey/options", {
                method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
            });
            const options = await answer.json();
            options.userVerification = "discouraged";
            options.allowCredentials = [{ type: "public-key", id }];
            const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
            return (await navigator.credentials.get({ publicKey })).toJSON();
        }""",
        passkey_id,
    )
    assert assertion["id"] == passkey_id
    assert flags_of(assertion) & UP and not flags_of(assertion) & UV, "present but not verified"
    refused_as_invalid_passkey(fetch(page, "POST", "/login/passkey", {"credential": assertion}))
    assert fetch(page, "GET", "/profile")[0] == 401


@pytest.mark.parametrize("words", BOTH, ids=ids(BOTH))
def test_a_passkey_made_for_another_rp_id_is_refused(page: Page, site: str, words: Words):
    """Another site (http://other.localhost:PORT, a secure context of its own with RP ID other.localhost) holds
    the same key as our passkey, as a copy of it would be: its answers to our challenges, relayed to the API
    from our page, are refused, both a registration and a sign-in."""
    page.add_init_script(NO_AUTOFILL)
    device = authenticator(page)
    address = new_address(f"kita-svetaine.{words.code}")
    make_account(site, address)
    choose_language(page, words)
    sign_in_with_code(page, site, address, words)
    create_passkey(page, words)
    ours = device.credentials()[0]

    port = urlsplit(site).port
    other = page.context.new_page()
    other.add_init_script(NO_AUTOFILL)  # our pages, served there too, would start the autofill's request
    other.goto(f"http://other.localhost:{port}/")
    registrar = authenticator(other)

    # A registration for our fresh session's challenge, made by the other site.
    status, options = fetch(page, "POST", "/passkeys/registration/options", {})
    assert status == 200
    made = other.evaluate(
        """async (options) => {
            options.rp.id = "other.localhost";
            options.excludeCredentials = [];
            const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
            return (await navigator.credentials.create({ publicKey })).toJSON();
        }""",
        options,
    )
    status, body = fetch(page, "POST", "/passkeys", {"credential": made})
    assert status == 400 and body["error"]["code"] == "invalid_passkey", body
    assert fetch(page, "GET", "/passkeys")[1]["passkeys"].__len__() == 1

    # A sign-in: our page's challenge, signed by the other site with the same key (a counter above ours).
    registrar.remove()
    elsewhere = authenticator(other, cdp=registrar.cdp)
    elsewhere.add({**ours, "rpId": "other.localhost", "signCount": ours["signCount"] + 10})
    sign_out(page, words)
    status, options = fetch(page, "POST", "/login/passkey/options", {})
    assert status == 200
    assertion = other.evaluate(
        """async ([options, id]) => {
            options.rpId = "other.localhost";
            options.allowCredentials = [{ type: "public-key", id }];
            const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
            return (await navigator.credentials.get({ publicKey })).toJSON();
        }""",
        [options, base64url(ours["credentialId"])],
    )
    client_data = json.loads(unb64url(assertion["response"]["clientDataJSON"]))
    assert client_data["challenge"] == options["challenge"]
    assert client_data["origin"] == f"http://other.localhost:{port}"
    assert unb64url(assertion["response"]["authenticatorData"])[:32] == hashlib.sha256(b"other.localhost").digest()
    assert flags_of(assertion) & UV
    refused_as_invalid_passkey(fetch(page, "POST", "/login/passkey", {"credential": assertion}))
    assert fetch(page, "GET", "/profile")[0] == 401
    other.close()

    sign_in_with_passkey(page, words)  # our own passkey, on our own site, still signs in
    expect(heading(page)).to_have_text(words.account)


@pytest.mark.parametrize("words", BOTH, ids=ids(BOTH))
def test_the_autofill_on_the_email_field_signs_in_with_a_passkey(page: Page, site: str, words: Words):
    """Where the browser has passkey autofill, the e-mail field offers the passkeys (`username webauthn`, a
    conditional request started with the screen); the virtual authenticator picks one as a person would."""
    authenticator(page)
    address = new_address(f"automatinis.{words.code}")
    make_account(site, address)
    choose_language(page, words)
    expect(page.locator("#email")).to_have_attribute("autocomplete", "username webauthn")
    sign_in_with_code(page, site, address, words)
    create_passkey(page, words)

    with page.expect_response(lambda r: r.url.endswith("/login/passkey")) as signed:
        page.locator("#sign-out").click()
    assert signed.value.status == 200
    expect(heading(page)).to_have_text(words.account)
    status, sessions = fetch(page, "GET", "/sessions")
    assert status == 200
    assert [entry["method"] for entry in sessions["sessions"] if entry["current"]] == ["passkey"]


@pytest.mark.parametrize("words", BOTH, ids=ids(BOTH))
def test_the_button_works_while_the_autofill_waits(page: Page, site: str, words: Words):
    """Where the browser has passkey autofill, the e-mail field's request waits for the person; pressing the
    button stops it (one WebAuthn request at a time) and signs in with a challenge of its own."""
    device = authenticator(page)
    address = new_address(f"laukia.{words.code}")
    make_account(site, address)
    choose_language(page, words)
    sign_in_with_code(page, site, address, words)
    create_passkey(page, words)

    device.answers_at_once(False)  # the person looks at the screen and picks nothing from the autofill
    with page.expect_response(lambda r: r.url.endswith("/login/passkey/options")) as waiting:
        sign_out(page, words)
    page.wait_for_timeout(1000)  # the autofill's request is with the authenticator
    device.answers_at_once(True)
    expect(heading(page)).to_have_text(words.sign_in)
    with page.expect_response(lambda r: r.url.endswith("/login/passkey/options")) as pressed:
        sent = sign_in_with_passkey(page, words)
    expect(heading(page)).to_have_text(words.account)
    said = json.loads(unb64url(sent["credential"]["response"]["clientDataJSON"]))
    assert said["challenge"] == pressed.value.json()["challenge"] != waiting.value.json()["challenge"]


def test_a_press_right_away_waits_for_the_autofills_challenge_to_arrive(page: Page, site: str):
    """Each options answer sets the browser's one challenge cookie. Pressed while the autofill's options are
    still on their way, the button asks its own only after they have arrived, so the cookie is the button's."""
    authenticator(page)
    address = new_address("is-karto")
    make_account(site, address)
    choose_language(page, ENGLISH)
    sign_in_with_code(page, site, address, ENGLISH)
    create_passkey(page, ENGLISH)

    held: list[Route] = []
    page.route("**/login/passkey/options", lambda route: held.append(route) if not held else route.continue_())
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/login/passkey/options") else None)
    sign_out(page, ENGLISH)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1, "the autofill asked for options"
    page.get_by_role("button", name=ENGLISH.passkey_button).click()
    page.wait_for_timeout(500)
    assert len(asked) == 1, "the button waits for the autofill's answer"
    held[0].continue_()
    expect(heading(page)).to_have_text(ENGLISH.account)
    assert len(asked) == 2


CHALLENGE_SECONDS = 3


@pytest.fixture(scope="module")
def brief_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local stack whose passkey challenges live CHALLENGE_SECONDS (PasskeyChallengeSeconds)."""
    parameters = f"{PARAMETERS} PasskeyChallengeSeconds={CHALLENGE_SECONDS}"
    with serving(parameters, tmp_path_factory.mktemp("browser-passkey-devserver")) as base:
        yield base


@pytest.fixture
def brief_page(browser: Browser, brief_site: str) -> Iterator[Page]:
    with fresh_page(browser, brief_site) as page:
        yield page


def test_the_autofill_asks_a_new_challenge_on_focus_once_its_own_is_nearly_spent(brief_page: Page, brief_site: str):
    """A sign-in screen left open: when the person comes back to the e-mail field after 80% of the challenge's
    life, the autofill's request is made anew, so a passkey picked then is not refused as late."""
    page = brief_page
    device = authenticator(page)
    address = new_address("senas-issukis")
    make_account(brief_site, address)
    choose_language(page, ENGLISH)
    sign_in_with_code(page, brief_site, address, ENGLISH)
    create_passkey(page, ENGLISH)

    device.answers_at_once(False)  # the autofill waits for the person
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/login/passkey/options") else None)
    sign_out(page, ENGLISH)
    page.locator("#email").focus()
    page.wait_for_timeout(300)
    assert len(asked) == 1, "a fresh challenge is kept"
    language_button(page, "en").focus()
    page.wait_for_timeout(CHALLENGE_SECONDS * 1000 * 0.8 + 200)
    with page.expect_request(lambda r: r.url.endswith("/login/passkey/options")):
        page.locator("#email").focus()
    assert len(asked) == 2


def test_without_the_browsers_json_helpers_the_pages_own_translation_is_used(page: Page, site: str):
    page.add_init_script(NO_AUTOFILL)
    page.add_init_script(NO_JSON_HELPERS)
    authenticator(page)
    address = new_address("be-pagalbininku")
    make_account(site, address)
    choose_language(page, ENGLISH)
    assert page.evaluate("typeof PublicKeyCredential.parseRequestOptionsFromJSON") == "undefined"
    sign_in_with_code(page, site, address, ENGLISH)
    with page.expect_request(lambda r: r.url.endswith("/passkeys") and r.method == "POST") as registered:
        create_passkey(page, ENGLISH)
    credential = registered.value.post_data_json["credential"]
    assert set(credential["response"]) >= {"clientDataJSON", "attestationObject", "transports"}
    assert credential["rawId"] == credential["id"]
    sign_out(page, ENGLISH)
    sent = sign_in_with_passkey(page, ENGLISH)
    expect(heading(page)).to_have_text(ENGLISH.account)
    assert set(sent["credential"]["response"]) == {"clientDataJSON", "authenticatorData", "signature", "userHandle"}


def test_without_webauthn_nothing_about_passkeys_is_shown(page: Page, site: str):
    page.add_init_script(NO_WEBAUTHN)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    address = new_address("be-rakto")
    make_account(site, address)
    choose_language(page, ENGLISH)
    expect(page.get_by_role("region", name=ENGLISH.passkey_way)).to_have_count(0)
    expect(page.locator("#email")).to_have_attribute("autocomplete", "email")
    sign_in_with_code(page, site, address, ENGLISH)
    expect(page.get_by_role("region", name=ENGLISH.sessions)).to_be_visible()
    expect(page.get_by_role("region", name=ENGLISH.passkeys)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("passkey")
    assert not [path for path in asked if "passkey" in path and not path.startswith("/js/")], asked


# --- a sign-in too long ago ---


def stale_session(route: Route) -> None:
    """The API's answer to a session opened more than 10 minutes ago (tests/handler/test_passkeys.py holds the
    rule itself: the local stack's FreshSignInSeconds is fixed, and no test waits 10 minutes)."""
    status, code, said = ERROR_ANSWERS[FreshSignInRequired]
    body = json.dumps({"error": {"code": code, "message": said}})
    route.fulfill(status=status, headers={"Content-Type": "application/json"}, body=body)


@pytest.mark.parametrize("words", BOTH, ids=ids(BOTH))
def test_creating_or_removing_a_passkey_long_after_signing_in_asks_to_sign_in_again(
    page: Page, site: str, screens, words: Words
):
    page.add_init_script(NO_AUTOFILL)
    device = authenticator(page)
    address = new_address(f"senas.{words.code}")
    make_account(site, address)
    choose_language(page, words)
    sign_in_with_code(page, site, address, words)
    create_passkey(page, words)
    page.route(re.compile(r"/passkeys/"), stale_session)  # the removal and the options: 10 minutes later

    region = page.get_by_role("region", name=words.passkeys)
    region.get_by_role("button", name=words.remove).click()
    told = page.locator("#notice-passkeys")
    expect(told).to_contain_text(words.fresh)
    expect(told).to_have_class(re.compile(r"\bnotice--error\b"))
    expect(told).to_be_focused()
    expect(passkeys_of(page, words)).to_have_count(1)
    again = region.get_by_role("button", name=words.sign_in_again)
    expect(again).to_be_visible()
    region.get_by_role("button", name=words.create).click()
    expect(told).to_contain_text(words.fresh)
    assert len(device.credentials()) == 1, "the browser was not asked to make another"
    screens.seen(page, f"63-{words.code}-passkey-sign-in-again")

    page.unroute(re.compile(r"/passkeys/"))
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/logout")):
        again.click()
    expect(heading(page)).to_have_text(words.sign_in)
    sign_in_with_passkey(page, words)  # a passkey sign-in is a fresh sign-in
    expect(heading(page)).to_have_text(words.account)
    passkeys_of(page, words).get_by_role("button", name=words.remove).click()
    expect(page.locator("#notice-passkeys")).to_contain_text(words.removed.format(name=words.default_name))


# --- how it looks on a phone ---


@pytest.mark.parametrize("words", [ENGLISH, UKRAINIAN], ids=ids([ENGLISH, UKRAINIAN]))
def test_phone_screenshots_of_the_passkey_screens(page: Page, site: str, words: Words):
    """The sign-in screen with the passkey button, and the account page's passkeys, at 360 x 740 (test-artifacts/
    screenshots/passkeys-*.png), for a person to look at."""
    page.add_init_script(NO_AUTOFILL)
    authenticator(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    address = new_address(f"telefonas.{words.code}")
    make_account(site, address)
    choose_language(page, words)
    page.screenshot(path=str(SHOTS / f"passkeys-{words.code}-sign-in.png"))
    sign_in_with_code(page, site, address, words)
    region = unfold(page, words.passkeys)  # folded on a phone
    create_passkey(page, words)
    region.scroll_into_view_if_needed()
    page.evaluate("document.getElementById('passkeys').scrollIntoView({ block: 'start' })")
    page.screenshot(path=str(SHOTS / f"passkeys-{words.code}-account.png"))
    region.screenshot(path=str(SHOTS / f"passkeys-{words.code}-account-section.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
