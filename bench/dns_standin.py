"""A name server on loopback for the bench's cold starts: every domain takes mail (an MX record), so a function
that checks an address's domain (migris.dal.mail_domains) makes its real DNS lookup, dnspython and all, without
leaving the machine. bench/cold_child.py points dnspython's resolver here (BENCH_DNS_ADDRESS)."""

from __future__ import annotations

import socket
import threading

import dns.message
import dns.rdatatype
import dns.rrset

LOOPBACK = "127.0.0.1"


class DnsStandIn:
    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind((LOOPBACK, 0))
        self._socket.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="dns-stand-in", daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        host, port = self._socket.getsockname()
        return f"{host}:{port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self._socket.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                query = dns.message.from_wire(data)
            except dns.exception.DNSException:
                continue
            answer = dns.message.make_response(query)
            for question in query.question:
                if question.rdtype == dns.rdatatype.MX:
                    target = f"mx.{question.name.to_text()}"
                    answer.answer.append(dns.rrset.from_text(question.name, 300, "IN", "MX", f"10 {target}"))
            self._socket.sendto(answer.to_wire(), peer)

    def close(self) -> None:
        self._stop.set()
        self._socket.close()
        self._thread.join(timeout=2)
