"""Linking: a person signed in by e-mail proves who they are through VIISP, and the identity joins their
account, so either way of signing in opens the same account.

The start (GET /login/viisp?intent=link) binds the ticket to the account and the session asking; the callback
gives the account its identity (level 3, names as VIISP gives them) in one transaction with everything that
must land with it: the identity's uniqueness item (only if nobody holds it), the end of the session that asked
(only if it is still live: a signed-out or ended session links nothing), a new session for the stronger sign-in,
and the audit event (actor `self:viisp`, before and after). An identity that has its own account is refused:
nothing is merged automatically."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from migris.clock import Clock, iso_utc
from migris.domain.errors import AlreadyLinked, EditConflict, IdentityInUse, InvalidTicket, ProfileIncomplete
from migris.domain.events import log_event
from migris.domain.records import (
    Account,
    AccountChanges,
    AuditEvent,
    AuditValue,
    FieldChange,
    Identity,
    IdentityTaken,
    LinkRefused,
    audit_sort_key,
)
from migris.domain.versioned import write_versioned

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.dal.audit import AuditRepository
    from migris.domain.sessions import OpenedSession, Sessions

LINK_ACTOR = "self:viisp"
LINK_REASON = "The person confirmed their identity through VIISP."
LINKED_LEVEL = 3


def check_can_link(account: Account) -> None:
    """Whether this account may start a link: not one with an identity already, and with its contact data
    filled in (a link's names then replace typed ones, never meet a first fill that would overwrite them)."""
    if account.identity is not None:
        raise AlreadyLinked
    if not account.profile_complete:
        raise ProfileIncomplete


def _identity_words(identity: Identity | None) -> AuditValue:
    """The identity as the audit records it: its kind (and country), never the code itself."""
    if identity is None:
        return None
    return f"{identity.kind} {identity.country}" if identity.country else identity.kind


class IdentityLinks:
    def __init__(
        self,
        repository: AccountRepository,
        sessions: Sessions,
        audit: AuditRepository,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._sessions = sessions
        self._audit = audit
        self._clock = clock

    def link(self, user_id: str, session_hash: str, identity: Identity, names: dict[str, str | None]) -> OpenedSession:
        """Give the account the identity and open a new session on it, ending `session_hash` (the session that
        asked) in the same write. IdentityInUse when another account holds the identity; AlreadyLinked when
        this one has one already; InvalidTicket when the account or the session that asked is gone."""

        def read() -> Account:
            account = self._repository.get_user(user_id)
            if account is None:
                raise InvalidTicket("account_gone")
            return account

        def write(account: Account) -> OpenedSession:
            check_can_link(account)
            if self._repository.user_id_for_identity(identity) is not None:
                raise IdentityInUse
            now = self._clock.now()
            given = {name: value for name, value in names.items() if value}  # none given keeps the typed one
            audited: dict[str, tuple[AuditValue, AuditValue]] = {
                "level": (account.level, LINKED_LEVEL),
                **{name: (getattr(account, name), value) for name, value in given.items()},
                "identity": (_identity_words(None), _identity_words(identity)),
            }
            event = AuditEvent(
                user_id=user_id,
                at=iso_utc(now),
                actor=LINK_ACTOR,
                changes={
                    name: FieldChange(before=before, after=after)
                    for name, (before, after) in audited.items()
                    if before != after
                },
                reason=LINK_REASON,
            )
            changes = cast(AccountChanges, given | {"level": LINKED_LEVEL, "updated_at": int(now)})
            opened, new_session = self._sessions.prepare(account, "viisp")
            try:
                self._repository.link_identity(
                    account,
                    identity,
                    changes,
                    with_items=(
                        self._sessions.ending(session_hash, account),
                        new_session,
                        self._audit.append_item(event, audit_sort_key(now)),
                    ),
                )
            except IdentityTaken:
                raise IdentityInUse from None  # taken a moment ago by a first sign-in
            except LinkRefused:
                raise InvalidTicket("session_ended") from None
            return opened

        opened = write_versioned(read, write, exhausted=EditConflict)
        self._sessions.opened(opened)
        log_event("identity_linked", user_id=user_id, kind=identity.kind)
        return opened
