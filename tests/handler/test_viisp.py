"""Sign-in through VIISP, against the local stand-in's signed messages: start, the portal, the callback, the
session and the account; and every refusal with its answer."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from migris.viisp.protocol import auth

from devserver.viisp_standin import InProcessTransport
from tests.helpers import FORM, ORIGIN, PERSON, Client, ViispBrowser, accounts_item, assert_error, cookie_value


def test_the_whole_viisp_sign_in(client, browser):
    location, ticket, nonce, cookie = browser.start()
    assert location.startswith(f"{ORIGIN}/_local/viisp/portal?ticket=")
    assert re.fullmatch(r"[0-9a-f-]{36}", ticket)
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Path=/", "Max-Age=900"):
        assert attribute in cookie
    portal = client.get(urlsplit(location).path + "?" + urlsplit(location).query)
    assert portal.status == 200  # the local stack serves the portal page
    assert "33309240064" in portal.raw.decode() and ticket in portal.raw.decode()
    action, fields = browser.authenticate(ticket)
    assert action == f"{ORIGIN}/login/viisp/callback"
    assert fields["ticket"] == ticket and fields["customData"]

    answer = browser.post_back(fields, nonce)
    assert answer.status == 303, answer.raw
    assert answer.header("Location") == f"{ORIGIN}/"
    token, session_header = cookie_value(answer, "__Host-session")
    assert token and "HttpOnly" in session_header and "SameSite=Lax" in session_header
    _, cleared = cookie_value(answer, "__Host-viisp")
    assert "Max-Age=0" in cleared

    profile = client.get("/profile", headers={"Cookie": f"__Host-session={token}"}).json
    assert profile["level"] == 3
    assert profile["login_method"] == "viisp"
    assert (profile["given_name"], profile["family_name"]) == ("JONAS", "JONAITIS")
    assert profile["profile_complete"] is False
    assert "personal_code" not in profile
    item = accounts_item(client.stack, f"user#{profile['user_id']}")
    assert item["personal_code"] == "33309240064"  # from the attribute, not sourceData's 38001010000


def test_a_second_viisp_sign_in_reaches_the_same_account_and_never_an_email_one(client, browser):
    first = browser.sign_in()
    second = browser.sign_in()
    assert first != second
    one = client.as_person(first, "GET", "/profile").json
    two = client.as_person(second, "GET", "/profile").json
    assert one["user_id"] == two["user_id"]
    email_account = client.sign_in("jonas@example.lt")["profile"]
    assert email_account["user_id"] != one["user_id"]
    assert email_account["level"] == 1


def test_names_with_lithuanian_letters_arrive_whole(client, browser):
    token = browser.sign_in(("48504140959", "Ona", "Žemaitytė"))
    assert client.as_person(token, "GET", "/profile").json["family_name"] == "ŽEMAITYTĖ"


def test_a_viisp_person_is_level_3_and_their_names_are_locked(client, browser):
    token = browser.sign_in()
    assert_error(client.as_person(token, "PATCH", "/profile", {"given_name": "Kitas"}), 403, "names_locked")
    answer = client.as_person(token, "PUT", "/profile", {"phone_number": "+37061234567"})
    assert answer.status == 200
    assert answer.json["given_name"] == "JONAS"


def test_staff_find_a_viisp_person_by_personal_code(client, browser):
    token = browser.sign_in()
    user_id = client.as_person(token, "GET", "/profile").json["user_id"]
    (found,) = client.as_staff("POST", "/staff/users/search", {"personal_code": "33309240064"}).json["users"]
    assert (found["user_id"], found["personal_code"], found["level"]) == (user_id, "33309240064", 3)


# --- the postbackUrl comes from configuration, never from the request (issue 8, item 1) ---

HOSTILE_HEADERS = {
    "Host": "evil.example",
    "X-Forwarded-Proto": "javascript:alert(document.domain)//",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Port": "8443",
    "Forwarded": "host=evil.example;proto=javascript",
}


def started_ticket(client, headers=None):
    answer = client.get("/login/viisp", headers=headers or {})
    assert answer.status == 302, answer.raw
    return parse_qs(urlsplit(answer.header("Location")).query)["ticket"][0]


def test_the_postback_url_comes_from_configuration_not_from_host_or_forwarded_headers(client, browser):
    ticket = started_ticket(client, HOSTILE_HEADERS)
    assert client.stack.viisp.tickets[ticket].postback_url == f"{ORIGIN}/login/viisp/callback"
    action, fields = browser.authenticate(ticket)
    assert action == f"{ORIGIN}/login/viisp/callback"
    assert fields["ticket"] == ticket


@pytest.mark.parametrize(
    ("public_api_url", "postback"),
    [
        ("https://api.migracija.lt/v1", "https://api.migracija.lt/v1/login/viisp/callback"),
        ("", f"{ORIGIN}/login/viisp/callback"),  # unset: the web origin (pages and API on one origin)
    ],
)
def test_the_postback_url_is_the_public_api_url_or_else_the_web_origin(make_stack, public_api_url, postback):
    stack = make_stack(PublicApiUrl=public_api_url)
    ticket = started_ticket(Client(stack), HOSTILE_HEADERS)
    assert stack.viisp.tickets[ticket].postback_url == postback


@pytest.mark.parametrize(
    "postback",
    [
        "javascript:alert(1)//evil.example/login/viisp/callback",
        "JavaScript://evil.example/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/login/viisp/callback",
        "http:/login/viisp/callback",
    ],
)
def test_the_stand_in_renders_no_form_that_posts_anywhere_but_to_an_http_url(client, postback):
    ticket = started_ticket(client)
    client.stack.viisp.tickets[ticket].postback_url = postback
    code, given, family = PERSON
    body = urlencode({"ticket": ticket, "personal_code": code, "given_name": given, "family_name": family})
    answer = client.request("POST", "/_local/viisp/authenticate", body=body, headers=FORM)
    assert answer.status == 400
    assert "<form" not in answer.raw.decode()


# --- refusals: 400 invalid_ticket, with a security log line ---


def refused(answer):
    assert_error(answer, 400, "invalid_ticket")
    assert not cookie_value(answer, "__Host-session")[0]


def test_an_unknown_ticket_is_refused(browser):
    _, _, nonce, _ = browser.start()
    refused(browser.post_back({"ticket": "00000000-0000-4000-8000-000000000000", "customData": "x"}, nonce))


def test_a_used_ticket_is_refused(browser):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    assert browser.post_back(fields, nonce).status == 303
    refused(browser.post_back(fields, nonce))


def test_an_expired_ticket_is_refused(browser, clock):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    clock.advance(900)
    refused(browser.post_back(fields, nonce))


@pytest.mark.parametrize("nonce", [None, "", "another-browsers-nonce"])
def test_a_ticket_from_another_browser_is_refused(browser, nonce):
    _, ticket, _, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    refused(browser.post_back(fields, nonce))


def test_a_mismatched_custom_data_is_refused(browser):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    refused(browser.post_back({**fields, "customData": "forged"}, nonce))


def _refusal_reason(caplog) -> str:
    (refusal,) = [r for r in caplog.records if getattr(r, "event", None) == "viisp_refused"]
    assert refusal.security is True
    return str(refusal.reason)


@pytest.mark.parametrize(
    ("faults", "reason"),
    [
        ({"unknown"}, "unknown"),
        ({"used"}, "used"),
        ({"expired"}, "expired"),
        ({"no cookie"}, "other_browser"),
        ({"another browser"}, "other_browser"),
        ({"forged state"}, "state_mismatch"),
        # More than one fault: the first in the order of the checks names it.
        ({"unknown", "no cookie"}, "unknown"),
        ({"used", "expired", "another browser", "forged state"}, "used"),
        ({"expired", "another browser", "forged state"}, "expired"),
        ({"another browser", "forged state"}, "other_browser"),
    ],
)
def test_each_refused_ticket_is_logged_with_its_reason(browser, clock, caplog, faults, reason):
    """The ticket is checked and used in one conditional write; a refusal's reason comes from the ticket as that
    write found it, in the order of the checks: unknown, used, expired, another browser, another state."""
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    if "used" in faults:
        assert browser.post_back(fields, nonce).status == 303
    if "expired" in faults:
        clock.advance(900)
    if "unknown" in faults:
        fields = {**fields, "ticket": "00000000-0000-4000-8000-000000000000"}
    if "forged state" in faults:
        fields = {**fields, "customData": "forged"}
    sent_nonce = None if "no cookie" in faults else "another-browsers-nonce" if "another browser" in faults else nonce
    caplog.clear()
    refused(browser.post_back(fields, sent_nonce))
    assert _refusal_reason(caplog) == reason


def test_a_callback_from_another_browser_does_not_use_up_the_ticket(browser):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    refused(browser.post_back(fields, "another-browsers-nonce"))
    assert browser.post_back(fields, nonce).status == 303


def test_a_refused_callback_does_not_use_up_the_ticket(browser):
    """A forged post (wrong state) must not let an attacker burn a person's ticket."""
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    refused(browser.post_back({**fields, "customData": "forged"}, nonce))
    assert browser.post_back(fields, nonce).status == 303


@pytest.mark.parametrize(
    "body",
    ["", "ticket=", "customData=x", "ticket=a&ticket=b&customData=x", "&".join(f"f{i}=1" for i in range(50))],
)
def test_a_malformed_post_is_refused(browser, body):
    _, _, nonce, _ = browser.start()
    answer = browser.client.request(
        "POST", "/login/viisp/callback", body=body, headers={**FORM, "Cookie": f"__Host-viisp={nonce}"}
    )
    refused(answer)


def test_a_json_post_is_refused(browser):
    _, ticket, nonce, _ = browser.start()
    answer = browser.client.request(
        "POST",
        "/login/viisp/callback",
        json_body={"ticket": ticket, "customData": "x"},
        headers={"Cookie": f"__Host-viisp={nonce}"},
    )
    refused(answer)


def test_an_invalid_personal_code_from_viisp_is_refused(client, browser):
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket, ("33309240164", "Jonas", "Jonaitis"))
    refused(browser.post_back(fields, nonce))
    assert accounts_item(client.stack, "personal_code#33309240164") is None


class Tamper(InProcessTransport):
    """Between the service and the stand-in: changes VIISP's answers after they were signed."""

    def __init__(self, stand_in, change):
        super().__init__(stand_in)
        self.change = change

    def post(self, url, body, headers):
        status, answer = super().post(url, body, headers)
        return status, self.change(answer)


def use_transport(stack, transport):
    stack.use_viisp_transport(transport)


def test_an_identity_not_signed_by_viisp_is_refused_and_logged(make_stack, caplog):
    stack = make_stack()
    browser = ViispBrowser(Client(stack))
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    use_transport(stack, Tamper(stack.viisp, lambda answer: answer.replace(b"33309240064", b"36805280109")))
    caplog.clear()
    refused(browser.post_back(fields, nonce))
    events = [getattr(r, "event", None) for r in caplog.records]
    assert "viisp_bad_signature" in events and "viisp_refused" in events
    assert all("33309240064" not in r.getMessage() and "36805280109" not in str(r.__dict__) for r in caplog.records)


def test_a_ticket_answer_not_signed_by_viisp_is_502_at_start(stack):
    use_transport(stack, Tamper(stack.viisp, lambda answer: re.sub(rb"[0-9a-f]{8}-", b"00000000-", answer, count=1)))
    assert_error(Client(stack).get("/login/viisp"), 502, "viisp_unavailable")


class Down:
    def __init__(self, error):
        self.error = error

    def post(self, url, body, headers):
        from migris.viisp.transport import ViispTransportError as ViispUnavailable

        raise ViispUnavailable(self.error)


def test_viisp_down_at_start_is_502(stack):
    use_transport(stack, Down("ConnectTimeoutError"))
    answer = Client(stack).get("/login/viisp")
    assert_error(answer, 502, "viisp_unavailable")
    assert not cookie_value(answer, "__Host-viisp")[0]


def test_viisp_down_at_callback_is_502(make_stack):
    stack = make_stack()
    browser = ViispBrowser(Client(stack))
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    use_transport(stack, Down("ReadTimeoutError"))
    assert_error(browser.post_back(fields, nonce), 502, "viisp_unavailable")


def test_a_callback_before_the_person_signed_in_at_viisp_is_a_fault_and_502(browser):
    """VIISP answers getAuthenticationData with a fault until the person has signed in."""
    _, ticket, nonce, _ = browser.start()
    stand_in = browser.client.stack.viisp
    state = stand_in.tickets[ticket].custom_data
    assert_error(browser.post_back({"ticket": ticket, "customData": state}, nonce), 502, "viisp_unavailable")


def test_a_broken_service_key_is_502_not_500(stack):
    stack.aws.put_secret("ViispServiceKeySecret", "not a key")
    stack.fresh_containers()
    assert_error(Client(stack).get("/login/viisp"), 502, "viisp_unavailable")


# --- the stand-in speaks the protocol ---


def test_the_stand_in_refuses_a_request_signed_with_another_key(stack):
    from cryptography.hazmat.primitives.asymmetric import rsa
    from migris.viisp.protocol import authentication_request, envelope, sign

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    message = envelope(sign(authentication_request("VSID000000000113", "https://x/cb", "s"), stranger))
    status, answer = stack.viisp.soap(message)
    assert status == 500
    assert b"invalidSignatureException" in answer


@pytest.mark.parametrize("message", [b"<not xml", b"<a/>", b'<?xml version="1.0"?><!DOCTYPE a []><a/>'])
def test_the_stand_in_refuses_what_is_not_the_protocol(stack, message):
    status, answer = stack.viisp.soap(message)
    assert status == 500
    assert b"invalidXmlException" in answer


def test_the_stand_in_answers_authentication_data_once(client, browser):
    from migris.viisp.protocol import authentication_data_request, envelope, sign

    _, ticket, _, _ = browser.start()
    browser.authenticate(ticket)
    request = envelope(sign(authentication_data_request("VSID000000000113", ticket), client.stack.viisp_service_key))
    first_status, first = client.stack.viisp.soap(request)
    assert first_status == 200 and b"lt-personal-code" in first
    again_status, again = client.stack.viisp.soap(request)
    assert again_status == 500 and b"Fault" in again


def test_the_stand_in_signs_its_answers_as_viisp_does(client, browser):
    from migris.viisp.protocol import authentication_request, envelope, parse, sign

    request = envelope(
        sign(authentication_request("VSID000000000113", "https://x/cb", "s"), client.stack.viisp_service_key)
    )
    _, answer = client.stack.viisp.soap(request)
    document = parse(answer)
    method = document.find(".//{http://www.w3.org/2000/09/xmldsig#}SignatureMethod").get("Algorithm")
    assert method == "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    assert document.find(f".//{auth('authenticationResponse')}").get("id") == "uniqueId"


def test_the_stand_in_faults_after_a_ticket_expires(client, browser, clock):
    from migris.viisp.protocol import authentication_data_request, envelope, sign

    _, ticket, _, _ = browser.start()
    browser.authenticate(ticket)
    clock.advance(client.stack.viisp.ticket_seconds)
    request = envelope(sign(authentication_data_request("VSID000000000113", ticket), client.stack.viisp_service_key))
    status, answer = client.stack.viisp.soap(request)
    assert status == 500 and b"expired" in answer


def test_the_stand_in_portal_refuses_an_unknown_or_used_ticket(client, browser):
    assert client.get("/_local/viisp/portal?ticket=nope").status == 400
    _, ticket, _, _ = browser.start()
    browser.authenticate(ticket)
    assert client.get(f"/_local/viisp/portal?ticket={ticket}").status == 400
