"""A local VIISP: the same SOAP messages on one endpoint, and the portal page a person signs in on.

- `POST /_local/viisp/auth`: SOAP dispatched on the Body's root element. Each request's signature is checked
  against the service's key; a bad one is an `invalidSignatureException` fault, a message that is not the
  protocol's an `invalidXmlException` fault. `authenticationRequest` gets a UUID ticket in an
  `authenticationResponse` signed with this stand-in's own key (RSA-SHA1 over `id="uniqueId"`, as VIISP signs);
  `authenticationDataRequest` gets the identity once per authenticated ticket, and a fault before
  authentication, on reuse and after expiry.
- `GET /_local/viisp/portal?ticket=…`: the sign-in page: pick a test person or type one.
- `POST /_local/viisp/authenticate` (`ticket`, `personal_code`, `given_name`, `family_name`; or, for an EU
  citizen through eIDAS, `eidas_eid` and `nationality` instead of `personal_code`): answers with the form that
  posts `ticket` and `customData` to the request's `postbackUrl`, and submits itself.

Typed personal codes need 11 digits but not a valid control digit, so a tester can watch the service refuse
one; a typed eIDAS identifier is passed on as typed. Non-ASCII letters in names go out as numeric character
references, as VIISP sends them."""

from __future__ import annotations

import datetime
import functools
import html
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from migris.clock import Clock
from migris.viisp.protocol import (
    AUTH_NS,
    AUTH_PREFIX,
    SOAP_NS,
    ViispProtocolError,
    auth,
    body_of,
    parse,
    sign,
    verified_element,
)

from devserver.apigw import HttpRequest, HttpResponse

RESPONSE_ID = "uniqueId"
TEST_PEOPLE = (
    ("33309240064", "JONAS", "JONAITIS"),
    ("48504140959", "ONA", "ŽEMAITYTĖ"),
    ("36805280109", "ŽYDRŪNAS", "ČEPONIS"),
    ("61205010081", "AUŠRA", "PETRAITIENĖ"),
)
# EU citizens whose national eID reaches VIISP through eIDAS: identifier (issuing/receiving country/own id),
# names as their eID gives them, nationality.
TEST_EIDAS_PEOPLE = (
    ("DE/LT/7d3f9a2c41b84e0f", "ERIKA", "MUSTERMANN", "DE"),
    ("PL/LT/PNOPL-90010112345", "ŁUKASZ", "WIŚNIEWSKI", "PL"),
    ("SK/LT/8501015555", "ZUZANA", "KOVÁČOVÁ", "SK"),
    ("RO/LT/1850101123456", "ANDREEA", "POPESCU", "RO"),
)
FAKE_SOURCE_CODE = "38001010000"  # in sourceData only: the service must never read the code from there


@dataclass(frozen=True)
class StandInPerson:
    """Who signed in on the stand-in's page: a personal code, or an eIDAS identifier with a nationality."""

    given_name: str
    family_name: str
    personal_code: str | None = None
    eidas_eid: str | None = None
    nationality: str | None = None


@dataclass
class StandInTicket:
    postback_url: str
    custom_data: str
    pid: str
    issued_at: float
    person: StandInPerson | None = None
    consumed: bool = False


class _Fault(Exception):
    def __init__(self, code: str, message: str, detail: str | None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


@functools.cache
def local_rsa_key(purpose: str) -> rsa.RSAPrivateKey:
    """An RSA key made once per process for `purpose` (a server makes each once; tests start many stacks)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _self_signed(key: rsa.RSAPrivateKey, common_name: str) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


class ViispStandIn:
    def __init__(
        self,
        service_key: rsa.RSAPublicKey,
        pid: str,
        ticket_seconds: int,
        clock: Clock | None = None,
    ) -> None:
        self.service_key = service_key
        self.pid = pid
        self.ticket_seconds = ticket_seconds
        self._clock = clock
        self.key = local_rsa_key("viisp-stand-in")
        self.certificate_pem = _self_signed(self.key, "VIISP stand-in (migris local stack)")
        self.tickets: dict[str, StandInTicket] = {}
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._clock.now() if self._clock else time.time()

    # --- HTTP ---

    def handle(self, request: HttpRequest) -> HttpResponse:
        route = (request.method, request.path)
        if route == ("POST", "/_local/viisp/auth"):
            status, body = self.soap(request.body)
            return HttpResponse(status, [("Content-Type", "text/xml; charset=utf-8")], body)
        if route == ("GET", "/_local/viisp/portal"):
            ticket = (request.query.get("ticket") or [""])[-1]
            return self._page(*self.portal(ticket))
        if route == ("POST", "/_local/viisp/authenticate"):
            try:
                form = parse_qs(request.body.decode("utf-8"), max_num_fields=20)
            except (UnicodeDecodeError, ValueError):
                form = {}
            fields = {name: (values[-1] if values else "") for name, values in form.items()}
            return self._page(*self.authenticate(fields))
        return self._page(404, "<p>No such VIISP page.</p>")

    @staticmethod
    def _page(status: int, content: str) -> HttpResponse:
        page = (
            '<!doctype html><html lang="lt"><head><meta charset="utf-8"><title>VIISP (local stand-in)</title>'
            "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}form{margin:1em 0}</style>"
            f"</head><body>{content}</body></html>"
        )
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
        return HttpResponse(status, headers, page.encode())

    # --- SOAP ---

    def soap(self, body: bytes) -> tuple[int, bytes]:
        try:
            return 200, self._answer(body)
        except _Fault as fault:
            return 500, self._fault(fault)

    def _answer(self, body: bytes) -> bytes:
        try:
            request = body_of(parse(body))
        except ViispProtocolError as error:
            raise _Fault("soap:Client", f"Invalid XML: {error}", "invalidXmlException") from None
        name = etree.QName(request).localname
        if etree.QName(request).namespace != AUTH_NS or name not in {
            "authenticationRequest",
            "authenticationDataRequest",
        }:
            raise _Fault("soap:Client", f"Unknown operation {name}", "invalidXmlException")
        try:
            signed = verified_element(request, self.service_key, name)
        except ViispProtocolError as error:
            raise _Fault("soap:Client", f"Invalid signature: {error}", "invalidSignatureException") from None
        if (signed.findtext(auth("pid")) or "") != self.pid:
            raise _Fault("soap:Client", "Unknown pid", "invalidXmlException")
        if name == "authenticationRequest":
            return self._ticket_for(signed)
        return self._identity_for(signed)

    def _ticket_for(self, request: etree._Element) -> bytes:
        postback = (request.findtext(auth("postbackUrl")) or "").strip()
        if not postback:
            raise _Fault("soap:Client", "postbackUrl is required", "invalidXmlException")
        ticket = str(uuid.uuid4())
        with self._lock:
            self.tickets[ticket] = StandInTicket(
                postback_url=postback,
                custom_data=request.findtext(auth("customData")) or "",
                pid=self.pid,
                issued_at=self.now(),
            )
        response = self._response("authenticationResponse")
        etree.SubElement(response, auth("ticket")).text = ticket
        return self._signed(response)

    def _identity_for(self, request: etree._Element) -> bytes:
        ticket_id = (request.findtext(auth("ticket")) or "").strip()
        with self._lock:
            ticket = self.tickets.get(ticket_id)
            if ticket is None:
                raise _Fault("soap:Server", "Ticket not found", None)
            if self.now() >= ticket.issued_at + self.ticket_seconds:
                raise _Fault("soap:Server", "Ticket expired", None)
            if ticket.person is None:
                raise _Fault("soap:Server", "User is not authenticated", None)
            if ticket.consumed:
                raise _Fault("soap:Server", "Authentication data already fetched", None)
            ticket.consumed = True
            person = ticket.person
        response = self._response("authenticationDataResponse")
        provider = "auth.eidas" if person.eidas_eid else "auth.lt.identity.card"
        etree.SubElement(response, auth("authenticationProvider")).text = provider
        attribute = etree.SubElement(response, auth("authenticationAttribute"))
        if person.eidas_eid:
            etree.SubElement(attribute, auth("attribute")).text = "eidas-eid"
            etree.SubElement(attribute, auth("value")).text = person.eidas_eid
        else:
            etree.SubElement(attribute, auth("attribute")).text = "lt-personal-code"
            etree.SubElement(attribute, auth("value")).text = person.personal_code
        informations = [("firstName", person.given_name), ("lastName", person.family_name), ("email", "")]
        if person.nationality:
            informations.append(("nationality", person.nationality))
        for information, value in informations:
            pair = etree.SubElement(response, auth("userInformation"))
            etree.SubElement(pair, auth("information")).text = information
            holder = etree.SubElement(pair, auth("value"))
            if value:
                etree.SubElement(holder, auth("stringValue")).text = value
        etree.SubElement(response, auth("customData")).text = ticket.custom_data
        source = etree.SubElement(response, auth("sourceData"))
        etree.SubElement(source, auth("type")).text = "SAML"
        parameter = etree.SubElement(source, auth("parameter"), name="VK_USER")
        parameter.text = FAKE_SOURCE_CODE
        return self._signed(response)

    @staticmethod
    def _response(name: str) -> etree._Element:
        element = etree.Element(auth(name), nsmap={AUTH_PREFIX: AUTH_NS})
        element.set("id", RESPONSE_ID)
        return element

    def _signed(self, response: etree._Element) -> bytes:
        signed = sign(response, self.key, "rsa-sha1", reference_id=RESPONSE_ID)
        envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
        etree.SubElement(envelope, f"{{{SOAP_NS}}}Header")
        etree.SubElement(envelope, f"{{{SOAP_NS}}}Body").append(signed)
        # ASCII with character references for other letters, as VIISP sends names (e.g. &#x10c;).
        data: bytes = etree.tostring(envelope, xml_declaration=True, encoding="US-ASCII")
        return data

    @staticmethod
    def _fault(fault: _Fault) -> bytes:
        envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
        body = etree.SubElement(envelope, f"{{{SOAP_NS}}}Body")
        element = etree.SubElement(body, f"{{{SOAP_NS}}}Fault")
        etree.SubElement(element, "faultcode").text = fault.code
        etree.SubElement(element, "faultstring").text = fault.message
        if fault.detail:
            detail = etree.SubElement(element, "detail")
            etree.SubElement(detail, auth(fault.detail), nsmap={AUTH_PREFIX: AUTH_NS})
        data: bytes = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
        return data

    # --- the portal ---

    def _live(self, ticket_id: str) -> StandInTicket | None:
        ticket = self.tickets.get(ticket_id)
        if ticket is None or ticket.person is not None or self.now() >= ticket.issued_at + self.ticket_seconds:
            return None
        return ticket

    def portal(self, ticket_id: str) -> tuple[int, str]:
        with self._lock:
            ticket = self._live(ticket_id)
        if ticket is None:
            return (
                400,
                "<h1>VIISP</h1><p>Šis bilietas negalioja. / This ticket is not valid (unknown, used or expired).</p>",
            )
        safe_ticket = html.escape(ticket_id)
        people = "".join(
            '<form method="post" action="/_local/viisp/authenticate">'
            f'<input type="hidden" name="ticket" value="{safe_ticket}">'
            f'<input type="hidden" name="personal_code" value="{code}">'
            f'<input type="hidden" name="given_name" value="{html.escape(given)}">'
            f'<input type="hidden" name="family_name" value="{html.escape(family)}">'
            f'<button type="submit">{html.escape(given)} {html.escape(family)} ({code})</button></form>'
            for code, given, family in TEST_PEOPLE
        )
        eidas_people = "".join(
            '<form method="post" action="/_local/viisp/authenticate">'
            f'<input type="hidden" name="ticket" value="{safe_ticket}">'
            f'<input type="hidden" name="eidas_eid" value="{html.escape(eid)}">'
            f'<input type="hidden" name="nationality" value="{nationality}">'
            f'<input type="hidden" name="given_name" value="{html.escape(given)}">'
            f'<input type="hidden" name="family_name" value="{html.escape(family)}">'
            f'<button type="submit">eIDAS: {html.escape(given)} {html.escape(family)} ({html.escape(eid)})</button>'
            "</form>"
            for eid, given, family, nationality in TEST_EIDAS_PEOPLE
        )
        typed = (
            '<form method="post" action="/_local/viisp/authenticate">'
            f'<input type="hidden" name="ticket" value="{safe_ticket}">'
            '<label>Asmens kodas / Personal code <input name="personal_code" required pattern="[0-9]{11}"></label><br>'
            '<label>Vardas / Given name <input name="given_name" required></label><br>'
            '<label>Pavardė / Family name <input name="family_name" required></label><br>'
            '<button type="submit">Prisijungti / Sign in</button></form>'
        )
        content = (
            "<h1>VIISP (vietinis pakaitalas / local stand-in)</h1>"
            "<p>Pasirinkite asmenį / Pick a test person:</p>"
            f"{people}<h2>ES piliečiai per eIDAS / EU citizens through eIDAS</h2>{eidas_people}"
            f"<h2>Kitas asmuo / Someone else</h2>{typed}"
        )
        return 200, content

    def authenticate(self, fields: dict[str, Any]) -> tuple[int, str]:
        ticket_id = str(fields.get("ticket", ""))
        code = str(fields.get("personal_code", "")).strip()
        eidas_eid = str(fields.get("eidas_eid", "")).strip()
        nationality = str(fields.get("nationality", "")).strip().upper()
        given = " ".join(str(fields.get("given_name", "")).split()).upper()
        family = " ".join(str(fields.get("family_name", "")).split()).upper()
        if eidas_eid:
            if not eidas_eid.isprintable() or len(eidas_eid) > 1000 or not given or not family:
                return 422, "<p>Įveskite eIDAS identifikatorių, vardą ir pavardę. / Enter an eIDAS id and names.</p>"
            person = StandInPerson(given, family, eidas_eid=eidas_eid, nationality=nationality or None)
        elif not (len(code) == 11 and code.isascii() and code.isdigit()) or not given or not family:
            return (
                422,
                "<p>Įveskite 11 skaitmenų asmens kodą, vardą ir pavardę. / Enter an 11-digit code and names.</p>",
            )
        else:
            person = StandInPerson(given, family, personal_code=code)
        with self._lock:
            ticket = self._live(ticket_id)
            if ticket is None:
                return 400, "<p>Šis bilietas negalioja. / This ticket is not valid (unknown, used or expired).</p>"
            ticket.person = person
            postback, custom_data = ticket.postback_url, ticket.custom_data
        if not _is_web_url(postback):
            # Never a javascript: or data: form action, whatever the service asked for (defence in depth).
            return 400, "<p>Grąžinimo adresas netinkamas. / The service's postbackUrl is not an http(s) URL.</p>"
        return 200, (
            f'<form method="post" action="{html.escape(postback)}">'
            f'<input type="hidden" name="ticket" value="{html.escape(ticket_id)}">'
            f'<input type="hidden" name="customData" value="{html.escape(custom_data)}">'
            '<noscript><button type="submit">Tęsti / Continue</button></noscript></form>'
            "<script>document.forms[0].submit()</script>"
        )


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https"} and bool(parts.hostname) and url.isprintable() and url.isascii()
    except ValueError:
        return False


class InProcessTransport:
    """The stand-in reached without a socket (tests drive the local stack's dispatch directly)."""

    def __init__(self, stand_in: ViispStandIn) -> None:
        self._stand_in = stand_in

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        return self._stand_in.soap(body)
