"""Recovery of a lost mailbox (DESIGN.md, "Your account", Recovery; docs/recovery.md).

A person who lost the mailbox comes to the migration desk. Staff may recover only an account at level 2 (staff
identified its person against an identity document; the level change's reason names the document's kind): an
account with an identity recovers alone (VIISP signs it in and it changes its address, the old address told),
and a level 1 account has nobody staff could check.

States, all on the account item (`recovery`), so every step is one write conditional on the account's version:

- **unconfirmed**: staff started it (`start`). The new address's uniqueness item is reserved (naming the
  recovery, no account: nothing signs in with it yet), a confirmation link goes to the new address and the old
  address is told at once with a cancel link. It lapses CONFIRM_SECONDS later if nobody confirms.
- **held**: the person pressed the confirmation link's button (`confirm`); the hold of RecoveryHoldSeconds runs
  from then. The cancel link works until it ends.
- then gone: **completed** by the scheduled function (`complete_due`) within a minute of the hold's end, or
  **cancelled** (the old address's link, or staff), or **lapsed**.

Completion and cancel are each one conditional write of the account at the version they read: of the two, exactly
one lands (the other reads again and finds no recovery). Completion moves the address (the reserved item becomes
the account's, the old one is released), removes every passkey, ends every session and device (the epoch moves)
and voids every token mailed to the old address: `recovered_at` voids the "not me" links made before it, a pending
e-mail change goes, and a sign-in code of the old address signs in to this account no more (the address's item is
gone, and a sign-in in flight holds only in the epoch it read).

Tokens are 256-bit random, kept only as keyed hashes (the code pepper's HMAC): on the account's recovery, and as a
pointer item (migris.dal.recovery) that finds the account. Single use: the confirmation empties its hash; the
cancel ends the recovery."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from migris.clock import DAY_SECONDS, Clock, iso_utc
from migris.domain.activity import SELF_ACTOR, STAFF_ACTOR, SYSTEM_ACTOR
from migris.domain.audit_seal import account_key
from migris.domain.errors import (
    EditConflict,
    EmailTaken,
    HasIdentity,
    InvalidInput,
    InvalidToken,
    NoRecovery,
    NotIdentified,
    UserNotFound,
)
from migris.domain.events import log_event
from migris.domain.mail import (
    MailSender,
    recovery_completed_notice,
    recovery_confirm_message,
    recovery_started_notice,
)
from migris.domain.mail_domains import MailDomains, require_mail_domain
from migris.domain.records import (
    Account,
    AccountChanges,
    ActivityKind,
    AuditEvent,
    CompanionRefused,
    FieldChange,
    RecoveryRecord,
    RecoveryToken,
    StaleVersion,
)
from migris.domain.staff import StaffReason
from migris.domain.validation import DEFAULT_LANGUAGE, EmailAddress
from migris.domain.versioned import write_versioned

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.dal.audit import AuditRepository
    from migris.dal.recovery import RecoveryTokens
    from migris.domain.activity import ActivityLog
    from migris.domain.devices import Devices
    from migris.domain.passkeys import Passkeys

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 128
# How long the new address's confirmation link works; an unconfirmed recovery lapses then (its address freed).
CONFIRM_SECONDS = 7 * DAY_SECONDS
IDENTIFIED_BY_STAFF = 2
RECOVERY_QUEUE = "pending"  # migris.dal.accounts.RECOVERY_QUEUE: the sparse index's one partition
# What a recovery clears from the account when it ends: itself and its place in the index.
RECOVERY_ATTRIBUTES = ("recovery", "recovery_queue", "recovery_due_at")
PENDING_CHANGE = ("pending_email", "pending_email_id")
# The audit's actor for a cancel by the old address's link: the person, by the link mailed to them.
CANCEL_LINK_ACTOR = "self:cancel-link"
CANCEL_LINK_REASON = "cancelled with the link mailed to the old address"
SAME_ADDRESS = "this is the account's own address already"


class RecoveryStart(BaseModel):
    """POST /staff/users/{user_id}/email."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    email: EmailAddress
    reason: StaffReason


class RecoveryCancelByStaff(BaseModel):
    """POST /staff/users/{user_id}/email/cancel."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    reason: StaffReason


class RecoveryLink(BaseModel):
    """POST /recovery/confirm and POST /recovery/cancel: the `t` of the mailed link."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH, description="The `t` of the mailed link")


class Recoveries:
    def __init__(
        self,
        accounts: AccountRepository,
        tokens: RecoveryTokens,
        audit: AuditRepository,
        mailer: MailSender,
        keyed: Callable[[str, str], str],
        clock: Clock,
        *,
        hold_seconds: int,
        web_origin: str,
        mail_domains: Callable[[], MailDomains],
        devices: Callable[[], Devices] | None = None,
        passkeys: Callable[[], Passkeys] | None = None,
        activity: ActivityLog | None = None,
        contact_url: str,  # ContactUrl, required: a wiring that forgot it must not mail a default
    ) -> None:
        self._accounts = accounts
        self._tokens = tokens
        self._audit = audit
        self._mailer = mailer
        self._contact_url = contact_url  # ContactUrl: where a notice sends a person it was not about
        self._keyed = keyed
        self._clock = clock
        self._hold_seconds = hold_seconds
        self._web_origin = web_origin
        self._mail_domains = mail_domains
        self._devices = devices
        self._passkeys = passkeys
        self._activity = activity

    # --- staff: start and cancel ---

    def start(self, user_id: str, asked: RecoveryStart, actor: str) -> None:
        """Start a recovery of the account to `asked.email`: reserve the address, mail the new address its
        confirmation link and the old one its cancel link, with an audit event, in one write."""
        new_email = str(asked.email)
        account = self._user(user_id)
        _may_recover(account, new_email)
        require_mail_domain(new_email, self._mail_domains())  # after the body is valid, before anything is mailed
        confirm_token, cancel_token = secrets.token_urlsafe(TOKEN_BYTES), secrets.token_urlsafe(TOKEN_BYTES)
        confirm_hash, cancel_hash = self._keyed("recovery", confirm_token), self._keyed("recovery", cancel_token)
        started: list[Account] = []

        def start_with_audit(current: Account) -> None:
            _may_recover(current, new_email)
            now = self._clock.now()
            seconds = int(now)
            recovery = RecoveryRecord(
                id=str(uuid.uuid4()),
                state="unconfirmed",
                new_email=new_email,
                confirm_hash=confirm_hash,
                cancel_hash=cancel_hash,
                started_at=seconds,
                confirm_until=seconds + CONFIRM_SECONDS,
            )
            event = AuditEvent(
                user_id=user_id,
                at=iso_utc(now),
                actor=actor,
                changes={
                    "recovery": FieldChange(before=None, after="started"),
                    "email": FieldChange(before=current.email, after=new_email),
                },
                reason=asked.reason,
            )
            # The addresses are sealed under the account's audit key; the first such event brings the key.
            key, with_key = account_key(current)
            changes: AccountChanges = {
                "recovery": recovery,
                "recovery_queue": RECOVERY_QUEUE,
                "recovery_due_at": recovery.confirm_until,
                "updated_at": seconds,
                **with_key,
            }
            # Each pointer lives as long as its link may be of use; the recovery decides whether it still works.
            lives = seconds + CONFIRM_SECONDS + self._hold_seconds + DAY_SECONDS
            pointers = [
                self._tokens.put_item(
                    RecoveryToken(token_hash=h, user_id=user_id, recovery_id=recovery.id, expires_at=lives)
                )
                for h in (confirm_hash, cancel_hash)
            ]
            try:
                self._accounts.update_user(
                    user_id,
                    current.version,
                    changes,
                    # A pending e-mail change goes: its code was mailed to whoever holds a session now.
                    remove=PENDING_CHANGE,
                    with_items=(
                        self._accounts.reserve_email_item(new_email, user_id, recovery.id, seconds),
                        *pointers,
                        self._audit.append_item(event, now, key),
                        *self._told(user_id, "recovery_started", STAFF_ACTOR, asked.reason),
                    ),
                )
            except CompanionRefused:
                raise EmailTaken from None  # the address was taken (or reserved) meanwhile
            started.append(current)

        write_versioned(lambda: self._user(user_id), start_with_audit, first=account, exhausted=EditConflict)
        log_event("recovery_started", user_id=user_id, actor=actor)
        before = started[-1]
        language = before.language or DEFAULT_LANGUAGE
        self._mail(
            new_email, recovery_confirm_message(language, self._link("confirm-recovery", confirm_token)), user_id
        )
        if before.email:
            self._mail(
                before.email, recovery_started_notice(language, self._link("cancel-recovery", cancel_token)), user_id
            )

    def cancel_by_staff(self, user_id: str, asked: RecoveryCancelByStaff, actor: str) -> None:
        """Staff cancel the account's pending recovery (the person at the desk changed their mind, say).
        NoRecovery (409 no_recovery) when none is pending."""

        def cancel(current: Account) -> None:
            if current.recovery is None:
                raise NoRecovery
            self._end_without_moving(current, current.recovery, actor, asked.reason, "cancelled")

        write_versioned(lambda: self._user(user_id), cancel, exhausted=EditConflict)
        log_event("recovery_cancelled", user_id=user_id, actor=actor, by="staff")

    # --- the mailed links (public) ---

    def confirm(self, token: str) -> int:
        """The new address's link: the hold starts now; when it ends (epoch seconds), for the page to say.
        InvalidToken for anything but the live confirmation of a pending, unconfirmed recovery."""
        found, token_hash = self._pointer(token)
        ends: list[int] = []  # the write that held (a retried write starts again from the account read anew)

        def confirm_now(current: Account) -> None:
            now = int(self._clock.now())
            recovery = current.recovery
            if (
                recovery is None
                or recovery.id != found.recovery_id
                or recovery.state != "unconfirmed"
                or not secrets.compare_digest(recovery.confirm_hash, token_hash)
                or recovery.confirm_until <= now
            ):
                raise InvalidToken
            held = recovery.model_copy(
                update={"state": "held", "confirm_hash": "", "hold_ends_at": now + self._hold_seconds}
            )
            changes: AccountChanges = {"recovery": held, "recovery_due_at": held.hold_ends_at, "updated_at": now}
            confirmed = self._told(current.user_id, "recovery_confirmed", SELF_ACTOR)
            self._accounts.update_user(current.user_id, current.version, changes, with_items=tuple(confirmed))
            ends[:] = [held.hold_ends_at]

        write_versioned(lambda: self._account_of(found), confirm_now, exhausted=EditConflict)
        log_event("recovery_confirmed", user_id=found.user_id)
        return ends[0]

    def cancel(self, token: str) -> None:
        """The old address's link: the recovery ends, the reserved address is freed, an audit event records it.
        InvalidToken when no recovery of that link is pending, or its hold has ended."""
        found, token_hash = self._pointer(token)

        def cancel_now(current: Account) -> None:
            recovery = current.recovery
            if (
                recovery is None
                or recovery.id != found.recovery_id
                or not secrets.compare_digest(recovery.cancel_hash, token_hash)
                or (recovery.state == "held" and recovery.hold_ends_at <= int(self._clock.now()))
            ):
                raise InvalidToken
            self._end_without_moving(current, recovery, CANCEL_LINK_ACTOR, CANCEL_LINK_REASON, "cancelled")

        write_versioned(lambda: self._account_of(found), cancel_now, exhausted=EditConflict)
        log_event("recovery_cancelled", level="warning", security=True, user_id=found.user_id, by="link")

    # --- the scheduled function ---

    def complete_due(self) -> int:
        """Complete every recovery whose hold has ended, and let go of every one left unconfirmed too long; how
        many completed. One account's failure is logged and left for the next run, never the others'."""
        completed = 0
        for user_id in self._accounts.due_recoveries(int(self._clock.now())):
            try:
                completed += self._settle(user_id)
            except Exception:  # the next run (a minute later) tries it again
                log_event("recovery_completion_failed", level="error", user_id=user_id)
        return completed

    def _settle(self, user_id: str) -> int:
        done: list[tuple[Account, RecoveryRecord]] = []

        def settle(current: Account) -> None:
            now = self._clock.now()
            recovery = current.recovery
            if recovery is None:
                return  # cancelled meanwhile (the index lags behind the table)
            if recovery.state == "unconfirmed" and recovery.confirm_until <= int(now):
                self._end_without_moving(current, recovery, SYSTEM_ACTOR, "not confirmed in time", "lapsed")
                return
            if recovery.state != "held" or recovery.hold_ends_at > int(now):
                return
            self._complete(current, recovery, now)
            done.append((current, recovery))

        write_versioned(lambda: self._user(user_id), settle, exhausted=EditConflict)
        if not done:
            return 0
        before, recovery = done[-1]
        log_event("recovery_completed", level="warning", security=True, user_id=user_id)
        if self._devices is not None:
            self._devices().after_epoch_moved(user_id)
        language = before.language or DEFAULT_LANGUAGE
        self._mail(recovery.new_email, recovery_completed_notice(language, contact_url=self._contact_url), user_id)
        return 1

    def _complete(self, current: Account, recovery: RecoveryRecord, now: float) -> None:
        """The one write that completes it: the account moves to the new address (the reservation becomes its
        uniqueness item, the old one is released), every passkey goes, the epoch moves, a pending change goes,
        and `recovered_at` voids every "not me" link mailed before."""
        user_id, seconds = current.user_id, int(now)
        passkey_count, passkey_items = self._passkeys().removal_items(user_id) if self._passkeys else (0, [])
        changes: AccountChanges = {
            "email": recovery.new_email,
            "session_epoch": current.session_epoch + 1,
            "recovered_at": seconds,
            "updated_at": seconds,
        }
        items: list[dict[str, Any]] = [
            self._accounts.claim_reservation_item(recovery.new_email, user_id, recovery.id, seconds)
        ]
        if current.email:
            items.append(self._accounts.release_email_item(current.email, user_id))
        try:
            self._accounts.update_user(
                user_id,
                current.version,
                changes,
                remove=(*RECOVERY_ATTRIBUTES, *PENDING_CHANGE, "email_change_notice"),
                with_items=(*items, *passkey_items, *self._told(user_id, "recovery_completed", SYSTEM_ACTOR)),
            )
        except CompanionRefused:
            # A passkey went meanwhile (list them again), or the items are not as the recovery left them (data
            # gone wrong: logged, and tried again next minute).
            log_event("recovery_items_moved", level="warning", user_id=user_id, passkeys=passkey_count)
            raise StaleVersion(user_id) from None

    # --- the parts ---

    def _end_without_moving(
        self, current: Account, recovery: RecoveryRecord, actor: str, reason: str, outcome: str
    ) -> None:
        """Cancel or lapse, in one write at the version read: the recovery goes, its reserved address is freed,
        an audit event records it."""
        now = self._clock.now()
        event = AuditEvent(
            user_id=current.user_id,
            at=iso_utc(now),
            actor=actor,
            changes={"recovery": FieldChange(before=recovery.state, after=outcome)},
            reason=reason,
        )
        release = self._accounts.release_reservation_item(recovery.new_email, current.user_id, recovery.id)
        # The person's activity names who ended it: the old address's link (the person), time, or staff with
        # their reason (the audit's actor is staff's ARN, never shown).
        if actor in (CANCEL_LINK_ACTOR, SYSTEM_ACTOR):
            told = self._told(
                current.user_id, "recovery_cancelled", SELF_ACTOR if actor == CANCEL_LINK_ACTOR else actor
            )
        else:
            told = self._told(current.user_id, "recovery_cancelled", STAFF_ACTOR, reason)
        try:
            self._accounts.update_user(
                current.user_id,
                current.version,
                {"updated_at": int(now)},
                remove=RECOVERY_ATTRIBUTES,
                with_items=(release, self._audit.append_item(event, now), *told),
            )
        except CompanionRefused:
            log_event("recovery_reservation_missing", level="error", user_id=current.user_id)
            self._accounts.update_user(
                current.user_id,
                current.version,
                {"updated_at": int(now)},
                remove=RECOVERY_ATTRIBUTES,
                with_items=(self._audit.append_item(event, now), *told),
            )

    def _told(self, user_id: str, kind: ActivityKind, actor: str, reason: str | None = None) -> list[dict[str, Any]]:
        """The activity line that tells the person of a step, in the write that makes it."""
        if self._activity is None:
            return []
        return [self._activity.item(user_id, kind, actor=actor, reason=reason)]

    def _pointer(self, token: str) -> tuple[RecoveryToken, str]:
        token_hash = self._keyed("recovery", token)
        found = self._tokens.get(token_hash) if len(token) <= MAX_TOKEN_LENGTH else None
        if found is None or found.expires_at <= int(self._clock.now()):
            raise InvalidToken
        return found, token_hash

    def _account_of(self, found: RecoveryToken) -> Account:
        account = self._accounts.get_user(found.user_id)
        if account is None:
            raise InvalidToken
        return account

    def _link(self, screen: str, token: str) -> str:
        return f"{self._web_origin}/#/{screen}?t={token}"

    def _mail(self, address: str, message: Any, user_id: str) -> None:
        """A recovery mail on the priority lane; never failing the write it follows (logged when it cannot go)."""
        try:
            if not self._mailer.deliver(address, message, email_ref=f"user#{user_id}", kind="notice"):
                log_event("recovery_mail_refused", level="error", user_id=user_id)
        except Exception:
            log_event("recovery_mail_failed", level="error", user_id=user_id)

    def _user(self, user_id: str) -> Account:
        try:
            uuid.UUID(user_id)
        except ValueError:
            raise UserNotFound from None
        user = self._accounts.get_user(user_id)
        if user is None or user.erased_at is not None:  # an erased account is nobody's to recover (404)
            raise UserNotFound
        return user


def _may_recover(account: Account, new_email: str) -> None:
    """Only a level 2 account without an identity, with no recovery pending, to an address it does not have."""
    if account.identity is not None:
        raise HasIdentity
    if account.level != IDENTIFIED_BY_STAFF:
        raise NotIdentified
    account.require_no_recovery()
    if new_email == account.email:
        raise InvalidInput({"email": SAME_ADDRESS})
