"""Domain errors. The API maps each to its HTTP answer in one place (migris.http.errors)."""

from __future__ import annotations

import math


class DomainError(Exception):
    """A refusal the client can act on; never a bug."""


class InvalidCode(DomainError):
    """Wrong, expired, used, replaced, never sent, or another login's code: one answer for all."""


class RetryLater(DomainError):
    def __init__(self, retry_after: float) -> None:
        super().__init__()
        self.retry_after = max(1, math.ceil(retry_after))


class RateLimited(RetryLater):
    """Too many codes asked for one address."""


class TooManyAttempts(RetryLater):
    """The address is locked after too many wrong codes."""


class Unauthenticated(DomainError):
    """No valid session."""


class OriginMismatch(DomainError):
    """A cookie-authenticated state change from a page that is not ours."""


class InvalidInput(DomainError):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__()
        self.fields = fields


class LinkNotFromOurPage(InvalidInput):
    """GET /login/viisp was asked to start a link (`intent`): a link starts only from our own page (POST
    /login/viisp/link, with our Origin), so a foreign page's link or redirect cannot start one in a signed-in
    person's browser. A 400, where other input errors are 422 (DESIGN.md)."""

    def __init__(self) -> None:
        super().__init__({"intent": "a link to VIISP starts only from the account page (POST /login/viisp/link)"})


class NamesLocked(DomainError):
    """A person tried to set a name after the first fill (or on a VIISP account): only staff change names."""


class ProfileExists(DomainError):
    """The contact data was filled in already; later changes go through PATCH."""


class EmailTaken(DomainError):
    """The address already signs in to another account."""


class SessionNotFound(DomainError):
    """No live session of this person has that id (or it is someone else's: the same answer)."""


class InvalidToken(DomainError):
    """A mailed link's token that is unknown, used or expired (400 invalid_token)."""


class PasskeyNotFound(DomainError):
    """No passkey of this person has that id (or it is someone else's: the same answer)."""


class PasskeyRefused(DomainError):
    """A passkey's registration that cannot be taken: a bad or foreign response, a used, expired or another
    session's challenge, no user verification (400 invalid_passkey)."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class PasskeySignInRefused(PasskeyRefused):
    """Every refusal of a passkey sign-in, one answer (401 invalid_passkey): the reason is for the logs only."""


class TooManyPasskeys(DomainError):
    """The account has MaxPasskeys already (409 too_many_passkeys)."""


class DeviceNotFound(DomainError):
    """No live device of this person has that id (or it is someone else's: the same answer)."""


class UserNotFound(DomainError):
    """No account with that id (staff routes)."""


class ProfileIncomplete(DomainError):
    """Staff tried to set names the person has not filled in yet."""


class IdentityInUse(DomainError):
    """A link: the identity VIISP vouched for has its own account already; nothing is merged automatically."""


class RecoveryPending(DomainError):
    """A staff recovery of the account's lost mailbox is pending: no erasure (nor e-mail change) meanwhile."""


class FreshSignInRequired(DomainError):
    """A link asked from a session opened too long ago: sign in again first."""


class AlreadyLinked(DomainError):
    """A link asked by (or finished for) an account that has an identity from VIISP already."""


class NotLinked(DomainError):
    """Staff asked to unlink an identity from an account that has none linked (a VIISP account's identity is how
    it signs in, not a link)."""


class EditConflict(DomainError):
    """The account kept changing under a write, beyond the retries."""


class StaffIdentityMissing(DomainError):
    """A staff route ran without the caller's IAM identity (API Gateway always sets it under AWS_IAM)."""


class InvalidTicket(DomainError):
    """A VIISP callback that is not ours to finish: unknown, used, expired, foreign-browser or mismatched
    ticket, or an identity VIISP did not sign. The reason goes to the security log, never to the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LithuanianEid(InvalidTicket):
    """An eIDAS identity issued by Lithuania: its holder has a Lithuanian personal code, and an account keyed by
    the eIDAS identifier would be their second. Still invalid_ticket, but the client is told to sign in through
    VIISP with a Lithuanian means instead."""

    def __init__(self) -> None:
        super().__init__("lithuanian_eid")


class ViispUnavailable(DomainError):
    """No usable answer from VIISP: a timeout, a connection failure, an HTTP error or a SOAP fault."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MailUnavailable(DomainError):
    """A code mail could not be put on its way (the mail queue refused or failed): nothing was counted against
    the address, and the person may ask again at once."""
