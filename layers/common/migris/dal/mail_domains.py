"""Whether a domain can receive mail, from public DNS (the deployed MailDomains of migris.domain.mail_domains),
with the answers kept in the function's memory: an hour if the domain takes mail, 5 minutes if it does not. A
lookup that cannot tell (a timeout, a server failure) counts as can-receive and is not kept, so the next
address at that domain asks again.

dnspython loads with the first lookup (migris.dal.mail_dns), not when a function builds its domain objects: a
code's check or a profile read never pays for it."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from migris.clock import Clock

if TYPE_CHECKING:
    from migris.dal.mail_dns import ContractResolver

TAKES_MAIL_SECONDS = 3600
TAKES_NO_MAIL_SECONDS = 300
# Domains remembered at most; the one stored first goes first. Small: a function's memory holds it.
MAX_REMEMBERED_DOMAINS = 2048


class ExpiringAnswers:
    """Answers that each hold until their own expiry, at most `capacity` of them, in the function's memory."""

    def __init__(self, clock: Clock, capacity: int = MAX_REMEMBERED_DOMAINS) -> None:
        self._clock = clock
        self._capacity = capacity
        self._answers: dict[str, tuple[bool, float]] = {}  # key -> (answer, until); in the order stored

    def get(self, key: str) -> bool | None:
        kept = self._answers.get(key)
        if kept is None:
            return None
        answer, until = kept
        if self._clock.now() >= until:
            del self._answers[key]
            return None
        return answer

    def put(self, key: str, answer: bool, seconds: float) -> None:
        self._answers.pop(key, None)
        while len(self._answers) >= self._capacity:
            del self._answers[next(iter(self._answers))]
        self._answers[key] = (answer, self._clock.now() + seconds)

    def __len__(self) -> int:
        return len(self._answers)


class DnsMailDomains:
    """A domain cannot receive mail when public DNS says it does not exist (NXDOMAIN), that it takes no mail (a
    null MX, RFC 7505), or that it has no MX, A or AAAA record; all lookups of one check share `budget_millis`
    (MxLookupMillis)."""

    def __init__(self, budget_millis: int, clock: Clock, resolver: ContractResolver | None = None) -> None:
        """`resolver` is the one to copy for each check (tests hand in one with stand-in name servers); by
        default, one configured from the system's (Lambda's) /etc/resolv.conf."""
        self._budget_seconds = budget_millis / 1000
        self._given_resolver = resolver
        self._answers = ExpiringAnswers(clock)

    @cached_property
    def _resolver(self) -> ContractResolver:
        from migris.dal.mail_dns import ContractResolver

        return self._given_resolver or ContractResolver()

    def can_receive_mail(self, domain: str) -> bool:
        known = self._answers.get(domain)
        if known is not None:
            return known
        from migris.dal.mail_dns import mail_verdict

        verdict = mail_verdict(domain, self._resolver, self._budget_seconds)
        if verdict is None:
            return True  # fail open, and ask again next time
        self._answers.put(domain, verdict, TAKES_MAIL_SECONDS if verdict else TAKES_NO_MAIL_SECONDS)
        return verdict
