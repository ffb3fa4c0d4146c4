"""Domains that cannot receive mail (DESIGN.md, Mail): no code is counted for, and no mail sent to, an address
whose domain takes no mail, so made-up domains cannot drive the bounce rate to SES's pause threshold.

Wherever an address is taken the check runs after the body is valid and before any limit is counted, so a
refused domain costs the address no send: migris.domain.codes asks it first, for a sign-in code
(POST /login/email) and for an e-mail change's code or notice (PUT and PATCH /profile). A staff recovery
(POST /staff/users/{user_id}/email, not built yet) must call `require_mail_domain` the same way, before it
counts or mails anything.

Deployed, the domain is looked up in public DNS (migris.dal.mail_domains); the local stack and the tests hand
in `LocalMailDomains`, which looks nothing up."""

from __future__ import annotations

from typing import Protocol

from migris.domain.errors import InvalidInput
from migris.domain.events import log_event

# The words of the 422 on `email`; the pages tell this problem by "cannot receive mail" (web/js/problems.js).
CANNOT_RECEIVE_MAIL = "the domain after the @ cannot receive mail: check it for typing mistakes"
# The local stack's domains that take no mail, such as no-mail.example.lt.
NO_MAIL_PREFIX = "no-mail."


class MailDomains(Protocol):
    def can_receive_mail(self, domain: str) -> bool:
        """False only when the domain is known to take no mail; True when it does, and when that cannot be
        told in time (a lookup that fails must not keep people out)."""
        ...


class LocalMailDomains:
    """The local stack's rule, with no lookup: a domain whose name starts with `no-mail.` cannot receive mail,
    all others can."""

    def can_receive_mail(self, domain: str) -> bool:
        return not domain.startswith(NO_MAIL_PREFIX)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2]


def require_mail_domain(address: str, domains: MailDomains) -> None:
    """Raise InvalidInput on `email` when the address's domain cannot receive mail. `address` is as stored
    (migris.domain.validation.normalize_email): its domain is in ASCII."""
    if not domains.can_receive_mail(domain_of(address)):
        log_event("mail_domain_refused")  # no domain in the log: it can name the person
        raise InvalidInput({"email": CANNOT_RECEIVE_MAIL})
