"""The VIISP protocol on real VIISP data (../shared/fixtures/viisp/) and on our own signed messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree
from migris.viisp.protocol import (
    AUTH_NS,
    DS_NS,
    ViispFault,
    ViispProtocolError,
    auth,
    authentication_data_request,
    authentication_request,
    body_of,
    envelope,
    parse,
    public_key_of,
    raise_for_fault,
    read_identity,
    read_ticket,
    sign,
    verified_element,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "viisp"  # a copy of ../shared/fixtures/viisp
GENUINE_TICKET = "dfa1339f-46b6-457d-a21d-2d7680389bfd"


@pytest.fixture(scope="module")
def ticket_response() -> bytes:
    return (FIXTURES / "ticket-response.signed.xml").read_bytes()


@pytest.fixture(scope="module")
def viisp_key() -> rsa.RSAPublicKey:
    return public_key_of((FIXTURES / "epaslaugos_ident.crt").read_bytes())


@pytest.fixture(scope="module")
def our_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# --- point 4: the genuine VIISP response ---


def test_the_genuine_ticket_response_verifies_against_the_pinned_viisp_certificate(ticket_response, viisp_key):
    signed = verified_element(ticket_response, viisp_key, "authenticationResponse")
    assert read_ticket(signed) == GENUINE_TICKET


def test_the_genuine_response_fails_against_any_other_key(ticket_response, our_key):
    with pytest.raises(ViispProtocolError, match="not the pinned one"):
        verified_element(ticket_response, our_key.public_key(), "authenticationResponse")


def _signed_region(data: bytes) -> tuple[int, int]:
    """The authenticationResponse element, less its Signature."""
    start = data.index(b"<authentication:authenticationResponse")
    end = data.index(b"<Signature")
    return start, end


def _signed_positions(data: bytes) -> list[int]:
    """Every character the signature covers: the element's name, its id and the namespace it uses, and the
    ticket. Exclusive C14N leaves out the declarations the element does not use (xmlns:dsig, ns3, ns4), so
    those are not signed content."""
    start, end = _signed_region(data)
    unused_from = data.index(b" xmlns:dsig", start)
    ticket_from = data.index(b"<authentication:ticket>", start)
    return [*range(start, unused_from), *range(ticket_from, end)]


def _flip(data: bytes, position: int) -> bytes:
    char = data[position : position + 1]
    replacement = b"0" if char != b"0" else b"1"
    if char.isalpha():
        replacement = char.swapcase() if char.swapcase() != char else b"x"
    return data[:position] + replacement + data[position + 1 :]


def test_changing_any_character_of_the_signed_content_fails(ticket_response, viisp_key):
    checked = 0
    for position in _signed_positions(ticket_response):
        if ticket_response[position : position + 1] in b'<>/=": ':
            continue  # changing syntax makes the XML malformed or moves an attribute: refused another way
        tampered = _flip(ticket_response, position)
        with pytest.raises(ViispProtocolError):
            verified_element(tampered, viisp_key, "authenticationResponse")
        checked += 1
    assert checked > 100


def test_changing_the_signature_value_or_digest_fails(ticket_response, viisp_key):
    for marker in (b"<SignatureValue>CJ9I", b"<DigestValue>BIu6"):
        position = ticket_response.index(marker) + len(marker) - 1
        with pytest.raises(ViispProtocolError):
            verified_element(_flip(ticket_response, position), viisp_key, "authenticationResponse")


def test_skipping_verification_would_read_a_forged_ticket(ticket_response, viisp_key):
    """The forged message parses and holds a ticket: only the signature check tells it apart."""
    forged = ticket_response.replace(GENUINE_TICKET.encode(), b"00000000-0000-4000-8000-000000000000")
    assert read_ticket(body_of(parse(forged))) == "00000000-0000-4000-8000-000000000000"
    with pytest.raises(ViispProtocolError):
        verified_element(forged, viisp_key, "authenticationResponse")


EVIL = (
    b'<authentication:authenticationResponse xmlns:authentication="http://www.epaslaugos.lt/services/authentication"'
    b' id="evil"><authentication:ticket>00000000-0000-4000-8000-0000000000ee</authentication:ticket>'
    b"</authentication:authenticationResponse>"
)


@pytest.mark.parametrize("place", ["before", "after"])
def test_an_unsigned_response_beside_the_signed_one_is_never_read(ticket_response, viisp_key, place):
    body_start = ticket_response.index(b"<soap:Body>") + len(b"<soap:Body>")
    body_end = ticket_response.index(b"</soap:Body>")
    inserted = (
        ticket_response[:body_start] + EVIL + ticket_response[body_start:]
        if place == "before"
        else ticket_response[:body_end] + EVIL + ticket_response[body_end:]
    )
    signed = verified_element(inserted, viisp_key, "authenticationResponse")
    assert read_ticket(signed) == GENUINE_TICKET


def test_an_unsigned_response_wrapped_around_the_signed_one_is_never_read(ticket_response, viisp_key):
    start, _ = _signed_region(ticket_response)
    end = ticket_response.index(b"</soap:Body>")
    wrapped = (
        ticket_response[:start]
        + EVIL.replace(b"</authentication:authenticationResponse>", b"")
        + ticket_response[start:end]
        + b"</authentication:authenticationResponse>"
        + ticket_response[end:]
    )
    assert read_ticket(body_of(parse(wrapped))) != GENUINE_TICKET  # a naive reader takes the wrapper's
    signed = verified_element(wrapped, viisp_key, "authenticationResponse")
    assert read_ticket(signed) == GENUINE_TICKET


def test_a_copy_claiming_the_signed_id_does_not_pass(ticket_response, viisp_key):
    body_start = ticket_response.index(b"<soap:Body>") + len(b"<soap:Body>")
    impostor = EVIL.replace(b'id="evil"', b'id="uniqueId"')
    inserted = ticket_response[:body_start] + impostor + ticket_response[body_start:]
    try:
        signed = verified_element(inserted, viisp_key, "authenticationResponse")
    except ViispProtocolError:
        return
    assert read_ticket(signed) == GENUINE_TICKET


def test_the_identity_response_parses_with_empty_values_upper_case_names_and_character_references():
    data = (FIXTURES / "identity-response.unsigned.xml").read_bytes()
    data = data.replace(b"PAVARDENIS", b"RUNKEVI&#x10c;IUS").replace(b"XXXXXXXXXXX", b"33309240064")
    identity = read_identity(body_of(parse(data)))
    assert identity.personal_code == "33309240064"
    assert (identity.given_name, identity.family_name) == ("VARDENIS", "RUNKEVIČIUS")
    assert identity.email is None
    assert identity.custom_data == "correlation-123"
    assert identity.provider == "auth.lt.bank"


def test_the_personal_code_never_comes_from_source_data():
    data = (FIXTURES / "identity-response.unsigned.xml").read_bytes()
    without_attribute = re.sub(
        rb"<authentication:authenticationAttribute>.*?</authentication:authenticationAttribute>", b"", data, flags=re.S
    )
    assert b"VK_USER" in without_attribute
    assert read_identity(body_of(parse(without_attribute))).personal_code is None


def eidas_response(attribute: bytes, source_data: bytes = b"") -> bytes:
    """The fixture as an eIDAS sign-in answers: the eidas-eid attribute instead of the personal code, the
    nationality among the user information, and whatever sourceData says."""
    data = (FIXTURES / "identity-response.unsigned.xml").read_bytes()
    data = re.sub(
        rb"<authentication:authenticationAttribute>.*?</authentication:authenticationAttribute>",
        attribute,
        data,
        flags=re.S,
    )
    nationality = (
        b"<authentication:userInformation><authentication:information>nationality</authentication:information>"
        b"<authentication:value><authentication:stringValue>DE</authentication:stringValue></authentication:value>"
        b"</authentication:userInformation><authentication:customData>"
    )
    data = data.replace(b"<authentication:customData>", nationality)
    return data.replace(b"</authentication:sourceData>", source_data + b"</authentication:sourceData>")


def test_an_eidas_identity_is_read_from_the_signed_eidas_eid_attribute():
    attribute = (
        b"<authentication:authenticationAttribute><authentication:attribute>eidas-eid</authentication:attribute>"
        b"<authentication:value>DE/LT/7d3f9a2c41b84e0f</authentication:value></authentication:authenticationAttribute>"
    )
    identity = read_identity(body_of(parse(eidas_response(attribute))))
    assert (identity.eidas_eid, identity.nationality, identity.personal_code) == ("DE/LT/7d3f9a2c41b84e0f", "DE", None)


def test_an_eidas_identifier_never_comes_from_source_data():
    source = b'<authentication:parameter name="eidas-eid">FR/LT/forged</authentication:parameter>'
    identity = read_identity(body_of(parse(eidas_response(b"", source))))
    assert identity.eidas_eid is None and identity.personal_code is None


def test_the_unsigned_identity_fixture_is_refused_as_unsigned(viisp_key):
    data = (FIXTURES / "identity-response.unsigned.xml").read_bytes()
    with pytest.raises(ViispProtocolError):
        verified_element(data, viisp_key, "authenticationDataResponse")


# --- safe parsing ---


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><r>&b;</r>',
        b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r/>',
    ],
)
def test_dtds_and_entities_are_refused(payload):
    with pytest.raises(ViispProtocolError, match=r"DOCTYPE|well-formed"):
        parse(payload)


def test_malformed_xml_is_a_protocol_error():
    with pytest.raises(ViispProtocolError):
        parse(b"<soap:Envelope")


# --- our requests ---


def test_the_authentication_request_has_its_children_in_schema_order_and_the_signature_last(our_key):
    signed = sign(authentication_request("VSID000000000113", "https://x.example/cb", "state-1"), our_key)
    names = [etree.QName(child).localname for child in signed]
    assert names[:2] == ["pid", "serviceTarget"]
    order = ["pid", "serviceTarget", "authenticationProvider", "authenticationAttribute", "userInformation"]
    order += ["postbackUrl", "customData", "Signature"]
    assert [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n] == order
    assert signed.get("id") == "uniqueNodeId"
    assert signed.findtext(auth("serviceTarget")) == "citizen"
    assert [e.text for e in signed.findall(auth("authenticationAttribute"))] == ["lt-personal-code", "eidas-eid"]
    # EU citizens come through eIDAS: its provider, and their nationality among the user information.
    assert "auth.eidas" in [e.text for e in signed.findall(auth("authenticationProvider"))]
    assert "nationality" in [e.text for e in signed.findall(auth("userInformation"))]
    signature = signed[-1]
    assert signature.tag == f"{{{DS_NS}}}Signature"
    assert signature.find(f".//{{{DS_NS}}}RSAKeyValue") is not None
    inclusive = signature.find(".//{http://www.w3.org/2001/10/xml-exc-c14n#}InclusiveNamespaces")
    assert inclusive.get("PrefixList") == "authentication"
    assert signature.find(f".//{{{DS_NS}}}Reference").get("URI") == "#uniqueNodeId"


@pytest.mark.parametrize(
    ("algorithm", "uri"),
    [
        ("rsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
        ("rsa-sha1", "http://www.w3.org/2000/09/xmldsig#rsa-sha1"),
    ],
)
def test_requests_sign_with_the_chosen_algorithm_and_verify_with_the_signers_key(our_key, algorithm, uri):
    signed = sign(authentication_data_request("VSID000000000113", GENUINE_TICKET), our_key, algorithm)
    assert signed.find(f".//{{{DS_NS}}}SignatureMethod").get("Algorithm") == uri
    assert [etree.QName(c).localname for c in signed][:3] == ["pid", "ticket", "includeSourceData"]
    message = envelope(signed)
    assert message.startswith(b"<?xml")
    checked = verified_element(message, our_key.public_key(), "authenticationDataRequest")
    assert checked.findtext(auth("ticket")) == GENUINE_TICKET


def test_a_verified_element_of_another_kind_is_refused(our_key):
    message = envelope(sign(authentication_data_request("VSID000000000113", GENUINE_TICKET), our_key))
    with pytest.raises(ViispProtocolError, match="not authenticationResponse"):
        verified_element(message, our_key.public_key(), "authenticationResponse")


def test_a_soap_fault_is_read_with_its_detail():
    fault = (
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>'
        b"<faultcode>soap:Client</faultcode><faultstring>Invalid signature</faultstring><detail>"
        b'<a:invalidSignatureException xmlns:a="' + AUTH_NS.encode() + b'"/></detail>'
        b"</soap:Fault></soap:Body></soap:Envelope>"
    )
    with pytest.raises(ViispFault) as raised:
        raise_for_fault(parse(fault))
    assert (raised.value.faultstring, raised.value.detail) == ("Invalid signature", "invalidSignatureException")
