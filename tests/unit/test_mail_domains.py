"""Whether a domain can receive mail, from DNS (migris.dal.mail_domains and mail_dns), held to DESIGN.md's rule:
NXDOMAIN, a null MX, or no MX, A or AAAA is "cannot"; a timeout or a server failure is "can" (fail open); answers
kept an hour if positive, 5 minutes if negative. No network: dnspython's real resolver asks a stand-in name
server (a dns.nameserver.Nameserver) that answers from a zone in the test, so dnspython itself turns its
answers into NXDOMAIN, NoAnswer, NoNameservers and timeouts, as it would for a real server's."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import dns.exception
import dns.message
import dns.nameserver
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest
from migris.dal.mail_dns import ContractResolver
from migris.dal.mail_domains import TAKES_MAIL_SECONDS, TAKES_NO_MAIL_SECONDS, DnsMailDomains, ExpiringAnswers
from migris.domain.mail_domains import LocalMailDomains

from tests.helpers import FakeClock

LAYER_ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "layers" / "common")}
PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
SERVFAIL = "SERVFAIL"  # a zone entry: every question about the name fails at the server
SILENT = "SILENT"  # a zone entry: the server never answers about the name

# name -> {record type -> records} (a name in the zone but without that type is NOERROR with no answer)
ZONE: dict[str, Any] = {
    "mail.lt": {"MX": ["10 mx1.mail.lt.", "20 mx2.mail.lt."]},
    "null-mx.lt": {"MX": ["0 ."], "A": [PUBLIC_V4]},
    "only-txt.lt": {"TXT": ['"v=spf1 -all"']},
    "only-a.lt": {"A": [PUBLIC_V4], "TXT": ['"v=spf1 -all"']},
    "only-aaaa.lt": {"AAAA": [PUBLIC_V6]},
    "private-a.lt": {"A": ["10.1.2.3"]},
    "broken.lt": SERVFAIL,
    "slow.lt": SILENT,
}


class StandInNameserver(dns.nameserver.Nameserver):
    """Answers every question from ZONE as an authoritative server would, and records what it was asked."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, str, float]] = []
        self.delay = 0.0  # how long an answer takes to arrive

    def __str__(self) -> str:
        return "stand-in"

    def kind(self) -> str:
        return "StandIn"

    def is_always_max_size(self) -> bool:
        return False

    def answer_nameserver(self) -> str:
        return "192.0.2.53"

    def answer_port(self) -> int:
        return 53

    def query(self, request, timeout, source, source_port, max_size, one_rr_per_rrset=False, ignore_trailing=False):
        question = request.question[0]
        name = question.name.to_text(omit_final_dot=True)
        rdtype = dns.rdatatype.to_text(question.rdtype)
        self.asked.append((name, rdtype, timeout))
        entry = ZONE.get(name)
        if entry == SILENT or self.delay >= timeout:
            time.sleep(timeout)
            raise dns.exception.Timeout(timeout=timeout)
        time.sleep(self.delay)
        response = dns.message.make_response(request)
        if entry is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif entry == SERVFAIL:
            response.set_rcode(dns.rcode.SERVFAIL)
        elif rdtype in entry:
            response.answer.append(dns.rrset.from_text_list(question.name, 300, "IN", rdtype, entry[rdtype]))
        return dns.message.from_wire(response.to_wire())  # as it comes over the wire


@pytest.fixture
def server() -> StandInNameserver:
    return StandInNameserver()


@pytest.fixture
def check(server: StandInNameserver, clock: FakeClock):
    def make(budget_millis: int = 1000) -> DnsMailDomains:
        resolver = ContractResolver(configure=False)
        resolver.nameservers = [server]
        return DnsMailDomains(budget_millis, clock, resolver)

    return make


def types_asked(server: StandInNameserver) -> list[str]:
    return [rdtype for _, rdtype, _ in server.asked]


# --- the answers ---


def test_a_domain_with_mx_records_receives_mail(check, server):
    assert check().can_receive_mail("mail.lt") is True
    assert types_asked(server) == ["MX"]


def test_a_domain_that_does_not_exist_cannot(check, server):
    assert check().can_receive_mail("nera-tokio.lt") is False
    assert types_asked(server) == ["MX"]  # NXDOMAIN ends it: no A or AAAA asked


def test_a_null_mx_says_the_domain_takes_no_mail_even_with_an_address(check):
    assert check().can_receive_mail("null-mx.lt") is False


def test_a_domain_with_no_mx_a_or_aaaa_cannot(check, server):
    assert check().can_receive_mail("only-txt.lt") is False
    assert types_asked(server) == ["MX", "A", "AAAA"]


def test_an_a_record_alone_receives_mail_and_spf_is_not_asked(check, server):
    """RFC 5321's fallback to the address; `v=spf1 -all` says the domain sends no mail, not that it takes none
    (email_validator would refuse it): the check never asks for TXT."""
    assert check().can_receive_mail("only-a.lt") is True
    assert types_asked(server) == ["MX", "A"]


def test_an_aaaa_record_alone_receives_mail(check):
    assert check().can_receive_mail("only-aaaa.lt") is True


def test_an_address_that_is_not_public_is_no_fallback(check):
    """email_validator's rule, kept: SES cannot deliver to a private or loopback address either."""
    assert check().can_receive_mail("private-a.lt") is False


def test_a_server_failure_lets_the_address_through(check, server):
    assert check().can_receive_mail("broken.lt") is True
    assert types_asked(server) == ["MX"]


def test_a_timeout_lets_the_address_through_within_the_budget(check, server):
    domains = check(budget_millis=200)
    began = time.monotonic()
    assert domains.can_receive_mail("slow.lt") is True
    spent = time.monotonic() - began
    # dnspython pauses 0.1 s before it gives up, and this machine is shared: the slack is for those only.
    assert 0.2 <= spent < 0.2 + 0.5, spent
    assert server.asked and all(timeout <= 0.2 for _, _, timeout in server.asked)


def test_the_budget_is_for_all_the_queries_of_one_check_together(check, server):
    """Each query gets only what is left: a check that needs MX, A and AAAA never gets three budgets. With
    answers taking 0.12 s, MX and A come back empty and AAAA runs out of time: not told, so let through."""
    server.delay = 0.12
    began = time.monotonic()
    assert check(budget_millis=300).can_receive_mail("only-txt.lt") is True
    assert time.monotonic() - began < 0.3 + 0.5
    assert types_asked(server)[:3] == ["MX", "A", "AAAA"]
    timeouts = [timeout for _, _, timeout in server.asked]
    assert timeouts == sorted(timeouts, reverse=True) and timeouts[0] <= 0.3 and timeouts[2] < 0.1


# --- what is kept, and for how long ---


def test_a_positive_answer_is_kept_an_hour(check, server, clock):
    domains = check()
    assert domains.can_receive_mail("mail.lt") is True
    clock.advance(TAKES_MAIL_SECONDS - 1)
    assert domains.can_receive_mail("mail.lt") is True
    assert len(server.asked) == 1
    clock.advance(1)
    assert domains.can_receive_mail("mail.lt") is True
    assert len(server.asked) == 2


def test_a_negative_answer_is_kept_five_minutes_then_asked_again(check, server, clock):
    domains = check()
    assert domains.can_receive_mail("nauja.lt") is False
    clock.advance(TAKES_NO_MAIL_SECONDS - 1)
    assert domains.can_receive_mail("nauja.lt") is False
    assert len(server.asked) == 1
    ZONE["nauja.lt"] = {"MX": ["10 mx.nauja.lt."]}  # the domain was registered meanwhile
    try:
        clock.advance(1)
        assert domains.can_receive_mail("nauja.lt") is True
    finally:
        del ZONE["nauja.lt"]
    assert len(server.asked) == 2


def test_a_failure_is_not_kept(check, server):
    domains = check()
    assert domains.can_receive_mail("broken.lt") is True
    assert domains.can_receive_mail("broken.lt") is True
    assert len(server.asked) == 2


def test_answers_are_bounded_in_number_the_oldest_going_first(clock):
    answers = ExpiringAnswers(clock, capacity=3)
    for domain in ("a.lt", "b.lt", "c.lt", "d.lt"):
        answers.put(domain, True, 60)
    assert len(answers) == 3
    assert answers.get("a.lt") is None
    assert [answers.get(domain) for domain in ("b.lt", "c.lt", "d.lt")] == [True, True, True]


def test_dnspythons_own_cache_is_off():
    """Answers are kept only by the contract's rules (an hour, 5 minutes), never by a record's TTL."""
    assert ContractResolver(configure=False).cache is None


# --- the local stack's rule ---


@pytest.mark.parametrize(("domain", "receives"), [("no-mail.example.lt", False), ("example.lt", True)])
def test_the_local_rule_looks_nothing_up(domain, receives):
    assert LocalMailDomains().can_receive_mail(domain) is receives


def test_a_lambda_container_checks_in_dns_and_the_local_stack_by_the_local_rule(stack):
    from migris.config import Settings
    from migris.wiring import Services, services

    assert isinstance(services().mail_domains, LocalMailDomains)
    deployed = Services(Settings.from_env(stack.aws.environment))
    assert isinstance(deployed.mail_domains, DnsMailDomains)


def test_dnspython_loads_with_the_first_lookup_not_with_the_functions_domain_objects():
    """A cold start that checks no domain (a code's check, a profile read) never imports dnspython."""
    probe = (
        "import sys\n"
        "from migris.clock import SystemClock\n"
        "import migris.wiring, migris.domain.codes, migris.domain.validation\n"
        "from migris.dal.mail_domains import DnsMailDomains\n"
        "DnsMailDomains(1000, SystemClock())\n"
        "migris.domain.validation.normalize_email('ona@bücher.lt')\n"
        "print(sorted(name for name in sys.modules if name == 'dns' or name.startswith('dns.')))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=LAYER_ENV)
    assert loaded.stdout.strip() == "[]"
