"""The VIISP protocol: the two signed SOAP requests, the verification of VIISP's signed answers, and reading
them. Nothing here knows HTTP handlers or tables (migris.viisp_login does the sign-in).

- Requests: `authenticationRequest` and `authenticationDataRequest` in the authentication namespace, children in
  schema order, an enveloped XML signature over `id="uniqueNodeId"` (exclusive C14N, inclusive prefix
  `authentication`, RSA-SHA256 or, when chosen, RSA-SHA1), the RSA key value in KeyInfo, Signature last, in a
  SOAP 1.1 envelope.
- Answers: parsed with no DTD, no entity expansion and no network; the signature is checked against the pinned
  VIISP key (its certificate expired in 2013 while the key still signs, so its dates are not what we trust),
  SHA1 allowed for that check only; only the element the signature covers is read (no signature wrapping)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptographyInvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidSignature, SignXMLException
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, VerifyResult, XMLVerifier

AUTH_NS = "http://www.epaslaugos.lt/services/authentication"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
AUTH_PREFIX = "authentication"
REQUEST_ID = "uniqueNodeId"

# Whoever signs in to MIGRIS: the providers that give a Lithuanian personal code, and eIDAS (an EU citizen's
# national eID, identified by an eIDAS identifier instead); what we ask of them.
PROVIDERS = (
    "auth.lt.identity.card",
    "auth.lt.bank",
    "auth.signatureProvider",
    "auth.login.pass",
    "auth.lt.government.employee.card",
    "auth.eidas",
)
ATTRIBUTES = ("lt-personal-code", "eidas-eid")
USER_INFORMATION = ("firstName", "lastName", "email", "nationality")

SigningAlgorithm = Literal["rsa-sha256", "rsa-sha1"]
_ALGORITHMS: dict[str, tuple[SignatureMethod, DigestAlgorithm]] = {
    "rsa-sha256": (SignatureMethod.RSA_SHA256, DigestAlgorithm.SHA256),
    "rsa-sha1": (SignatureMethod.RSA_SHA1, DigestAlgorithm.SHA1),
}
# What a VIISP answer may be signed with: VIISP signs with RSA-SHA1 (1024-bit key) to this day.
_ANSWER_CONFIG = SignatureConfiguration(
    require_x509=False,
    location=".//",
    signature_methods=frozenset({SignatureMethod.RSA_SHA1, SignatureMethod.RSA_SHA256}),
    digest_algorithms=frozenset({DigestAlgorithm.SHA1, DigestAlgorithm.SHA256}),
)


class ViispProtocolError(Exception):
    """A message that is not what the protocol says: malformed, unsigned, wrongly signed, or of another kind."""


class ViispFault(Exception):
    """VIISP answered with a SOAP fault."""

    def __init__(self, faultstring: str, detail: str | None) -> None:
        super().__init__(faultstring)
        self.faultstring = faultstring
        self.detail = detail


def auth(tag: str) -> str:
    return f"{{{AUTH_NS}}}{tag}"


# --- parsing, safely ---


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(data: bytes) -> etree._Element:
    """Parse a message: no DTD at all (a DOCTYPE is refused), no entity expansion, no network."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise ViispProtocolError(f"not well-formed XML: {error.msg}") from None
    if root.getroottree().docinfo.doctype:
        raise ViispProtocolError("a DOCTYPE is not allowed")
    return root


def body_of(envelope: etree._Element) -> etree._Element:
    """The one element inside the SOAP Body."""
    if envelope.tag != f"{{{SOAP_NS}}}Envelope":
        raise ViispProtocolError("not a SOAP 1.1 envelope")
    body = envelope.find(f"{{{SOAP_NS}}}Body")
    children = [] if body is None else [child for child in body if isinstance(child.tag, str)]
    if len(children) != 1:
        raise ViispProtocolError("the SOAP Body must hold exactly one element")
    return children[0]


def raise_for_fault(envelope: etree._Element) -> None:
    fault = envelope.find(f"{{{SOAP_NS}}}Body/{{{SOAP_NS}}}Fault")
    if fault is None:
        return
    faultstring = (fault.findtext("faultstring") or "").strip()
    detail = fault.find("detail")
    names = (
        [etree.QName(child).localname for child in detail if isinstance(child.tag, str)] if detail is not None else []
    )
    raise ViispFault(faultstring or "SOAP fault", names[0] if names else None)


# --- building and signing requests ---


def _request(name: str, children: Sequence[tuple[str, str]]) -> etree._Element:
    root = etree.Element(auth(name), nsmap={AUTH_PREFIX: AUTH_NS})
    root.set("id", REQUEST_ID)
    for tag, text in children:
        etree.SubElement(root, auth(tag)).text = text
    return root


def authentication_request(pid: str, postback_url: str, custom_data: str) -> etree._Element:
    """initAuthentication: children in the schema's order (pid, serviceTarget, providers, attributes, user
    information, postbackUrl, customData); the signature goes last."""
    children = [("pid", pid), ("serviceTarget", "citizen")]
    children += [("authenticationProvider", provider) for provider in PROVIDERS]
    children += [("authenticationAttribute", attribute) for attribute in ATTRIBUTES]
    children += [("userInformation", information) for information in USER_INFORMATION]
    children += [("postbackUrl", postback_url), ("customData", custom_data)]
    return _request("authenticationRequest", children)


def authentication_data_request(pid: str, ticket: str) -> etree._Element:
    """getAuthenticationData: pid, ticket, includeSourceData (as every client sends it)."""
    return _request("authenticationDataRequest", [("pid", pid), ("ticket", ticket), ("includeSourceData", "true")])


class _Signer(XMLSigner):
    """signxml refuses SHA1 by default; VIISP's own sample signs with it, so it stays selectable."""

    def check_deprecated_methods(self) -> None:
        if self.sign_alg not in {method for method, _ in _ALGORITHMS.values()}:
            super().check_deprecated_methods()  # type: ignore[no-untyped-call]


def sign(
    element: etree._Element,
    private_key: rsa.RSAPrivateKey,
    algorithm: SigningAlgorithm = "rsa-sha256",
    reference_id: str = REQUEST_ID,
) -> etree._Element:
    """An enveloped signature over the element's `id`, the RSA key value in KeyInfo, appended last."""
    if algorithm not in _ALGORITHMS:
        raise ValueError(f"unknown signing algorithm {algorithm}")
    signature_method, digest = _ALGORITHMS[algorithm]
    signer = _Signer(
        signature_algorithm=signature_method,
        digest_algorithm=digest,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed: etree._Element = signer.sign(
        element,
        key=private_key,
        reference_uri=reference_id,
        id_attribute="id",
        always_add_key_value=True,
        inclusive_ns_prefixes=[AUTH_PREFIX],
    )
    return signed


def envelope(element: etree._Element) -> bytes:
    """The element in a SOAP 1.1 envelope with an empty Header, as UTF-8 bytes."""
    soap = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
    etree.SubElement(soap, f"{{{SOAP_NS}}}Header")
    etree.SubElement(soap, f"{{{SOAP_NS}}}Body").append(element)
    data: bytes = etree.tostring(soap, xml_declaration=True, encoding="UTF-8")
    return data


# --- verifying what was signed ---


def public_key_of(certificate_pem: bytes) -> rsa.RSAPublicKey:
    """The key to pin, from a PEM certificate (its dates are not looked at) or a PEM public key."""
    key = (
        x509.load_pem_x509_certificate(certificate_pem).public_key()
        if b"BEGIN CERTIFICATE" in certificate_pem
        else serialization.load_pem_public_key(certificate_pem)
    )
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("the pinned key must be an RSA key")
    return key


def verified_element(message: bytes | etree._Element, pinned: rsa.RSAPublicKey, expected: str) -> etree._Element:
    """The element the signature covers, if it is signed by the pinned key and is an `expected` element.

    Everything outside the signed element (siblings, wrappers, other copies) is never returned, so a second,
    unsigned element placed beside or around the signed one is never the one read."""
    root = parse(message) if isinstance(message, bytes) else message
    try:
        result = XMLVerifier().verify(root, expect_config=_ANSWER_CONFIG, validate_schema=False, id_attribute="id")
        if not isinstance(result, VerifyResult):
            raise InvalidSignature("expected exactly one reference")
    except (SignXMLException, CryptographyInvalidSignature, ValueError) as error:
        raise ViispProtocolError(f"signature not valid: {type(error).__name__} {error}") from None
    used = serialization.load_pem_public_key(result.signature_key)
    if not isinstance(used, rsa.RSAPublicKey) or used.public_numbers() != pinned.public_numbers():
        raise ViispProtocolError("signed with a key that is not the pinned one")
    signed = result.signed_xml
    if signed is None or signed.tag != auth(expected):
        raise ViispProtocolError(f"the signed element is not {expected}")
    return signed


# --- reading the answers ---


def read_ticket(response: etree._Element) -> str:
    ticket = (response.findtext(auth("ticket")) or "").strip()
    if not ticket:
        raise ViispProtocolError("no ticket in the authenticationResponse")
    return ticket


@dataclass(frozen=True)
class ViispIdentity:
    personal_code: str | None
    given_name: str | None
    family_name: str | None
    email: str | None
    custom_data: str | None
    provider: str | None
    eidas_eid: str | None = None
    nationality: str | None = None


def read_identity(response: etree._Element) -> ViispIdentity:
    """Who signed in, from an authenticationDataResponse: the personal code only from the
    `lt-personal-code` authentication attribute and the eIDAS identifier only from `eidas-eid` (never
    sourceData), names, e-mail and nationality from userInformation."""
    attributes: dict[str, str] = {}
    for pair in response.findall(auth("authenticationAttribute")):
        name = (pair.findtext(auth("attribute")) or "").strip()
        value = (pair.findtext(auth("value")) or "").strip()
        if name and value and name not in attributes:
            attributes[name] = value
    information: dict[str, str] = {}
    for pair in response.findall(auth("userInformation")):
        name = (pair.findtext(auth("information")) or "").strip()
        value = (pair.findtext(f"{auth('value')}/{auth('stringValue')}") or "").strip()
        if name and value and name not in information:
            information[name] = value
    return ViispIdentity(
        personal_code=attributes.get("lt-personal-code"),
        given_name=information.get("firstName"),
        family_name=information.get("lastName"),
        email=information.get("email"),
        custom_data=(response.findtext(auth("customData")) or None),
        provider=(response.findtext(auth("authenticationProvider")) or None),
        eidas_eid=attributes.get("eidas-eid"),
        nationality=information.get("nationality"),
    )
