"""Linking: a person signed in by e-mail proves who they are through VIISP, and the identity joins their
account, so either way of signing in opens the same account.

The start (POST /login/viisp/link) is for a session opened in the last FRESH_SIGN_IN_SECONDS
only (a link is permanent: an old session left open on a shared computer must not make one), and binds the
ticket to the account and the session asking. The callback gives the account its identity (level 3, names as
VIISP gives them) in one transaction with everything that must land with it: the identity's uniqueness item
(only if nobody holds it), the end of the session that asked (only if it is still live: a signed-out or ended
session links nothing) and of every other one (the session epoch moves), a new session for the stronger
sign-in, and the audit event (actor `self:viisp`, before and after). Then the account's address is told. An
identity that has its own account is refused, and the refusal logged for staff: nothing is merged
automatically."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from migris.clock import Clock, iso_utc
from migris.domain.audit_seal import account_key, needs_seal
from migris.domain.errors import (
    AlreadyLinked,
    EditConflict,
    IdentityInUse,
    InvalidTicket,
    ProfileIncomplete,
)
from migris.domain.events import log_event
from migris.domain.mail import MailSender, identity_linked_notice
from migris.domain.records import (
    Account,
    AccountChanges,
    AuditEvent,
    AuditValue,
    FieldChange,
    Identity,
    IdentityTaken,
    LinkRefused,
)
from migris.domain.validation import Language
from migris.domain.versioned import write_versioned

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.dal.audit import AuditRepository
    from migris.domain.activity import ActivityLog
    from migris.domain.devices import Devices
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


class IdentityLinks:
    def __init__(
        self,
        repository: AccountRepository,
        sessions: Sessions,
        audit: AuditRepository,
        mailer: MailSender,
        clock: Clock,
        devices: Devices | None = None,
        activity: ActivityLog | None = None,
        *,
        contact_url: str,  # ContactUrl, required: a wiring that forgot it must not mail a default
    ) -> None:
        self._activity = activity
        self._devices = devices
        self._repository = repository
        self._sessions = sessions
        self._audit = audit
        self._mailer = mailer
        self._contact_url = contact_url  # ContactUrl: where a notice sends a person it was not about
        self._clock = clock

    def link(
        self,
        user_id: str,
        session_hash: str,
        identity: Identity,
        names: dict[str, str | None],
        language: Language,
        user_agent: str | None = None,
        source_ip: str | None = None,
    ) -> OpenedSession:
        """Give the account the identity and open a new session on it, ending `session_hash` (the session that
        asked) and every other session in the same write; then tell the account's address (in its kept
        language, else `language`). IdentityInUse when another account holds the identity; AlreadyLinked when
        this one has one already; InvalidTicket when the account or the session that asked is gone."""

        def read() -> Account:
            account = self._repository.get_user(user_id)
            if account is None:
                raise InvalidTicket("account_gone")
            return account

        def write(account: Account) -> tuple[Account, OpenedSession]:
            try:
                check_can_link(account)
            except AlreadyLinked:
                self._refused(user_id, "already_linked", identity)
                raise
            holder = self._repository.user_id_for_identity(identity)
            if holder is not None:
                self._refused(user_id, "identity_in_use", identity, holder)
                raise IdentityInUse
            now = self._clock.now()
            given = {name: value for name, value in names.items() if value}  # none given keeps the typed one
            audited: dict[str, tuple[AuditValue, AuditValue]] = {
                "level": (account.level, LINKED_LEVEL),
                **{name: (getattr(account, name), value) for name, value in given.items()},
                "identity": (None, identity.in_words),
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
            # Every session of the account ends with the link (the epoch moves); the new one lives in the new epoch.
            next_epoch = account.session_epoch + 1
            # Names are sealed under the account's audit key; the first such event brings the key, in this write.
            key, with_key = account_key(account) if needs_seal(event.changes) else (None, {})
            changes = cast(
                AccountChanges,
                given | {"level": LINKED_LEVEL, "session_epoch": next_epoch, "updated_at": int(now)} | dict(with_key),
            )
            # The link's versioned write moves the epoch from the one read: that pins the new session's epoch.
            opened, new_session = self._sessions.prepare(
                account.model_copy(update={"session_epoch": next_epoch}),
                "viisp",
                account_written=True,
                user_agent=user_agent,
                source_ip=source_ip,
            )
            try:
                self._repository.link_identity(
                    account,
                    identity,
                    changes,
                    with_items=(
                        self._sessions.ending(session_hash, account),
                        *new_session,
                        self._audit.append_item(event, now, key),
                        *self._line(user_id, event),
                    ),
                )
            except IdentityTaken:
                self._refused(user_id, "identity_in_use", identity)  # taken a moment ago by a first sign-in
                raise IdentityInUse from None
            except LinkRefused:
                raise InvalidTicket("session_ended") from None
            return account, opened

        account, opened = write_versioned(read, write, exhausted=EditConflict)
        self._sessions.opened(opened)
        if self._devices is not None:
            # The epoch moved: the account's devices ended with it, and are deleted too, so a code's start (which
            # cannot read the epoch) stops making their codes, which an ended device's cookie cannot sign in with.
            self._devices.after_epoch_moved(user_id)
        log_event("identity_linked", user_id=user_id, kind=identity.kind)
        if account.email:
            notice = identity_linked_notice(account.language or language, contact_url=self._contact_url)
            try:
                self._mailer.deliver(account.email, notice, email_ref=f"user#{user_id}", kind="notice")
            except Exception:  # the link has landed: a mail that cannot go must not undo the answer
                log_event("link_notice_failed", level="error", user_id=user_id)
        return opened

    def _line(self, user_id: str, event: AuditEvent) -> list[dict[str, Any]]:
        """The link's line in the person's activity: what the audit records, as the person sees it."""
        if self._activity is None:
            return []
        return [self._activity.item(user_id, "identity_linked", LINK_ACTOR, changes=event.changes)]

    @staticmethod
    def _refused(user_id: str, reason: str, identity: Identity, holder: str | None = None) -> None:
        """A link VIISP vouched for but we refused: staff want to know of two accounts one person holds."""
        log_event(
            "viisp_link_refused",
            level="warning",
            security=True,
            reason=reason,
            user_id=user_id,
            identity_kind=identity.kind,
            holder_user_id=holder,
        )
