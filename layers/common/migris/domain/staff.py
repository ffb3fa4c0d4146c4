"""What migration staff do: find a person by e-mail or personal code (key lookups, never a scan), change names
or the level with a reason, end all of a person's sessions with a reason, and read the audit of those changes.
Every change and its audit event land in one transaction, so there is no change without its record.

Not built yet: recovery of a lost mailbox (POST /staff/users/{user_id}/email). It takes an address, so once its
body is valid and before it counts or mails anything it must call migris.domain.mail_domains.require_mail_domain
(DESIGN.md, Mail: "Domains that cannot receive mail"), as the code rules do for every other address taken."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Self, cast

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

from migris.clock import Clock, iso_utc
from migris.domain.activity import STAFF_ACTOR
from migris.domain.audit_seal import account_key, needs_seal
from migris.domain.errors import EditConflict, InvalidInput, NotLinked, ProfileIncomplete, UserNotFound
from migris.domain.events import log_event
from migris.domain.records import (
    Account,
    AccountChanges,
    ActivityKind,
    AuditEvent,
    CompanionRefused,
    FieldChange,
    Identity,
    IdentityTaken,
    StaleVersion,
)
from migris.domain.validation import EidasId, EmailAddress, PersonalCode, PersonName
from migris.domain.versioned import write_versioned
from migris.domain.views import AuditEntry, StaffProfile

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.dal.audit import AuditRepository
    from migris.domain.activity import ActivityLog
    from migris.domain.devices import Devices
    from migris.domain.passkeys import Passkeys
    from migris.domain.sessions import Sessions

MAX_REASON_LENGTH = 500
STAFF_FIELDS = ("given_name", "family_name", "level")
STAFF_MAX_LEVEL = 2  # 1 unidentified, 2 identified by staff

IDENTIFIED_LEVEL_IS_FIXED = (
    "this account has an identity confirmed through VIISP, so its level is 3 while it has one; staff set the "
    "level only on an account without one"
)


def _staff_level(level: int) -> int:
    if level > STAFF_MAX_LEVEL:
        raise ValueError("staff set level 1 or 2: level 3 comes only with an identity confirmed through VIISP")
    return level


def _reason_in_words(reason: str) -> str:
    collapsed = " ".join(reason.split())
    if not collapsed:
        raise ValueError("give the reason for the change")
    return collapsed


# A level staff may set: 1 or 2. Level 3 comes only with an identity VIISP vouched for (a sign-in or a link) and
# goes with the unlink. The schema states the bound; _staff_level says it in words.
StaffLevel = Annotated[
    int, Field(strict=True, ge=1, json_schema_extra={"maximum": STAFF_MAX_LEVEL}), AfterValidator(_staff_level)
]
# Why staff did it, as the audit keeps it: 1 to 500 characters as sent, whitespace runs collapsed to one space.
# The person reads it too, word for word, in their activity.
StaffReason = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_REASON_LENGTH,
        description="Why: kept in the audit and shown word for word to the person in their activity",
    ),
    AfterValidator(_reason_in_words),
]


class UserSearch(BaseModel):
    """POST /staff/users/search: one key, in the body so it stays out of URLs and access logs."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    email: EmailAddress | None = None
    personal_code: PersonalCode | None = None
    eidas_id: EidasId | None = None  # an EU citizen identified through eIDAS: CC/CC/identifier

    @model_validator(mode="after")
    def _exactly_one_key(self) -> Self:
        if [self.email, self.personal_code, self.eidas_id].count(None) != 2:
            raise ValueError("send one of email, personal_code or eidas_id")
        return self

    @property
    def key_kind(self) -> str:
        return "email" if self.email else "personal_code" if self.personal_code else "eidas_id"


class StaffChange(BaseModel):
    """PATCH /staff/users/{user_id}."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    given_name: PersonName | None = None
    family_name: PersonName | None = None
    level: StaffLevel | None = None
    reason: StaffReason

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if all(getattr(self, name) is None for name in STAFF_FIELDS):
            raise ValueError("send given_name, family_name or level")
        return self


class SessionsRevoke(BaseModel):
    """POST /staff/users/{user_id}/sessions/revoke."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    reason: StaffReason
    passkeys: StrictBool = Field(
        default=False, description="Also remove every passkey of the account, in the same write"
    )


class IdentityUnlink(BaseModel):
    """POST /staff/users/{user_id}/identity/unlink."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    reason: StaffReason


UNLINKED_LEVEL = 1  # unidentified again; staff who identified the person at the desk set 2 with its own reason


class StaffDesk:
    def __init__(
        self,
        accounts: AccountRepository,
        audit: AuditRepository,
        sessions: Callable[[], Sessions],
        clock: Clock,
        devices: Callable[[], Devices] | None = None,
        passkeys: Callable[[], Passkeys] | None = None,
        activity: ActivityLog | None = None,
    ) -> None:
        """`sessions` gives the session rules when a revoke first needs them: no other staff route loads them;
        `devices`, the known devices a revoke or an unlink ends with the sessions; `activity`, where the person
        sees each change with its reason (staff shown as `staff`, never by their ARN)."""
        self._activity = activity
        self._devices = devices
        self._passkeys = passkeys
        self._accounts = accounts
        self._audit = audit
        self._sessions = sessions
        self._clock = clock

    def search(self, query: UserSearch, actor: str) -> list[StaffProfile]:
        if query.email is not None:
            user_id = self._accounts.user_id_for_email(query.email)
        elif query.personal_code is not None:
            user_id = self._accounts.user_id_for_identity(Identity(kind="lt-personal-code", key=query.personal_code))
        else:
            user_id = self._accounts.user_id_for_identity(Identity(kind="eidas", key=str(query.eidas_id)))
        user = self._accounts.get_user(user_id) if user_id else None
        log_event("staff_search", actor=actor, by=query.key_kind, found=bool(user))
        return [StaffProfile.of(user)] if user else []

    def change(self, user_id: str, change: StaffChange, actor: str) -> StaffProfile:
        wanted: dict[str, Any] = change.model_dump(include=set(STAFF_FIELDS), exclude_none=True)

        def change_with_audit(user: Account) -> Account:
            if ("given_name" in wanted or "family_name" in wanted) and not user.given_name:
                # The person gives names at the first fill; staff correct them afterwards.
                raise ProfileIncomplete
            if "level" in wanted and user.identity is not None:
                # Level and identity never disagree: an account with an identity is level 3 while it has one.
                raise InvalidInput({"level": IDENTIFIED_LEVEL_IS_FIXED})
            before = {name: getattr(user, name) for name in wanted}
            changed = {name: value for name, value in wanted.items() if before[name] != value}
            if not changed:
                return user
            now = self._clock.now()
            event = AuditEvent(
                user_id=user_id,
                at=iso_utc(now),
                actor=actor,
                changes={name: FieldChange(before=before[name], after=value) for name, value in changed.items()},
                reason=change.reason,
            )
            # Names are sealed under the account's audit key; the first such event brings the key, in this write.
            key, with_key = account_key(user) if needs_seal(event.changes) else (None, {})
            self._accounts.update_user(
                user_id,
                user.version,
                # STAFF_FIELDS name account attributes
                cast(AccountChanges, changed | {"updated_at": int(now)} | dict(with_key)),
                with_items=(self._audit.append_item(event, now, key), *self._line("staff_changed", event)),
            )
            log_event("staff_changed_user", user_id=user_id, actor=actor, fields=sorted(changed))
            return self._user(user_id)

        return StaffProfile.of(write_versioned(lambda: self._user(user_id), change_with_audit, exhausted=EditConflict))

    def revoke_sessions(self, user_id: str, revoke: SessionsRevoke, actor: str) -> int:
        """End every session of the person, with its audit event, in one write: the account's session epoch
        moves on, and a session opened under an older one is over (migris.domain.sessions). How many were live
        just before (counted as the person's own list counts them); none is still an event."""

        def end_all_with_audit(user: Account) -> int:
            ended = self._sessions().live_count(user)
            now = self._clock.now()
            changes = {"sessions": FieldChange(before=ended, after=0)}
            removal: list[dict[str, Any]] = []
            if revoke.passkeys and self._passkeys is not None:
                # In the write that ends the sessions: no intruder's passkey outlives the revoke.
                count, removal = self._passkeys().removal_items(user_id)
                changes["passkeys"] = FieldChange(before=count, after=0)
            event = AuditEvent(user_id=user_id, at=iso_utc(now), actor=actor, changes=changes, reason=revoke.reason)
            try:
                self._accounts.update_user(
                    user_id,
                    user.version,
                    {"session_epoch": user.session_epoch + 1},
                    with_items=(self._audit.append_item(event, now), *removal, *self._line("sessions_ended", event)),
                )
            except CompanionRefused:
                raise StaleVersion(user_id) from None  # a passkey went meanwhile: count and remove them again
            log_event("staff_revoked_sessions", user_id=user_id, actor=actor, ended=ended)
            return ended

        ended = write_versioned(lambda: self._user(user_id), end_all_with_audit, exhausted=EditConflict)
        self._end_devices(user_id)
        return ended

    def unlink_identity(self, user_id: str, unlink: IdentityUnlink, actor: str) -> StaffProfile:
        """Take a linked identity off an e-mail account (a link the person did not make, say), with its audit
        event, in one write: the identity's item is released, the level is 1 again and every session ends (the
        epoch moves), so VIISP opens the account no more. The names stay as they are; staff change them apart.
        NotLinked for an account with no link (a VIISP account's identity is its sign-in)."""

        def unlink_with_audit(user: Account) -> Account:
            identity = user.identity
            if identity is None or user.login_method != "email":
                raise NotLinked
            now = self._clock.now()
            changes: dict[str, FieldChange] = {"identity": FieldChange(before=identity.in_words, after=None)}
            if user.level != UNLINKED_LEVEL:
                changes["level"] = FieldChange(before=user.level, after=UNLINKED_LEVEL)
            event = AuditEvent(user_id=user_id, at=iso_utc(now), actor=actor, changes=changes, reason=unlink.reason)
            unlinked: AccountChanges = {
                "level": UNLINKED_LEVEL,
                "session_epoch": user.session_epoch + 1,
                "updated_at": int(now),
            }
            audited = (self._audit.append_item(event, now), *self._line("identity_unlinked", event))
            try:
                self._accounts.unlink_identity(user, identity, unlinked, with_items=audited)
            except IdentityTaken:
                # The identity's item names another account (data gone wrong): this account loses the identity
                # all the same, the other keeps its item, and those who watch the logs are told.
                log_event("identity_item_mismatch", level="error", security=True, user_id=user_id)
                self._accounts.unlink_identity(user, identity, unlinked, with_items=audited, release=False)
            log_event("staff_unlinked_identity", user_id=user_id, actor=actor, kind=identity.kind)
            return self._user(user_id)

        unlinked = write_versioned(lambda: self._user(user_id), unlink_with_audit, exhausted=EditConflict)
        self._end_devices(user_id)
        return StaffProfile.of(unlinked)

    def _line(self, kind: ActivityKind, event: AuditEvent) -> list[dict[str, Any]]:
        """The change's line in the person's activity, in the change's own write: what and why, by `staff`."""
        if self._activity is None:
            return []
        return [self._activity.item(event.user_id, kind, STAFF_ACTOR, changes=event.changes, reason=event.reason)]

    def _end_devices(self, user_id: str) -> None:
        """The known devices ended with the epoch: deleted too, so a code's start stops giving them the reserve."""
        if self._devices is not None:
            self._devices().after_epoch_moved(user_id)

    def audit(self, user_id: str) -> list[AuditEntry]:
        """The account's audit, its sealed changes opened; an erased account's (its tombstone stays) with the
        names and addresses read as erased: the key that sealed them is gone."""
        user = self._user(user_id, erased=True)
        return [AuditEntry.of(event) for event in self._audit.events(user_id, user.audit_key)]

    def _user(self, user_id: str, *, erased: bool = False) -> Account:
        """The account; UserNotFound for none, and for an erased one unless `erased` (only its audit is read)."""
        try:
            uuid.UUID(user_id)
        except ValueError:
            raise UserNotFound from None
        user = self._accounts.get_user(user_id)
        if user is None or (user.erased_at is not None and not erased):
            raise UserNotFound
        return user
