"""Sessions: a 256-bit random token that only its holder knows; the table keeps its SHA-256. Idle and
absolute expiry are checked here (TTL only cleans up)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from migris.clock import Clock
from migris.errors import Unauthenticated
from migris.observability import log_event
from migris.repositories import SessionRecord, SessionRepository

TOKEN_BYTES = 32


@dataclass(frozen=True)
class OpenedSession:
    token: str
    user_id: str
    expires_in: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(self, repository: SessionRepository, clock: Clock, idle_seconds: int, max_seconds: int) -> None:
        self._repository = repository
        self._clock = clock
        self._idle_seconds = idle_seconds
        self._max_seconds = max_seconds

    def open(self, user_id: str) -> OpenedSession:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = int(self._clock.now())
        self._repository.create(
            SessionRecord(
                token_hash=token_hash(token),
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + self._max_seconds,
            )
        )
        log_event("session_opened", user_id=user_id)
        return OpenedSession(token=token, user_id=user_id, expires_in=min(self._idle_seconds, self._max_seconds))

    def authenticate(self, token: str | None) -> SessionRecord:
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
            self._repository.delete(hashed)
            log_event("session_expired", user_id=session.user_id)
            raise Unauthenticated
        if not self._repository.touch(hashed, now):
            raise Unauthenticated
        return session

    def revoke(self, session: SessionRecord) -> None:
        self._repository.delete(session.token_hash)
        log_event("logout", user_id=session.user_id)

    def end_others(self, user_id: str, *, keep: str) -> int:
        """End every session of the account but the one whose token hash is `keep`; returns how many."""
        ended = 0
        for hashed in self._repository.token_hashes_of(user_id):
            if hashed != keep:
                self._repository.delete(hashed)
                ended += 1
        return ended
