"""The HTTP side of talking to VIISP: urllib3 with timeouts and bounded retries; faults and silence are 502s."""

from __future__ import annotations

import functools
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from migris.viisp.transport import Urllib3Transport, ViispClient, ViispConfig
from migris.viisp.transport import ViispTransportError as ViispUnavailable

FAULT = (
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>'
    b"<faultcode>soap:Client</faultcode><faultstring>Invalid signature</faultstring><detail>"
    b'<a:invalidSignatureException xmlns:a="http://www.epaslaugos.lt/services/authentication"/></detail>'
    b"</soap:Fault></soap:Body></soap:Envelope>"
)


class Fake(BaseHTTPRequestHandler):
    behaviour = "fault"
    requests: ClassVar[list[tuple[str, str]]] = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        Fake.requests.append((self.headers.get("Content-Type"), self.headers.get("SOAPAction")))
        if Fake.behaviour == "slow":
            time.sleep(1.5)
        status, body = (500, FAULT) if Fake.behaviour in {"fault", "slow"} else (503, b"<html>down</html>")
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    block_on_close = False  # closing does not wait for a slow answer nobody reads any more

    def handle_error(self, request, client_address):
        pass  # the client gave up on a slow answer (the point of the timeout test)


@pytest.fixture
def fake_viisp():
    server = QuietServer(("127.0.0.1", 0), Fake)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    Fake.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/auth"
    server.shutdown()
    server.server_close()


@functools.cache
def service_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def client_for(url, transport=None):
    key = service_key()
    config = ViispConfig(
        pid="VSID000000000113",
        soap_endpoint=url,
        portal_url="http://127.0.0.1/portal",
        signature_algorithm="rsa-sha256",
        service_key=key,
        viisp_key=key.public_key(),
    )
    return ViispClient(config, transport or Urllib3Transport(connect_timeout=0.5, read_timeout=0.5))


def test_a_soap_fault_is_viisp_unavailable_naming_its_detail(fake_viisp):
    Fake.behaviour = "fault"
    with pytest.raises(ViispUnavailable) as raised:
        client_for(fake_viisp).init_authentication("https://x/cb", "state")
    assert raised.value.reason == "fault:invalidSignatureException"
    assert Fake.requests == [("text/xml; charset=utf-8", '""')]


def test_an_http_error_that_is_not_soap_is_viisp_unavailable(fake_viisp):
    Fake.behaviour = "down"
    with pytest.raises(ViispUnavailable, match="http_503"):
        client_for(fake_viisp).authentication_data("ticket")
    assert len(Fake.requests) == 1  # an answer came: not retried


def test_a_read_timeout_is_viisp_unavailable_and_not_retried(fake_viisp):
    """getAuthenticationData answers once per ticket: a request that may have arrived is never repeated."""
    Fake.behaviour = "slow"
    with pytest.raises(ViispUnavailable, match=r"ReadTimeout|MaxRetry"):
        client_for(fake_viisp).authentication_data("ticket")
    assert len(Fake.requests) == 1


def test_a_refused_connection_is_retried_a_bounded_number_of_times_then_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ViispUnavailable, match="MaxRetryError"):
        client_for(f"http://127.0.0.1:{port}/auth").init_authentication("https://x/cb", "state")


# --- the service key ---


def _pem(key):
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def test_a_sound_service_key_is_taken():
    from migris.viisp.transport import _service_key

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert _service_key(_pem(key)).public_key().public_numbers() == key.public_key().public_numbers()


def test_a_damaged_service_key_is_refused_when_read_not_when_viisp_answers():
    """Damaged private numbers (here the private exponent and a CRT exponent): the key would sign what its public
    half does not verify, and VIISP would refuse every request. It is refused as configuration instead."""
    from migris.viisp.transport import _service_key

    numbers = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_numbers()
    damaged = rsa.RSAPrivateNumbers(
        p=numbers.p,
        q=numbers.q,
        d=numbers.d + 2,
        dmp1=numbers.dmp1 + 2,
        dmq1=numbers.dmq1,
        iqmp=numbers.iqmp,
        public_numbers=numbers.public_numbers,
    ).private_key(unsafe_skip_rsa_key_validation=True)
    with pytest.raises(ValueError, match="damaged"):
        _service_key(_pem(damaged))


# --- the wait fits in the function ---

MARGIN_SECONDS = 2.0  # for the function's own work around the call: reading the configuration, the tables, a session


def test_the_longest_wait_for_viisp_ends_inside_the_functions_timeout_with_room_to_answer():
    from migris.viisp.transport import worst_wait_seconds

    from devserver.template import load_template

    template = load_template()
    timeout = template["Globals"]["Function"]["Timeout"]
    for name in ("ViispCallbackFunction",):  # start, link and callback: the only code that calls VIISP
        own = template["Resources"][name]["Properties"].get("Timeout", timeout)
        assert worst_wait_seconds() + MARGIN_SECONDS <= own, name
