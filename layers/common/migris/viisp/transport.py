"""Talking to VIISP: one SOAP endpoint for both operations, over urllib3 with connect and read timeouts and
bounded retries. A timeout, a connection failure, an HTTP error or a SOAP fault is ViispTransportError (its
reason says which, for the logs); a bad signature on an answer is ViispProtocolError. The caller (the VIISP
sign-in's rules) decides what either means for the person: nothing here knows about HTTP answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, cast
from urllib.parse import urlsplit

import urllib3
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from migris.config import origin_of
from migris.viisp.protocol import (
    SigningAlgorithm,
    ViispFault,
    ViispIdentity,
    ViispProtocolError,
    authentication_data_request,
    authentication_request,
    envelope,
    parse,
    public_key_of,
    raise_for_fault,
    read_identity,
    read_ticket,
    sign,
    verified_element,
)

# The whole wait for VIISP must end well inside the function's timeout (template.yaml: 10 s), so that a slow or
# silent VIISP is answered 502 viisp_unavailable by us, not API Gateway's bare 502 by a killed function:
# worst_wait_seconds() is at most 7.5 s, and a test holds it under the template's timeout with 2 s to spare.
CONNECT_TIMEOUT_SECONDS = 1.0  # per attempt: a TCP and TLS handshake to VIISP takes a fraction of that
CONNECT_RETRIES = 2  # only connection failures are retried: such a request never reached VIISP
BACKOFF_FACTOR = 0.1
READ_TIMEOUT_SECONDS = 4.0  # VIISP answers its SOAP calls in well under a second
SOAP_HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
MAX_ANSWER_BYTES = 1024 * 1024


class ViispTransportError(Exception):
    """No usable answer from VIISP: a timeout, a connection failure, an HTTP error or a SOAP fault."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SoapTransport(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """The answer's status and body; ViispTransportError when no answer came."""
        ...


class Urllib3Transport:
    """POST with timeouts; retries only where a request cannot have reached VIISP (connect errors), because a
    ticket's identity can be fetched once."""

    def __init__(
        self, connect_timeout: float = CONNECT_TIMEOUT_SECONDS, read_timeout: float = READ_TIMEOUT_SECONDS
    ) -> None:
        self._pool = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
            retries=urllib3.Retry(
                total=CONNECT_RETRIES,
                connect=CONNECT_RETRIES,
                read=0,
                status=0,
                other=0,
                backoff_factor=BACKOFF_FACTOR,
            ),
        )

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        try:
            response = self._pool.request("POST", url, body=body, headers=headers, preload_content=False)
            try:
                data = response.read(MAX_ANSWER_BYTES + 1)
            finally:
                response.release_conn()
        except urllib3.exceptions.HTTPError as error:
            raise ViispTransportError(type(error).__name__) from None
        if len(data) > MAX_ANSWER_BYTES:
            raise ViispTransportError("answer_too_large")
        return response.status, data


def worst_wait_seconds(
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS, read_timeout: float = READ_TIMEOUT_SECONDS
) -> float:
    """The longest one call to VIISP can wait: every connection attempt timing out but the last, the pauses
    between them (urllib3 doubles them; counted from the first retry on, more than it sleeps), then the read."""
    pauses = sum(BACKOFF_FACTOR * 2.0**attempt for attempt in range(CONNECT_RETRIES))
    return (CONNECT_RETRIES + 1) * connect_timeout + pauses + read_timeout


@dataclass(frozen=True)
class ViispConfig:
    pid: str
    soap_endpoint: str
    portal_url: str
    signature_algorithm: SigningAlgorithm
    service_key: rsa.RSAPrivateKey
    viisp_key: rsa.RSAPublicKey  # pinned

    @property
    def portal_origin(self) -> str:
        """The origin of VIISP's sign-in page: its form posts our callback, so that is the request's Origin."""
        return origin_of(self.portal_url)


@lru_cache(maxsize=4)
def _service_key(pem: bytes) -> rsa.RSAPrivateKey:
    """The parsed service key, kept per PEM (the configuration is read again every few minutes; a rotated key is
    new bytes, so it is parsed anew). A damaged key must fail here, not as signatures VIISP refuses: instead of
    cryptography's full RSA checks (primality tests, about 35 ms of every VIISP cold start) the key signs a
    probe that its own public half must verify, which any inconsistent key fails, in about a millisecond. The
    key is our own secret, not input: the checks guard against damage, not against a crafted key."""
    key = serialization.load_pem_private_key(pem, password=None, unsafe_skip_rsa_key_validation=True)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the service key is not an RSA key")
    probe = b"migris service key self-check"
    try:
        key.public_key().verify(
            key.sign(probe, padding.PKCS1v15(), hashes.SHA256()), probe, padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature:
        raise ValueError("the service key is damaged: its signature does not verify") from None
    return key


def config_from(values: Mapping[str, Any], service_key_pem: bytes) -> ViispConfig:
    """The configuration from the SSM values under the VIISP path and the service's PEM key; ValueError or
    KeyError when something is missing or broken."""
    service_key = _service_key(service_key_pem)
    algorithm = str(values.get("signature-algorithm") or "rsa-sha256")
    if algorithm not in ("rsa-sha256", "rsa-sha1"):
        raise ValueError(f"unknown signature algorithm {algorithm}")
    config = ViispConfig(
        pid=str(values["pid"]),
        soap_endpoint=str(values["soap-endpoint"]),
        portal_url=str(values["portal-url"]),
        signature_algorithm=cast(SigningAlgorithm, algorithm),
        service_key=service_key,
        viisp_key=public_key_of(str(values["certificate"]).encode()),
    )
    portal = urlsplit(config.portal_url)
    # (Reading .port raises ValueError for a port that is no port: here, not in a callback.)
    if portal.scheme not in ("https", "http") or not portal.hostname or portal.port == 0:
        raise ValueError("the portal URL is not an http(s) URL with a host")
    return config


class ViispClient:
    def __init__(self, config: ViispConfig, transport: SoapTransport) -> None:
        self.config = config
        self._transport = transport

    def init_authentication(self, postback_url: str, custom_data: str) -> str:
        """A fresh ticket for a sign-in that comes back to `postback_url` with `custom_data`."""
        request = authentication_request(self.config.pid, postback_url, custom_data)
        return read_ticket(self._call(request, "authenticationResponse"))

    def authentication_data(self, ticket: str) -> ViispIdentity:
        """Who signed in with this ticket (VIISP answers this once per ticket)."""
        request = authentication_data_request(self.config.pid, ticket)
        return read_identity(self._call(request, "authenticationDataResponse"))

    def _call(self, request: etree._Element, expected: str) -> etree._Element:
        body = envelope(sign(request, self.config.service_key, self.config.signature_algorithm))
        status, answer = self._transport.post(self.config.soap_endpoint, body, dict(SOAP_HEADERS))
        try:
            document = parse(answer)
            raise_for_fault(document)
        except ViispFault as fault:
            raise ViispTransportError(f"fault:{fault.detail or 'none'}") from None
        except ViispProtocolError:
            raise ViispTransportError(f"http_{status}_not_soap") from None
        if status != 200:
            raise ViispTransportError(f"http_{status}")
        return verified_element(document, self.config.viisp_key, expected)
