"""Addresses SES can deliver, and domains that cannot receive mail (DESIGN.md, Mail), wherever an address is
taken: POST /login/email, PUT and PATCH /profile; and staff search by either form. Through the real handlers on
the local stack, whose mail-domain check is the local rule (a domain starting with no-mail. takes no mail)."""

from __future__ import annotations

import pytest
from migris.dal.accounts import email_key
from migris.domain.mail_domains import LocalMailDomains

from tests.helpers import accounts_item, assert_error, code_in, viisp_account

UNICODE = "Ona@Žalgiris.lt"
ASCII = "ona@xn--algiris-cxb.lt"  # žalgiris.lt by UTS #46 and IDNA 2008
DEAD = "ona@no-mail.example.lt"


@pytest.fixture
def dead_domains(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Domains that take no mail besides the local rule's; a test changes the set as DNS would change."""
    dead: set[str] = set()
    local_rule = LocalMailDomains.can_receive_mail
    monkeypatch.setattr(
        LocalMailDomains, "can_receive_mail", lambda self, domain: domain not in dead and local_rule(self, domain)
    )
    return dead


def email_problem(answer) -> str:
    """The one field problem of a 422: the one on `email`."""
    error = assert_error(answer, 422, "validation_error")
    assert set(error["fields"]) == {"email"}, error
    return str(error["fields"]["email"])


# --- addresses SES can deliver ---


def test_an_international_domain_is_answered_stored_and_mailed_in_ascii(client, clock):
    started = client.start(UNICODE)
    assert started.status == 202, started.raw
    assert started.json["email"] == ASCII  # the address as kept
    (mail,) = client.stack.aws.outbox
    assert mail["to"] == ASCII  # what SES was handed: 7-bit

    # The page sends back what it typed or what the API answered: either form finishes the same sign-in.
    verify = {"email": UNICODE, "login_id": started.json["login_id"], "code": code_in(mail)}
    signed_in = client.post("/login/email/verify", verify)
    assert signed_in.status == 200, signed_in.raw
    assert signed_in.json["profile"]["email"] == ASCII
    user_id = signed_in.json["profile"]["user_id"]
    assert accounts_item(client.stack, email_key(ASCII))["user_id"] == user_id

    clock.advance(61)
    again = client.sign_in(ASCII)  # the ASCII form typed later is the same account
    assert again["profile"]["user_id"] == user_id


def test_a_local_part_outside_ascii_is_422_at_the_email_field_and_nothing_is_sent(client):
    problem = email_problem(client.start("žydrūnas@example.lt"))
    assert "before the @" in problem and "a-z without accents" in problem
    assert client.stack.aws.outbox == []

    token = client.signed_in("ona@example.lt", filled=True)
    sent = len(client.stack.aws.outbox)
    problem = email_problem(client.as_person(token, "PATCH", "/profile", {"email": "иван@example.ua"}))
    assert "before the @" in problem
    assert len(client.stack.aws.outbox) == sent
    assert client.as_person(token, "GET", "/profile").json["pending_email"] is None


def test_254_characters_after_conversion_are_taken_and_255_refused(client):
    local = "o" * 64
    domain = ".".join(["bücher"] * 13)  # each label is xn--bcher-kva in ASCII: 13 characters
    fits = client.start(f"{local}@{domain}.xxxx.lt")
    assert fits.status == 202, fits.raw
    assert len(fits.json["email"]) == 254
    assert client.stack.aws.outbox[-1]["to"] == fits.json["email"]
    assert "at most 254 characters" in email_problem(client.start(f"{local}@{domain}.xxxxx.lt"))


def test_an_email_change_to_an_international_domain_is_pending_mailed_and_kept_in_ascii(client):
    token = client.signed_in("ona@example.lt", filled=True)
    answer = client.as_person(token, "PATCH", "/profile", {"email": "ona@Bücher.lt"})
    assert answer.status == 200, answer.raw
    assert answer.json["pending_email"] == "ona@xn--bcher-kva.lt"
    code = code_in(client.stack.aws.mails_to("ona@xn--bcher-kva.lt")[-1])
    confirmed = client.as_person(token, "POST", "/profile/email/verify", {"code": code})
    assert confirmed.status == 200, confirmed.raw
    assert confirmed.json["email"] == "ona@xn--bcher-kva.lt"


def test_staff_find_an_account_by_the_unicode_or_the_ascii_form(client):
    token = client.signed_in(ASCII, filled=True)
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    for typed in ("ONA@ŽALGIRIS.LT", ASCII, " ona@xn--ALGIRIS-CXB.lt"):
        answer = client.as_staff("POST", "/staff/users/search", {"email": typed})
        assert answer.status == 200, answer.raw
        assert [user["user_id"] for user in answer.json["users"]] == [user_id], typed


# --- domains that cannot receive mail ---


def test_a_domain_without_mail_is_422_at_the_email_field_on_sign_in_and_nothing_is_sent(client):
    problem = email_problem(client.start(DEAD))
    assert "cannot receive mail" in problem
    assert client.stack.aws.outbox == []


def test_a_refused_domain_costs_the_address_no_send(client, dead_domains):
    """The check comes before any limit is counted: once the domain takes mail (its DNS fixed, the negative
    answer expired), the next request at once gets a code, not the 60 s cooldown of a send that never was."""
    address = "ona@naujas-domenas.lt"
    dead_domains.add("naujas-domenas.lt")
    email_problem(client.start(address))
    dead_domains.clear()
    started = client.start(address)
    assert started.status == 202, started.raw
    assert [mail["to"] for mail in client.stack.aws.outbox] == [address]


def test_a_domain_without_mail_is_422_on_an_email_change_and_the_account_may_ask_again_at_once(client):
    token = client.signed_in("ona@example.lt", filled=True)
    sent = len(client.stack.aws.outbox)
    assert "cannot receive mail" in email_problem(client.as_person(token, "PATCH", "/profile", {"email": DEAD}))
    assert len(client.stack.aws.outbox) == sent
    assert client.as_person(token, "GET", "/profile").json["pending_email"] is None
    # Nothing was counted: neither the new address's send nor the account's own change-code cooldown.
    answer = client.as_person(token, "PATCH", "/profile", {"email": "ona.nauja@example.lt"})
    assert answer.status == 200, answer.raw
    assert answer.json["pending_email"] == "ona.nauja@example.lt"


def test_a_domain_without_mail_is_422_on_a_viisp_accounts_first_fill_and_nothing_is_saved(client):
    _, token = viisp_account(client.stack)
    answer = client.as_person(token, "PUT", "/profile", {"phone_number": "+37061234567", "email": DEAD})
    assert "cannot receive mail" in email_problem(answer)
    after = client.as_person(token, "GET", "/profile").json
    assert (after["profile_complete"], after["phone_number"], after["pending_email"]) == (False, None, None)


def test_the_domain_is_looked_up_only_once_the_body_is_valid(client, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(LocalMailDomains, "can_receive_mail", lambda self, domain: asked.append(domain) or True)
    token = client.signed_in("ona@example.lt", filled=True)
    asked.clear()
    refused = client.as_person(token, "PATCH", "/profile", {"email": "ona@kitas.lt", "phone_number": "12"})
    assert set(assert_error(refused, 422, "validation_error")["fields"]) == {"phone_number"}
    assert_error(client.start("ona@kitas.lt", language="xx"), 422, "validation_error")
    assert asked == []
    assert client.start("ona@kitas.lt").status == 202
    assert asked == ["kitas.lt"]  # in ASCII, as mailed


def test_staff_search_and_the_code_check_take_any_address_without_a_lookup(client):
    """Finding or signing in with an address is not taking a new one: a dead domain is not refused there."""
    found = client.as_staff("POST", "/staff/users/search", {"email": DEAD})
    assert (found.status, found.json) == (200, {"users": []})
    wrong = client.post("/login/email/verify", {"email": DEAD, "login_id": "x" * 22, "code": "12345678"})
    assert_error(wrong, 401, "invalid_code")
