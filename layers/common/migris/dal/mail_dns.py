"""The DNS lookup behind migris.dal.mail_domains: email_validator's deliverability check on dnspython, held to
DESIGN.md's rule. Imported by the first lookup only (dnspython is a noticeable part of a cold start).

What email_validator 2.4's `validate_email_deliverability` does (read from its source), and how it is held here:
- MX first. A null MX (`0 .`, RFC 7505) and nothing else: EmailUndeliverableError with no cause. Taken: cannot.
- No MX (NoAnswer): A, then AAAA, each counted only with a globally reachable address (a domain whose only
  address is private or loopback gets no mail from SES either); none: EmailUndeliverableError caused by
  NoAnswer. Taken: cannot.
- Then, with an A or AAAA but no MX, it asks TXT and refuses `v=spf1 -all`. SPF says a domain sends no mail,
  not that it receives none, and the contract does not look at it: ContractResolver answers TXT with
  NoAnswer without asking anyone.
- NXDOMAIN: EmailUndeliverableError caused by NXDOMAIN. Taken: cannot.
- A timeout (dns.exception.Timeout) and NoNameservers (every server failed: SERVFAIL, REFUSED, unreachable)
  come back as `unknown-deliverability`. Taken: can receive (fail open).
- Any other failure it wraps in EmailUndeliverableError with that failure as the cause: a failure, not an
  answer, so taken as can-receive too.
- Each query would get the resolver's whole lifetime, up to four of them: ContractResolver gives every query
  only what is left of one budget for the check (dnspython may add its 0.1 s pause before it gives up)."""

from __future__ import annotations

import copy
import math
import time

import dns.exception
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.resolver
from email_validator import EmailUndeliverableError
from email_validator.deliverability import validate_email_deliverability

from migris.observability import log_event


class ContractResolver(dns.resolver.Resolver):
    """dnspython's stub resolver without its own cache (migris.dal.mail_domains keeps answers by the contract's
    rules), asked only what the contract looks at, every query of one check within one time budget."""

    def __init__(self, configure: bool = True) -> None:
        super().__init__(configure=configure)
        self.cache = None
        self.deadline = math.inf  # time.monotonic() by which every query of a check has ended

    def for_one_check(self, budget_seconds: float) -> ContractResolver:
        """A copy (same servers and settings) whose queries all end within `budget_seconds` from now."""
        check = copy.copy(self)
        check.deadline = time.monotonic() + budget_seconds
        return check

    def resolve(
        self,
        qname: dns.name.Name | str,
        rdtype: dns.rdatatype.RdataType | str = dns.rdatatype.A,
        rdclass: dns.rdataclass.RdataClass | str = dns.rdataclass.IN,
        tcp: bool = False,
        source: str | None = None,
        raise_on_no_answer: bool = True,
        source_port: int = 0,
        lifetime: float | None = None,
        search: bool | None = None,
    ) -> dns.resolver.Answer:
        if dns.rdatatype.RdataType.make(rdtype) == dns.rdatatype.TXT:
            raise dns.resolver.NoAnswer  # SPF (TXT) is about sending: not asked
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise dns.exception.Timeout  # spent: email_validator takes it as "unknown", like any timeout
        return super().resolve(
            qname,
            rdtype,
            rdclass,
            tcp,
            source,
            raise_on_no_answer,
            source_port,
            lifetime=left if lifetime is None else min(lifetime, left),
            search=False,  # the domain as given, never under the resolver's search domains
        )


def mail_verdict(domain: str, resolver: ContractResolver, budget_seconds: float) -> bool | None:
    """True: `domain` (ASCII) takes mail. False: DNS says it cannot (NXDOMAIN; a null MX only; no MX, and no A
    or AAAA with a public address). None: DNS could not tell within the budget (a timeout, a server failure,
    anything else that went wrong), which the caller counts as can-receive."""
    try:
        found = validate_email_deliverability(domain, domain, dns_resolver=resolver.for_one_check(budget_seconds))
    except EmailUndeliverableError as refusal:
        cause = refusal.__cause__
        if cause is None or isinstance(cause, dns.resolver.NXDOMAIN | dns.resolver.NoAnswer):
            return False
        log_event("mail_domain_unchecked", level="warning", reason=type(cause).__name__)
        return None
    unknown = found.get("unknown-deliverability")
    if unknown:
        log_event("mail_domain_unchecked", level="warning", reason=unknown)
        return None
    return True
