"""What migration staff do: find a person by e-mail or personal code (key lookups, never a scan), change names
or the level with a reason, and read the audit of those changes. Every change and its audit event land in one
transaction, so there is no change without its record."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any, Self, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from migris.clock import Clock, iso_utc
from migris.domain.errors import EditConflict, ProfileIncomplete, UserNotFound
from migris.domain.events import log_event
from migris.domain.records import Account, AccountChanges, AuditEvent, FieldChange
from migris.domain.validation import EmailAddress, PersonalCode, PersonName
from migris.domain.versioned import write_versioned
from migris.domain.views import AuditEntry, StaffProfile

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.dal.audit import AuditRepository

MAX_REASON_LENGTH = 500
STAFF_FIELDS = ("given_name", "family_name", "level")


class UserSearch(BaseModel):
    """POST /staff/users/search: one key, in the body so it stays out of URLs and access logs."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    email: EmailAddress | None = None
    personal_code: PersonalCode | None = None

    @model_validator(mode="after")
    def _exactly_one_key(self) -> Self:
        if (self.email is None) == (self.personal_code is None):
            raise ValueError("send either email or personal_code")
        return self


class StaffChange(BaseModel):
    """PATCH /staff/users/{user_id}."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    given_name: PersonName | None = None
    family_name: PersonName | None = None
    level: Annotated[int, Field(strict=True, ge=1, le=3)] | None = None
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON_LENGTH)]

    @field_validator("reason")
    @classmethod
    def _reason_in_words(cls, reason: str) -> str:
        collapsed = " ".join(reason.split())
        if not collapsed:
            raise ValueError("give the reason for the change")
        return collapsed

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if all(getattr(self, name) is None for name in STAFF_FIELDS):
            raise ValueError("send given_name, family_name or level")
        return self


class StaffDesk:
    def __init__(self, accounts: AccountRepository, audit: AuditRepository, clock: Clock) -> None:
        self._accounts = accounts
        self._audit = audit
        self._clock = clock

    def search(self, query: UserSearch, actor: str) -> list[StaffProfile]:
        if query.email is not None:
            user_id = self._accounts.user_id_for_email(query.email)
        else:
            user_id = self._accounts.user_id_for_personal_code(str(query.personal_code))
        user = self._accounts.get_user(user_id) if user_id else None
        log_event("staff_search", actor=actor, by="email" if query.email else "personal_code", found=bool(user))
        return [StaffProfile.of(user)] if user else []

    def change(self, user_id: str, change: StaffChange, actor: str) -> StaffProfile:
        wanted: dict[str, Any] = change.model_dump(include=set(STAFF_FIELDS), exclude_none=True)

        def change_with_audit(user: Account) -> Account:
            if ("given_name" in wanted or "family_name" in wanted) and not user.given_name:
                # The person gives names at the first fill; staff correct them afterwards.
                raise ProfileIncomplete
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
            sort_key = f"{int(now * 1000):015d}#{uuid.uuid4()}"
            self._accounts.update_user(
                user_id,
                user.version,
                cast(AccountChanges, changed | {"updated_at": int(now)}),  # STAFF_FIELDS name account attributes
                with_items=(self._audit.append_item(event, sort_key),),
            )
            log_event("staff_changed_user", user_id=user_id, actor=actor, fields=sorted(changed))
            return self._user(user_id)

        return StaffProfile.of(write_versioned(lambda: self._user(user_id), change_with_audit, exhausted=EditConflict))

    def audit(self, user_id: str) -> list[AuditEntry]:
        self._user(user_id)
        return [AuditEntry.of(event) for event in self._audit.events(user_id)]

    def _user(self, user_id: str) -> Account:
        try:
            uuid.UUID(user_id)
        except ValueError:
            raise UserNotFound from None
        user = self._accounts.get_user(user_id)
        if user is None:
            raise UserNotFound
        return user
