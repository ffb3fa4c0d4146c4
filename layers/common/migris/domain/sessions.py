"""Sessions: a 256-bit random token that only its holder knows; the table keeps its SHA-256. Idle and
absolute expiry are checked here (TTL only cleans up).

Ending an account's sessions is one write on the account: its `session_epoch` moves on, and a session
opened under an older epoch is over. The write that decides it (an e-mail change) carries the one session
that stays into the new epoch in the same transaction, so no later failure can leave another alive."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from migris.clock import Clock
from migris.domain.errors import Unauthenticated
from migris.domain.events import log_event
from migris.domain.records import Account, SessionRecord

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.dal.sessions import SessionRepository

TOKEN_BYTES = 32


@dataclass(frozen=True)
class OpenedSession:
    token: str
    user_id: str
    expires_in: int


@dataclass(frozen=True)
class CurrentSession:
    """The signed-in caller as a route knows them: whose session it is, and which (its token's SHA-256)."""

    user_id: str
    token_hash: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(
        self,
        repository: SessionRepository,
        accounts: AccountRepository,
        clock: Clock,
        idle_seconds: int,
        max_seconds: int,
    ) -> None:
        self._repository = repository
        self._accounts = accounts
        self._clock = clock
        self._idle_seconds = idle_seconds
        self._max_seconds = max_seconds

    def open(self, account: Account | Mapping[str, Any]) -> OpenedSession:
        """A new session for the account, in its current session epoch. (An account item's plain attributes
        do too: tests open sessions on accounts they wrote.)"""
        account = Account.model_validate(account)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = int(self._clock.now())
        self._repository.create(
            SessionRecord(
                token_hash=token_hash(token),
                user_id=account.user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + self._max_seconds,
                epoch=account.session_epoch,
            )
        )
        log_event("session_opened", user_id=account.user_id)
        return OpenedSession(
            token=token, user_id=account.user_id, expires_in=min(self._idle_seconds, self._max_seconds)
        )

    def authenticate(self, token: str | None) -> CurrentSession:
        """The live session for this token, its idle clock restarted; Unauthenticated otherwise."""
        if not token:
            raise Unauthenticated
        hashed = token_hash(token)
        session = self._repository.get(hashed)
        if session is None:
            raise Unauthenticated
        now = int(self._clock.now())
        idle_deadline = session.last_seen_at + self._idle_seconds
        absolute_deadline = session.created_at + self._max_seconds
        if now >= idle_deadline or now >= absolute_deadline:
            self._end(session, "session_expired")
        account = self._accounts.get_user(session.user_id)
        if account is None or account.session_epoch != session.epoch:
            self._end(session, "session_ended")
        if not self._repository.touch(hashed, now):
            raise Unauthenticated
        return CurrentSession(user_id=session.user_id, token_hash=session.token_hash)

    def _end(self, session: SessionRecord, event: str) -> NoReturn:
        self._repository.delete(session.token_hash)
        log_event(event, user_id=session.user_id)
        raise Unauthenticated

    def revoke(self, session: CurrentSession) -> None:
        self._repository.delete(session.token_hash)
        log_event("logout", user_id=session.user_id)

    def keep_only(self, session_hash: str, next_epoch: int) -> dict[str, Any]:
        """The transaction item that, with the account's epoch set to `next_epoch` in the same write, ends
        every session of the account but this one."""
        return self._repository.carry_into_epoch(session_hash, next_epoch)
