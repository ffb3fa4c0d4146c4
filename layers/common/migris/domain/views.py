"""The account as the API shows it: to the person (Profile) and to staff (StaffProfile), and a staff change
as the audit shows it. Handlers answer with these models and Powertools checks each answer against them."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from migris.clock import iso_utc
from migris.domain.records import Account, ActivityEvent, ActivityKind, AuditEvent, FieldChange, IdentityKind, SignInWay
from migris.domain.validation import Language


def _iso(epoch_seconds: int | None) -> str | None:
    return None if epoch_seconds is None else iso_utc(epoch_seconds)


class IdentityView(BaseModel):
    """How the account's holder is identified, without the code itself: a Lithuanian personal code, or an eIDAS
    identifier with the country that issued it."""

    model_config = ConfigDict(defer_build=True)

    kind: IdentityKind
    country: str | None = Field(default=None, exclude_if=lambda country: country is None)


class Profile(BaseModel):
    """The person's view of their account: no personal code or eIDAS identifier (staff see them)."""

    model_config = ConfigDict(defer_build=True)  # built on first use, not at import

    user_id: str
    email: str | None
    pending_email: str | None
    given_name: str | None
    family_name: str | None
    phone_number: str | None
    level: int
    login_method: str | None
    identity: IdentityView | None  # null for an account identified by no one but its e-mail address
    profile_complete: bool
    language: Language | None  # as kept for the person's mails; null until chosen
    created_at: str | None  # ISO 8601 UTC, as every time in the API
    updated_at: str | None

    @classmethod
    def of(cls, account: Account) -> Self:
        return cls(
            user_id=account.user_id,
            email=account.email,
            pending_email=account.pending_email,
            given_name=account.given_name,
            family_name=account.family_name,
            phone_number=account.phone_number,
            level=account.level,
            login_method=account.login_method,
            identity=None if account.identity is None else IdentityView(**account.identity.model_dump(exclude={"key"})),
            profile_complete=account.profile_complete,
            language=account.language,
            created_at=_iso(account.created_at),
            updated_at=_iso(account.updated_at),
        )


class StaffProfile(Profile):
    """The profile as staff see it: with the personal code or the eIDAS identifier of an identified account,
    and no such key for others."""

    personal_code: str | None = Field(default=None, exclude_if=lambda code: code is None)
    eidas_id: str | None = Field(default=None, exclude_if=lambda code: code is None)

    @classmethod
    def of(cls, account: Account) -> Self:
        return cls(
            **Profile.of(account).model_dump(),
            personal_code=account.personal_code or None,
            eidas_id=account.eidas_id or None,
        )


class AuditChange(BaseModel):
    """One field's change as the audit shows it. A name or an address of an erased account reads as erased:
    before and after null and `erased` true (the key that sealed them went with the account)."""

    model_config = ConfigDict(defer_build=True)

    before: str | int | None
    after: str | int | None
    erased: bool = Field(default=False, exclude_if=lambda erased: not erased)

    @classmethod
    def of(cls, change: FieldChange) -> Self:
        return cls(before=change.before, after=change.after, erased=change.erased)


class AuditEntry(BaseModel):
    model_config = ConfigDict(defer_build=True)

    at: str
    actor: str  # the IAM ARN API Gateway verified, or self:viisp
    changes: dict[str, AuditChange]
    reason: str

    @classmethod
    def of(cls, event: AuditEvent) -> Self:
        changes = {name: AuditChange.of(change) for name, change in event.changes.items()}
        return cls(at=event.at, actor=event.actor, changes=changes, reason=event.reason)


# Browser words the parser could not give, as the activity shows them (the pages say it in the person's language).
ANOTHER_BROWSER = "another browser"


class ActivityEntry(BaseModel):
    """One line of the person's activity as the API shows it (migris.domain.activity)."""

    model_config = ConfigDict(defer_build=True)

    at: str
    kind: ActivityKind
    actor: str = Field(description="self, self:viisp, staff or system: never an ARN")
    method: SignInWay | None = Field(default=None, description="A sign-in's way: email, viisp, eidas or passkey")
    browser: str | None = Field(
        default=None, description="Browser and system in a parser's words, else 'another browser'"
    )
    network: str | None = Field(default=None, description="The network a sign-in came from, cut to /24 or /48")
    changes: dict[str, AuditChange] | None = None
    reason: str | None = Field(default=None, description="Staff's reason for their change")
    reference: str | None = Field(default=None, description='A "not me" report\'s reference number')

    @classmethod
    def of(cls, event: ActivityEvent) -> Self:
        browser = event.browser
        if browser is not None and not browser:
            browser = ANOTHER_BROWSER
        return cls(
            at=iso_utc(event.at),
            kind=event.kind,
            actor=event.actor,
            method=event.method,
            browser=browser,
            network=event.network,
            changes=None if event.changes is None else {n: AuditChange.of(c) for n, c in event.changes.items()},
            reason=event.reason,
            reference=event.reference,
        )


class ActivityList(BaseModel):
    model_config = ConfigDict(defer_build=True)

    events: list[ActivityEntry]  # newest first
    next: str | None = Field(default=None, description="Ask `GET /activity?next=<this>` for older events")


class SignedIn(BaseModel):
    """A sign-in's answer (an e-mail code, a passkey): the session's token (also set as the cookie), how long it
    lives idle, and the profile."""

    model_config = ConfigDict(defer_build=True)

    token: str
    expires_in: int
    profile_complete: bool
    profile: Profile

    @classmethod
    def of(cls, account: Account, token: str, expires_in: int) -> Self:
        profile = Profile.of(account)
        return cls(token=token, expires_in=expires_in, profile_complete=profile.profile_complete, profile=profile)
