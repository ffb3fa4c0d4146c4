"""One person, one account: a person signed in by e-mail links VIISP (a Lithuanian personal code or an eIDAS
identity) to their account; afterwards either way of signing in opens it. Every refusal leaves everything as it
was. Driven through the local stack and its VIISP stand-in's signed messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import (
    EIDAS_PERSON,
    FIRST_FILL,
    ORIGIN,
    PERSON,
    accounts_item,
    assert_error,
    clerk_of,
    cookie_value,
    table,
)

ADDRESS = "ona@example.lt"
LINKED = f"{ORIGIN}/#/account?linked=1"
HTML = {"Accept": "text/html,application/xhtml+xml"}


def profile_of(client, token):
    answer = client.as_person(token, "GET", "/profile")
    assert answer.status == 200, answer.raw
    return answer.json


def linked_token(answer):
    assert answer.status == 303, answer.raw
    assert answer.header("Location") == LINKED
    token, header = cookie_value(answer, "__Host-session")
    assert token and "HttpOnly" in header
    return token


def test_an_email_person_links_viisp_and_both_sign_ins_open_the_same_account(client, browser, clock):
    token = client.signed_in(ADDRESS, filled=True)
    before = profile_of(client, token)
    assert (before["level"], before["identity"]) == (1, None)

    new_token = linked_token(browser.link(token))
    linked = profile_of(client, new_token)
    assert linked["user_id"] == before["user_id"]
    assert linked["level"] == 3
    assert linked["identity"] == {"kind": "lt-personal-code"}  # never the code itself
    assert "personal_code" not in linked
    assert (linked["given_name"], linked["family_name"]) == ("JONAS", "JONAITIS")  # as VIISP gives them
    assert (linked["email"], linked["phone_number"]) == (ADDRESS, before["phone_number"])
    assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")  # the asking session ended

    assert profile_of(client, browser.sign_in())["user_id"] == before["user_id"]
    clock.advance(61)  # the resend cooldown
    assert client.sign_in(ADDRESS)["profile"]["user_id"] == before["user_id"]
    assert accounts_item(client.stack, "personal_code#33309240064")["user_id"] == before["user_id"]

    (found,) = client.as_staff("POST", "/staff/users/search", {"personal_code": "33309240064"}).json["users"]
    assert found["user_id"] == before["user_id"] and found["email"] == ADDRESS
    (event,) = client.as_staff("GET", f"/staff/users/{before['user_id']}/audit").json["events"]
    assert event["actor"] == "self:viisp"
    assert event["changes"] == {
        "level": {"before": 1, "after": 3},
        "given_name": {"before": FIRST_FILL["given_name"], "after": "JONAS"},
        "family_name": {"before": FIRST_FILL["family_name"], "after": "JONAITIS"},
        "identity": {"before": None, "after": "lt-personal-code"},
    }
    assert event["reason"]


def test_after_a_link_the_names_are_locked_for_the_person(client, browser):
    token = linked_token(browser.link(client.signed_in(ADDRESS, filled=True)))
    assert_error(client.as_person(token, "PATCH", "/profile", {"given_name": "Ona"}), 403, "names_locked")
    answer = client.as_person(token, "PATCH", "/profile", {"phone_number": "+37061111111"})
    assert answer.status == 200 and answer.json["phone_number"] == "+37061111111"


def test_an_identity_with_its_own_account_is_refused_and_nothing_changes(client, browser):
    viisp_user = profile_of(client, browser.sign_in())["user_id"]
    token = client.signed_in(ADDRESS, filled=True)
    before = accounts_item(client.stack, f"user#{profile_of(client, token)['user_id']}")

    assert_error(browser.link(token), 409, "identity_in_use")
    after = accounts_item(client.stack, f"user#{before['user_id']}")
    assert after == before
    assert profile_of(client, token)["level"] == 1  # the asking session still works
    assert accounts_item(client.stack, "personal_code#33309240064")["user_id"] == viisp_user
    assert client.as_staff("GET", f"/staff/users/{before['user_id']}/audit").json["events"] == []

    # A browser is sent to the page that says what to do.
    answer = browser.link(token, headers=HTML)
    assert answer.status == 303
    assert answer.header("Location") == f"{ORIGIN}/#/viisp-error?reason=identity_in_use"
    assert cookie_value(answer, "__Host-session") == (None, None)


@pytest.mark.parametrize(
    ("session", "status", "code"),
    [
        (None, 401, "unauthenticated"),
        ("opened 11 minutes ago", 403, "fresh_sign_in_required"),
        ("unfilled", 409, "profile_incomplete"),
        ("viisp", 409, "already_linked"),
        ("linked", 409, "already_linked"),
    ],
)
def test_a_link_starts_only_for_a_fresh_session_of_an_email_account_with_its_contact_data(
    client, browser, clock, session, status, code
):
    if session == "opened 11 minutes ago":
        token = client.signed_in(ADDRESS, filled=True)
        for _ in range(2):  # used meanwhile, so it is live: only its age refuses it
            clock.advance(330)
            assert client.as_person(token, "GET", "/profile").status == 200
    elif session == "unfilled":
        token = client.signed_in(ADDRESS)
    elif session == "viisp":
        token = browser.sign_in()
    elif session == "linked":
        token = linked_token(browser.link(client.signed_in(ADDRESS, filled=True)))
    tickets_before = len(client.stack.viisp.tickets)
    token_or_none = None if session is None else token
    assert_error(browser.ask_link(token_or_none), status, code)
    assert len(client.stack.viisp.tickets) == tickets_before  # VIISP was not asked
    # The page's script reads the answer, whatever the Accept: never a redirect.
    answer = browser.ask_link(token_or_none, headers=HTML)
    assert_error(answer, status, code)
    assert answer.header("Location") is None and cookie_value(answer, "__Host-viisp") == (None, None)


def test_every_text_of_the_fresh_sign_in_rule_names_its_minutes():
    """The API's message and the page's four languages say how long after signing in a link may start; the rule
    itself is FRESH_SIGN_IN_SECONDS, and the two must not drift apart."""
    from migris.domain.sessions import FRESH_SIGN_IN_SECONDS

    minutes = FRESH_SIGN_IN_SECONDS // 60
    web = Path(__file__).resolve().parents[2] / "web" / "i18n"
    for language in ("lt", "en", "uk", "ru"):
        text = (web / f"{language}.js").read_text(encoding="utf-8")
        start = text.index('"viispError.fresh_sign_in_required":')
        assert f"{minutes}\\u00a0" in text[start : text.index('",', start)], language
    from migris.domain.errors import FreshSignInRequired
    from migris.http.errors import ERROR_ANSWERS

    assert f"within {minutes} minutes" in ERROR_ANSWERS[FreshSignInRequired][2]


def test_the_account_page_starts_a_link_with_the_cookie_and_our_origin(client, browser):
    """As the page does it: the session cookie (never seen by the script) and our Origin; the answer names the
    portal address to go to and sets the cookie that binds the ticket to this browser; the round trip links."""
    token = client.signed_in(ADDRESS, filled=True)
    page = {"Cookie": f"__Host-session={token}", "Origin": ORIGIN}
    answer = browser.ask_link(None, headers=page)
    assert answer.status == 200, answer.raw
    assert answer.header("Content-Type") == "application/json"
    assert answer.header("Cache-Control") == "no-store"
    location = answer.json["location"]
    assert location.startswith(f"{ORIGIN}/_local/viisp/portal?ticket=")
    nonce, header = cookie_value(answer, "__Host-viisp")
    assert nonce and "SameSite=None" in header and "Secure" in header and "HttpOnly" in header
    ticket = location.partition("?ticket=")[2]
    _, fields = browser.authenticate(ticket)
    linked = profile_of(client, linked_token(browser.post_back(fields, nonce)))
    assert (linked["email"], linked["level"]) == (ADDRESS, 3)


@pytest.mark.parametrize(
    "origin",
    [None, "https://evil.example", "null", f"{ORIGIN}.evil.example"],
    ids=["none", "foreign", "null", "lookalike"],
)
def test_a_link_with_the_cookie_needs_our_origin(client, browser, origin):
    token = client.signed_in(ADDRESS, filled=True)
    headers = {"Cookie": f"__Host-session={token}"} | ({"Origin": origin} if origin else {})
    answer = browser.ask_link(None, headers=headers)
    assert_error(answer, 403, "origin_mismatch")
    assert cookie_value(answer, "__Host-viisp") == (None, None)
    assert client.stack.viisp.tickets == {}  # VIISP was not asked


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        ("[]", "application/json", 422, "body"),
        ('{"intent": "link"}', "application/json", 422, "intent"),
        ("{", "application/json", 422, "body"),
        ("", "application/json", 422, "body"),
        ("{}", "text/plain", 415, None),
        ("{}", "application/x-www-form-urlencoded", 415, None),
    ],
)
def test_a_link_takes_an_empty_json_object_only(client, body, content_type, status, field):
    token = client.signed_in(ADDRESS, filled=True)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    answer = client.request("POST", "/login/viisp/link", body=body or None, headers=headers)
    error = assert_error(answer, status, "validation_error" if status == 422 else "unsupported_media_type")
    if field:
        assert field in error["fields"]
    assert client.stack.viisp.tickets == {}


def test_without_a_session_a_link_is_401_whatever_the_body(client):
    answer = client.request("POST", "/login/viisp/link", body="[1, 2]", headers={"Content-Type": "text/plain"})
    assert_error(answer, 401, "unauthenticated")


@pytest.mark.parametrize("intent", ["link", "merge", ""])
@pytest.mark.parametrize("accept", [{}, HTML], ids=["api", "browser"])
def test_a_get_with_an_intent_starts_nothing(client, intent, accept):
    """A foreign page can make a signed-in browser GET anything (a link, a redirect, an image): such a request
    used to start a link. Now it starts nothing at all, for a browser too: a link starts only from our page."""
    token = client.signed_in(ADDRESS, filled=True)
    headers = {"Cookie": f"__Host-session={token}", **accept}
    answer = client.get(f"/login/viisp?intent={intent}", headers=headers)
    error = assert_error(answer, 400, "validation_error")
    assert set(error["fields"]) == {"intent"}
    assert cookie_value(answer, "__Host-viisp") == (None, None)
    assert client.stack.viisp.tickets == {}  # VIISP was not asked


def test_two_links_started_at_once_link_once(client, browser):
    token = client.signed_in(ADDRESS, filled=True)
    starts = [browser.start_link(token) for _ in range(2)]
    answers = []
    for _, ticket, nonce, _ in starts:
        _, fields = browser.authenticate(ticket, PERSON if not answers else ("48504140959", "Ona", "Žemaitytė"))
        answers.append(browser.post_back(fields, nonce))
    linked_token(answers[0])
    assert_error(answers[1], 409, "already_linked")
    assert accounts_item(client.stack, "personal_code#48504140959") is None


def test_a_link_callback_in_another_browser_or_another_session_is_refused(client, browser):
    token = client.signed_in(ADDRESS, filled=True)
    other = client.signed_in("kitas@example.lt", filled=True)
    user_item = accounts_item(client.stack, f"user#{profile_of(client, token)['user_id']}")
    for nonce, cookie in [(None, None), ("not-this-browsers", None), ("mine", f"__Host-session={other}")]:
        _, ticket, real_nonce, _ = browser.start_link(token)
        _, fields = browser.authenticate(ticket)
        headers = {"Cookie": cookie} if cookie else {}
        answer = browser.post_back(fields, real_nonce if nonce == "mine" else nonce, headers=headers)
        assert_error(answer, 400, "invalid_ticket")
    assert accounts_item(client.stack, f"user#{user_item['user_id']}") == user_item
    assert accounts_item(client.stack, "personal_code#33309240064") is None
    # The same browser with its own session's cookie along (same-site) links.
    linked_token(browser.link(token, headers={"Cookie": f"__Host-session={token}"}))


def test_a_session_that_ended_before_the_callback_links_nothing(client, browser):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    _, ticket, nonce, _ = browser.start_link(token)
    assert client.as_person(token, "POST", "/logout").status == 204
    _, fields = browser.authenticate(ticket)
    assert_error(browser.post_back(fields, nonce), 400, "invalid_ticket")
    assert accounts_item(client.stack, f"user#{user_id}")["level"] == 1
    assert accounts_item(client.stack, "personal_code#33309240064") is None  # the transaction landed nothing
    assert client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"] == []


@pytest.mark.parametrize("ended_by", ["a staff revoke", "an e-mail change"])
def test_a_session_ended_by_a_new_epoch_before_the_callback_links_nothing(client, browser, clock, ended_by):
    """The session that asked still exists but belongs to an ended epoch: staff ended every session, or an e-mail
    change confirmed elsewhere ended every other one. Its link must not land, nor open a session."""
    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    _, ticket, nonce, _ = browser.start_link(token)
    if ended_by == "a staff revoke":
        revoked = client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", {"reason": "Phone stolen"})
        assert revoked.json == {"ended": 1}, revoked.raw
    else:
        clock.advance(61)
        elsewhere = client.signed_in(ADDRESS)
        assert client.as_person(elsewhere, "PATCH", "/profile", {"email": "ona.nauja@example.lt"}).status == 200
        code = client.last_code("ona.nauja@example.lt")
        assert client.as_person(elsewhere, "POST", "/profile/email/verify", {"code": code}).status == 200
    # (Not asked whether the session still works: a function that meets an ended session deletes its item, and
    # the link's write must refuse a session whose item is still there, only in an older epoch.)
    before = accounts_item(client.stack, f"user#{user_id}")
    audit_before = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]

    _, fields = browser.authenticate(ticket)
    answer = browser.post_back(fields, nonce)
    assert_error(answer, 400, "invalid_ticket")
    assert not cookie_value(answer, "__Host-session")[0]
    assert accounts_item(client.stack, "personal_code#33309240064") is None  # no identity item
    assert accounts_item(client.stack, f"user#{user_id}") == before  # level 1, no identity, names as they were
    assert client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"] == audit_before
    assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")


def test_a_first_viisp_sign_in_landing_between_a_links_lookup_and_its_write_keeps_the_identity(
    client, browser, monkeypatch
):
    """The person's own first VIISP sign-in creates the identity's account after the link found nobody holding
    the identity and before its write: the write's condition on the identity's item refuses it, so two accounts
    never hold one identity."""
    from migris.dal.accounts import AccountRepository

    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    before = accounts_item(client.stack, f"user#{user_id}")
    write = AccountRepository.link_identity
    raced: list[str] = []

    def a_first_sign_in_lands_first(self, *args, **kwargs):
        if not raced:  # the first write attempt only
            raced.append(profile_of(client, browser.sign_in())["user_id"])
        return write(self, *args, **kwargs)

    monkeypatch.setattr(AccountRepository, "link_identity", a_first_sign_in_lands_first)
    answer = browser.link(token)
    monkeypatch.undo()

    (viisp_user,) = raced
    assert viisp_user != user_id
    assert_error(answer, 409, "identity_in_use")
    assert not cookie_value(answer, "__Host-session")[0]
    assert accounts_item(client.stack, "personal_code#33309240064")["user_id"] == viisp_user
    assert accounts_item(client.stack, f"user#{user_id}") == before
    assert client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"] == []
    assert profile_of(client, token)["identity"] is None  # the asking session lives on, unlinked
    assert profile_of(client, browser.sign_in())["user_id"] == viisp_user  # VIISP still opens its own account


# --- foreigners through eIDAS ---


def test_an_eidas_person_gets_a_level_3_account_keyed_by_the_eidas_identifier(client, browser):
    token = browser.sign_in(EIDAS_PERSON)
    profile = profile_of(client, token)
    assert profile["level"] == 3
    assert profile["login_method"] == "viisp"
    assert profile["identity"] == {"kind": "eidas", "country": "DE"}
    assert (profile["given_name"], profile["family_name"]) == ("ERIKA", "MUSTERMANN")
    assert "DE/LT/7d3f9a2c41b84e0f" not in str(profile)
    item = accounts_item(client.stack, "eidas#DE/LT/7d3f9a2c41b84e0f")
    assert item["user_id"] == profile["user_id"]
    assert accounts_item(client.stack, f"user#{profile['user_id']}")["eidas_id"] == "DE/LT/7d3f9a2c41b84e0f"
    assert profile_of(client, browser.sign_in(EIDAS_PERSON))["user_id"] == profile["user_id"]

    (found,) = client.as_staff("POST", "/staff/users/search", {"eidas_id": "DE/LT/7d3f9a2c41b84e0f"}).json["users"]
    assert (found["user_id"], found["eidas_id"], found["identity"]) == (
        profile["user_id"],
        "DE/LT/7d3f9a2c41b84e0f",
        {"kind": "eidas", "country": "DE"},
    )
    assert "personal_code" not in found


def test_an_eidas_person_fills_in_a_phone_but_not_names(client, browser):
    token = browser.sign_in(EIDAS_PERSON)
    assert_error(
        client.as_person(token, "PUT", "/profile", {"given_name": "Erika", "phone_number": "+4915112345678"}),
        403,
        "names_locked",
    )
    answer = client.as_person(token, "PUT", "/profile", {"phone_number": "+4915112345678"})
    assert answer.status == 200 and answer.json["profile_complete"] is True


def test_an_email_person_links_an_eidas_identity(client, browser):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    linked = profile_of(client, linked_token(browser.link(token, EIDAS_PERSON)))
    assert (linked["user_id"], linked["level"], linked["identity"]) == (user_id, 3, {"kind": "eidas", "country": "DE"})
    assert profile_of(client, browser.sign_in(EIDAS_PERSON))["user_id"] == user_id
    (event,) = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    assert event["changes"]["identity"] == {"before": None, "after": "eidas DE"}


@pytest.mark.parametrize(
    "eidas_eid",
    [
        "DE-LT-123",
        "de/LT/123",
        "DE/LT/",
        "DE/LT/with space",
        "DE/LT/ąčę",
        "DE/LT/" + "x" * 251,
        # Visible ASCII that means something where staff or a tool show the identifier: HTML, a shell, CSV.
        *(f"DE/LT/12{character}34" for character in "<>\"'&`;,\\|$%!?*#@()[]{}~^"),
    ],
)
def test_a_malformed_eidas_identifier_signs_nobody_in(client, browser, caplog, eidas_eid):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket, {**EIDAS_PERSON, "eidas_eid": eidas_eid})
    answer = browser.post_back(fields, nonce)
    assert_error(answer, 400, "invalid_ticket")
    assert not cookie_value(answer, "__Host-session")[0]
    assert [item for item in table(client.stack, "AccountsTable").scan()["Items"] if "eidas_id" in item] == []
    assert [getattr(r, "reason", None) for r in caplog.records if getattr(r, "event", None) == "viisp_refused"] == [
        "bad_eidas_id"
    ]


@pytest.mark.parametrize(
    "eidas_eid",
    ["ES/LT/99999999R", "AT/LT/aB+cD/eF==", "NL/LT/s-0_1.2:3", "EE/LT/PNOEE-38001085718", "FR/LT/a/b/c"],
)
def test_an_eidas_identifier_of_letters_digits_and_the_allowed_signs_signs_in(client, browser, eidas_eid):
    token = browser.sign_in({**EIDAS_PERSON, "eidas_eid": eidas_eid})
    assert profile_of(client, token)["identity"] == {"kind": "eidas", "country": eidas_eid[:2]}
    assert accounts_item(client.stack, f"eidas#{eidas_eid}") is not None


@pytest.mark.parametrize("eidas_eid", ["LT/LT/33309240064", "LT/DE/abc123"])
def test_an_eid_issued_by_lithuania_is_sent_to_viisps_lithuanian_sign_in(client, browser, caplog, eidas_eid):
    """Its holder has a personal code, which keys their one account: an eIDAS one would be a second."""
    for accept in ({}, HTML):
        _, ticket, nonce, _ = browser.start()
        _, fields = browser.authenticate(ticket, {**EIDAS_PERSON, "eidas_eid": eidas_eid})
        caplog.clear()
        answer = browser.post_back(fields, nonce, headers=accept)
        assert not cookie_value(answer, "__Host-session")[0]
        if accept:
            assert answer.status == 303
            location = answer.header("Location")
            assert location == f"{ORIGIN}/#/viisp-error?reason=invalid_ticket&detail=lithuanian_eid"
        else:
            error = assert_error(answer, 400, "invalid_ticket")
            assert "Lithuanian means" in error["message"]
        (refusal,) = [r for r in caplog.records if getattr(r, "event", None) == "viisp_refused"]
        assert (refusal.reason, refusal.security) == ("lithuanian_eid", True)
        logged = [str(value) for r in caplog.records for value in (r.getMessage(), *vars(r).values())]
        assert not any(eidas_eid in text for text in logged)  # no identifier in the logs
    assert [item for item in table(client.stack, "AccountsTable").scan()["Items"] if "eidas_id" in item] == []
    assert accounts_item(client.stack, f"eidas#{eidas_eid}") is None


def test_the_longest_eidas_identifier_signs_in(client, browser):
    eidas_eid = "PL/LT/" + "9" * 250
    assert len(eidas_eid) == 256
    token = browser.sign_in({**EIDAS_PERSON, "eidas_eid": eidas_eid})
    assert profile_of(client, token)["identity"] == {"kind": "eidas", "country": "PL"}


def test_an_eidas_identity_and_a_personal_code_key_different_accounts(client, browser):
    one = profile_of(client, browser.sign_in(EIDAS_PERSON))["user_id"]
    two = profile_of(client, browser.sign_in())["user_id"]
    assert one != two


@pytest.mark.breaks_a_call("the audit write goes to a table that does not exist")
def test_a_link_and_its_audit_event_land_together(client, browser, audit_writes_fail):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    assert browser.link(token).status == 500
    assert accounts_item(client.stack, f"user#{user_id}")["level"] == 1
    assert accounts_item(client.stack, "personal_code#33309240064") is None
    assert profile_of(client, token)["identity"] is None  # the asking session still lives


def test_an_eidas_persons_names_are_kept_in_the_script_they_come_in(client, browser):
    greek = {**EIDAS_PERSON, "eidas_eid": "EL/LT/GR123456", "given_name": "Γεώργιος", "family_name": "Παπαδόπουλος"}
    profile = profile_of(client, browser.sign_in(greek))
    assert (profile["given_name"], profile["family_name"]) == ("ΓΕΏΡΓΙΟΣ", "ΠΑΠΑΔΌΠΟΥΛΟΣ")  # the stand-in upper-cases
    assert profile["identity"] == {"kind": "eidas", "country": "EL"}  # eIDAS writes Greece as EL


def test_a_session_opened_ten_minutes_ago_still_links(client, browser, clock):
    token = client.signed_in(ADDRESS, filled=True)
    clock.advance(600)
    linked_token(browser.link(token))


def test_a_link_ends_every_other_session_and_tells_the_address(client, browser, clock):
    token = client.signed_in(ADDRESS, filled=True)
    assert client.as_person(token, "PATCH", "/profile", {"language": "uk"}).status == 200
    clock.advance(61)
    other_device = client.signed_in(ADDRESS)
    mails_before = len(client.stack.aws.mails_to(ADDRESS))
    new_token = linked_token(browser.link(other_device))
    assert_error(client.as_person(token, "GET", "/profile"), 401, "unauthenticated")
    assert_error(client.as_person(other_device, "GET", "/profile"), 401, "unauthenticated")
    (listed,) = client.as_person(new_token, "GET", "/sessions").json["sessions"]
    assert (listed["current"], listed["method"]) == (True, "viisp")
    (notice,) = client.stack.aws.mails_to(ADDRESS)[mails_before:]
    assert notice["subject"].startswith("MIGRIS: обліковий запис")  # the language the account keeps (Ukrainian)
    assert "33309240064" not in notice["text"] and "VIISP" in notice["text"]


def test_a_link_callback_with_another_sessions_cookie_uses_the_ticket_up(client, browser):
    token = client.signed_in(ADDRESS, filled=True)
    other = client.signed_in("kitas@example.lt", filled=True)
    _, ticket, nonce, _ = browser.start_link(token)
    _, fields = browser.authenticate(ticket)
    refused = browser.post_back(fields, nonce, headers={"Cookie": f"__Host-session={other}"})
    assert_error(refused, 400, "invalid_ticket")
    assert_error(browser.post_back(fields, nonce), 400, "invalid_ticket")  # no second try without the cookie
    assert profile_of(client, token)["identity"] is None


def test_a_refused_link_is_a_security_log_line_naming_both_accounts(client, browser, caplog):
    holder = profile_of(client, browser.sign_in())["user_id"]
    token = client.signed_in(ADDRESS, filled=True)
    asker = profile_of(client, token)["user_id"]
    with caplog.at_level("WARNING"):
        assert_error(browser.link(token), 409, "identity_in_use")
    (line,) = [r for r in caplog.records if getattr(r, "event", None) == "viisp_link_refused"]
    assert (line.reason, line.user_id, line.holder_user_id, line.security) == ("identity_in_use", asker, holder, True)
    assert "33309240064" not in caplog.text


# --- staff take a link off (one the person did not make, say) ---


def unlink(client, user_id, body=None):
    return client.as_staff("POST", f"/staff/users/{user_id}/identity/unlink", body or {"reason": "Not their link"})


def test_staff_unlink_an_identity_and_viisp_opens_the_account_no_more(client, browser, clock):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    viisp_session = linked_token(browser.link(token))
    clock.advance(1)  # audit events of one millisecond have no fixed order

    answer = unlink(client, user_id, {"reason": "  The person   did not make this link "})
    assert answer.status == 200, answer.raw
    assert (answer.json["identity"], answer.json["level"]) == (None, 1)
    assert "personal_code" not in answer.json
    assert (answer.json["given_name"], answer.json["family_name"]) == ("JONAS", "JONAITIS")  # staff change apart
    assert_error(client.as_person(viisp_session, "GET", "/profile"), 401, "unauthenticated")  # every session
    assert accounts_item(client.stack, "personal_code#33309240064") is None
    assert "personal_code" not in accounts_item(client.stack, f"user#{user_id}")

    # VIISP now opens that identity's own new account; the e-mail code the old one.
    assert profile_of(client, browser.sign_in())["user_id"] != user_id
    clock.advance(61)
    assert client.sign_in(ADDRESS)["profile"]["user_id"] == user_id
    events = client.as_staff("GET", f"/staff/users/{user_id}/audit").json["events"]
    assert events[0]["actor"] == "self:viisp"
    assert events[-1]["changes"] == {
        "identity": {"before": "lt-personal-code", "after": None},
        "level": {"before": 3, "after": 1},
    }
    assert events[-1]["reason"] == "The person did not make this link"
    assert events[-1]["actor"].startswith("arn:aws:sts::")


def test_an_unlinked_account_may_link_again(client, browser, clock):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    linked_token(browser.link(token, EIDAS_PERSON))
    assert unlink(client, user_id).status == 200
    clock.advance(61)
    again = client.signed_in(ADDRESS)
    linked = profile_of(client, linked_token(browser.link(again, EIDAS_PERSON)))
    assert (linked["user_id"], linked["identity"]) == (user_id, {"kind": "eidas", "country": "DE"})


def test_staff_cannot_unlink_what_is_no_link(client, browser):
    viisp_user = profile_of(client, browser.sign_in())["user_id"]
    assert_error(unlink(client, viisp_user), 409, "not_linked")  # a VIISP account's identity is its sign-in
    email_user = profile_of(client, client.signed_in(ADDRESS))["user_id"]
    assert_error(unlink(client, email_user), 409, "not_linked")
    assert_error(unlink(client, "00000000-0000-4000-8000-000000000000"), 404, "not_found")
    assert_error(unlink(client, email_user, {"reason": " "}), 422, "validation_error")
    assert_error(unlink(client, email_user, {"reason": "x", "level": 2}), 422, "validation_error")
    assert client.as_staff("GET", f"/staff/users/{email_user}/audit").json["events"] == []


def test_only_staff_may_unlink(client, browser):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    new_token = linked_token(browser.link(token))
    path = f"/staff/users/{user_id}/identity/unlink"
    assert client.as_person(new_token, "POST", path, {"reason": "mine"}).status == 403
    assert client.post(path, {"reason": "x"}).status == 403
    denied = client.as_staff("POST", path, {"reason": "x"}, principal=clerk_of(client))  # signed, not staff
    assert (denied.status, denied.header("x-amzn-ErrorType")) == (403, "AccessDeniedException")
    assert profile_of(client, new_token)["identity"] == {"kind": "lt-personal-code"}


def test_a_viisp_sign_in_overlapping_an_unlink_gets_no_session_on_the_unlinked_account(client, browser, monkeypatch):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    linked_token(browser.link(token))
    from migris.dal.accounts import AccountRepository

    lookup = AccountRepository.user_id_for_identity
    unlinked: list[int] = []

    def unlinked_right_after_the_lookup(self, identity):
        found = lookup(self, identity)
        if not unlinked:  # staff's unlink lands between the sign-in's lookup and its read of the account
            unlinked.append(unlink(client, user_id).status)
        return found

    monkeypatch.setattr(AccountRepository, "user_id_for_identity", unlinked_right_after_the_lookup)
    session = browser.sign_in()
    monkeypatch.undo()
    assert unlinked == [200]
    signed_in = profile_of(client, session)
    assert signed_in["user_id"] != user_id  # the identity's own new account
    assert signed_in["identity"] == {"kind": "lt-personal-code"}


@pytest.mark.parametrize("item", ["missing", "another account's"])
def test_an_unlink_with_a_wrong_identity_item_still_takes_the_identity_off(client, browser, item):
    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    linked_token(browser.link(token))
    accounts = table(client.stack, "AccountsTable")
    if item == "missing":
        accounts.delete_item(Key={"pk": "personal_code#33309240064"})
    else:
        accounts.put_item(Item={"pk": "personal_code#33309240064", "user_id": "00000000-0000-4000-8000-0000000000ff"})
    answer = unlink(client, user_id)
    assert answer.status == 200, answer.raw
    assert answer.json["identity"] is None
    left = accounts_item(client.stack, "personal_code#33309240064")
    assert left is None if item == "missing" else left["user_id"] == "00000000-0000-4000-8000-0000000000ff"


@pytest.mark.breaks_a_call("the mail queue cannot be reached")
def test_a_link_notice_that_cannot_go_leaves_the_link_and_its_session(client, browser, monkeypatch):
    import botocore.exceptions
    from migris.dal.mail_queue import MailQueue

    def unreachable(*_, **__):
        raise botocore.exceptions.EndpointConnectionError(endpoint_url="https://sqs.eu-north-1.amazonaws.com")

    token = client.signed_in(ADDRESS, filled=True)
    monkeypatch.setattr(MailQueue, "deliver", unreachable)
    assert profile_of(client, linked_token(browser.link(token)))["level"] == 3


@pytest.mark.parametrize("ended_by", ["revoke", "unlink"])
def test_a_viisp_sign_in_whose_epoch_ends_between_its_read_and_its_write_opens_no_ended_session(
    client, browser, monkeypatch, ended_by
):
    """Staff end the linked account's sessions (a revoke) or take the link off (an unlink) after the sign-in read
    the account and before it wrote the session: the session is not written in the ended epoch. The sign-in
    looks up again and the person gets a session that works: on the same account after a revoke, on the
    identity's own new account after an unlink."""
    from migris.domain.accounts import Accounts

    token = client.signed_in(ADDRESS, filled=True)
    user_id = profile_of(client, token)["user_id"]
    linked_token(browser.link(token))
    read = Accounts.sign_in_by_viisp
    staff_answers = []

    def staff_act_after_the_read(self, *args, **kwargs):
        account = read(self, *args, **kwargs)
        if not staff_answers:  # the first write attempt only
            path = "sessions/revoke" if ended_by == "revoke" else "identity/unlink"
            staff_answers.append(client.as_staff("POST", f"/staff/users/{user_id}/{path}", {"reason": "Stolen"}))
        return account

    monkeypatch.setattr(Accounts, "sign_in_by_viisp", staff_act_after_the_read)
    session = browser.sign_in()
    monkeypatch.undo()

    (staff_answer,) = staff_answers
    assert staff_answer.status == 200, staff_answer.raw
    signed_in = profile_of(client, session)
    assert (signed_in["user_id"] == user_id) is (ended_by == "revoke")
    assert signed_in["identity"] == {"kind": "lt-personal-code"}
