"""The person's own copy of what the service holds about them (GET /profile/export; GDPR Art. 15 and 20): the
account with their own personal code or eIDAS identifier (the one non-staff answer that carries it), their live
sessions and known devices, their passkeys, their activity (GET /activity, all of it) and the staff audit of their
account as they may see it.

Never in it: a session or device token or their hashes, a "not me" token, an IAM ARN (a staff actor reads
`staff`), the audit key, and no passkey key material: neither the public key nor the credential id. A credential
id is the handle a relying party asks an authenticator for: nothing the person can use it for, and a copy of the
file (it lands in a downloads folder) would tell whoever reads it which authenticator entry to ask for. The name,
times and transports let the person recognise each passkey."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from migris.clock import Clock, iso_utc
from migris.domain.sessions import CurrentSession, require_fresh
from migris.domain.views import ActivityEntry, AuditChange, Profile

if TYPE_CHECKING:
    from migris.dal.audit import AuditRepository
    from migris.domain.activity import ActivityLog
    from migris.domain.devices import Devices
    from migris.domain.records import PasskeyRecord
    from migris.domain.sessions import Sessions

# Actors the person sees as they are; any other (an IAM ARN API Gateway verified) reads `staff`.
OWN_ACTORS = frozenset({"self", "self:viisp", "system"})


def actor_as_the_person_sees_it(actor: str) -> str:
    return actor if actor in OWN_ACTORS else "staff"


class ExportedAccount(Profile):
    personal_code: str | None = Field(default=None, description="The person's own Lithuanian personal code")
    eidas_id: str | None = Field(default=None, description="The person's own eIDAS identifier")


class ExportedSession(BaseModel):
    created_at: str
    last_seen_at: str
    current: bool
    method: str
    browser: str


class ExportedDevice(BaseModel):
    created_at: str
    last_used_at: str
    browser: str


class ExportedPasskey(BaseModel):
    name: str
    created_at: str
    last_used_at: str | None
    transports: list[str]


class ExportedAuditEvent(BaseModel):
    at: str
    actor: str = Field(description="`staff` for migration staff (never who), else self, self:viisp or system")
    changes: dict[str, AuditChange]
    reason: str


class AccountExport(BaseModel):
    """The file GET /profile/export answers with."""

    model_config = ConfigDict(defer_build=True)

    exported_at: str
    account: ExportedAccount
    sessions: list[ExportedSession]
    devices: list[ExportedDevice]
    passkeys: list[ExportedPasskey]
    activity: list[ActivityEntry] = Field(description="What happened on the account, newest first (GET /activity)")
    staff_audit: list[ExportedAuditEvent] = Field(
        description="Staff changes of the account and VIISP links, oldest first"
    )


class AccountExports:
    def __init__(
        self,
        sessions: Sessions,
        devices: Callable[[], Devices],
        passkeys: Callable[[str], list[PasskeyRecord]],
        audit: Callable[[], AuditRepository],
        activity: ActivityLog,
        clock: Clock,
    ) -> None:
        self._sessions = sessions
        self._devices = devices
        self._passkeys = passkeys
        self._audit = audit
        self._activity = activity
        self._clock = clock

    def export(self, session: CurrentSession) -> AccountExport:
        """FreshSignInRequired for a session older than FRESH_SIGN_IN_SECONDS: the file holds the personal code."""
        now = self._clock.now()
        require_fresh(session, now)
        account = session.account
        profile: dict[str, Any] = Profile.of(account).model_dump()
        return AccountExport(
            exported_at=iso_utc(now),
            account=ExportedAccount(**profile, personal_code=account.personal_code, eidas_id=account.eidas_id),
            sessions=[
                ExportedSession(
                    created_at=iso_utc(entry.created_at),
                    last_seen_at=iso_utc(entry.last_seen_at),
                    current=entry.current,
                    method=entry.method,
                    browser=entry.browser,
                )
                for entry in self._sessions.live_of(session)
            ],
            devices=[
                ExportedDevice(
                    created_at=iso_utc(device.created_at),
                    last_used_at=iso_utc(device.last_used_at),
                    browser=device.browser,
                )
                for device in self._devices().live_of(account)
            ],
            passkeys=[
                ExportedPasskey(
                    name=passkey.name,
                    created_at=iso_utc(passkey.created_at),
                    last_used_at=None if passkey.last_used_at is None else iso_utc(passkey.last_used_at),
                    transports=list(passkey.transports),
                )
                for passkey in self._passkeys(account.user_id)
            ],
            activity=[ActivityEntry.of(event) for event in self._activity.everything(account.user_id)],
            staff_audit=[
                ExportedAuditEvent(
                    at=event.at,
                    actor=actor_as_the_person_sees_it(event.actor),
                    changes={name: AuditChange.of(change) for name, change in event.changes.items()},
                    reason=event.reason,
                )
                for event in self._audit().events(account.user_id, account.audit_key)
            ],
        )
