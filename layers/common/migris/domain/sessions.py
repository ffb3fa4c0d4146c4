"""Sessions: a 256-bit random token that only its holder knows; the table keeps its SHA-256. Idle and
absolute expiry are checked here (TTL only cleans up).

Ending an account's sessions is one write on the account: its `session_epoch` moves on, and a session
opened under an older epoch is over. The write that decides it (an e-mail change, a staff revoke) is that
write, and an e-mail change carries the one session that stays into the new epoch in the same transaction, so
no later failure can leave another alive.

Every write that creates or keeps a session is conditional on the epoch it read (a check on the account, or the
session's own epoch when it is carried), so a request in flight never opens or carries one into an epoch that
ended meanwhile; a device joins the same condition."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NoReturn

from migris.clock import Clock
from migris.domain.activity import ActivityLog, network_of, sign_in_way
from migris.domain.browsers import browser_in_words
from migris.domain.errors import FreshSignInRequired, SessionNotFound, Unauthenticated
from migris.domain.events import log_event
from migris.domain.records import Account, EpochMoved, LoginMethod, SessionRecord

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.dal.sessions import SessionRepository
    from migris.domain.sign_in_notices import SignInNotices

# What a sensitive change (a link, a passkey's registration or removal) asks of the session that asks for it: to
# have been opened this recently, a fresh proof of the address (ASVS 5.0 V6/V7: re-authentication before it), rather
# than any session up to its 12 hours, one left open on a shared computer say. DESIGN.md's FreshSignInSeconds.
FRESH_SIGN_IN_SECONDS = 600
TOKEN_BYTES = 32
PUBLIC_ID_BYTES = 16
# A request restarts the idle clock only when the last restart is at least this old: most requests then write
# nothing, and a session idles out up to this much early, never late (half the idle time when that is shorter).
TOUCH_INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class OpenedSession:
    token: str
    user_id: str
    expires_in: int
    # What a new-sign-in notice tells: the account signed in to, how (the activity's words) and the browser.
    account: Account | None = field(default=None, repr=False, compare=False)
    way: str = ""
    browser: str = ""


@dataclass(frozen=True)
class SessionEntry:
    """One of the person's live sessions as their list shows it."""

    id: str
    created_at: int
    last_seen_at: int
    current: bool
    method: str
    browser: str = ""


@dataclass(frozen=True)
class CurrentSession:
    """The signed-in caller as a route knows them: whose session it is, which (its token's SHA-256), and the
    account as read when the session was checked."""

    user_id: str
    token_hash: str
    account: Account
    created_at: int = 0  # when the session was opened (a link asks for a recent one)
    fresh_seconds: int = FRESH_SIGN_IN_SECONDS  # how long after that it counts as a fresh sign-in


def require_fresh(session: CurrentSession, now: float) -> None:
    """FreshSignInRequired unless the session was opened in the last `fresh_seconds` (FreshSignInSeconds)."""
    if now - session.created_at > session.fresh_seconds:
        raise FreshSignInRequired


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
        activity: ActivityLog | None = None,
        notices: Callable[[], SignInNotices] | None = None,
        fresh_seconds: int = FRESH_SIGN_IN_SECONDS,
    ) -> None:
        """`activity` records each sign-in in the write that opens its session; `notices` tells the account's
        address of a sign-in from a device it did not know; `fresh_seconds`, how long a sign-in counts as fresh."""
        self._fresh_seconds = fresh_seconds
        self._activity = activity
        self._notices = notices
        self._repository = repository
        self._accounts = accounts
        self._clock = clock
        self._idle_seconds = idle_seconds
        self._max_seconds = max_seconds

    def open(
        self,
        account: Account | Mapping[str, Any],
        method: LoginMethod,
        with_items: Sequence[dict[str, Any]] = (),
        user_agent: str | None = None,
        source_ip: str | None = None,
        known_device: bool = True,
        new_account: bool = False,
    ) -> OpenedSession:
        """A new session for the account, in its session epoch as read, opened by `method` (with `with_items`,
        other writes that must land with it: a known device's); EpochMoved (and nothing written) when that
        epoch moved on before the write or one of them was refused. (An account item's plain attributes do too:
        tests open sessions on accounts they wrote.) See `opened` for `known_device` and `new_account`."""
        account = Account.model_validate(account)
        opened, items = self.prepare(account, method, user_agent=user_agent, source_ip=source_ip)
        if self._accounts.transact([*with_items, *items]) is not None:
            # A conflict with another transaction on the account is as likely a revoke: the caller reads again.
            raise EpochMoved(account.user_id)
        self.opened(opened, known_device=known_device, new_account=new_account)
        return opened

    def prepare(
        self,
        account: Account,
        method: LoginMethod,
        *,
        account_written: bool = False,
        user_agent: str | None = None,
        source_ip: str | None = None,
    ) -> tuple[OpenedSession, list[dict[str, Any]]]:
        """A new session for the account, and the transaction items that create it in the caller's write (call
        `opened` once that has landed): the session, the sign-in's line in the activity, and a check that the
        account is still in the epoch read. With `account_written` the same write creates the account or updates
        it at the version read, which pins the epoch already (and a transaction may not check an item it writes)."""
        browser = browser_in_words(user_agent)
        opened, record = self._new(account, method, browser)
        way = sign_in_way(account, method)
        opened = replace(opened, account=account, way=way, browser=browser)
        items = [self._repository.create_item(record)]
        if self._activity is not None:
            items.append(
                self._activity.item(
                    account.user_id,
                    "signed_in",
                    method=way,
                    browser=browser,
                    network=network_of(source_ip),
                )
            )
        if not account_written:
            items.append(self._accounts.in_epoch_item(account.user_id, account.session_epoch))
        return opened, items

    def opened(self, session: OpenedSession, *, known_device: bool = True, new_account: bool = False) -> None:
        """After the sign-in's write: a sign-in from a device that is not a known device of the account (one the
        person just made is not) tells its address, unless it is the account's first."""
        log_event("session_opened", user_id=session.user_id)
        if not known_device and not new_account and self._notices is not None and session.account is not None:
            self._notices().after_sign_in(session.account, session.way, session.browser)

    def _new(self, account: Account, method: LoginMethod, browser: str) -> tuple[OpenedSession, SessionRecord]:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = int(self._clock.now())
        record = SessionRecord(
            token_hash=token_hash(token),
            user_id=account.user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + self._max_seconds,
            epoch=account.session_epoch,
            # Random on its own: neither the token nor its hash, so the list gives nothing to sign in with.
            public_id=secrets.token_urlsafe(PUBLIC_ID_BYTES),
            method=method,
            browser=browser,
        )
        opened = OpenedSession(
            token=token, user_id=account.user_id, expires_in=min(self._idle_seconds, self._max_seconds)
        )
        return opened, record

    def authenticate(self, token: str | None) -> CurrentSession:
        """The live session for this token, its idle clock restarted (when its last restart is more than
        TOUCH_INTERVAL_SECONDS old), with its account; Unauthenticated otherwise."""
        if not token:
            raise Unauthenticated
        hashed = token_hash(token)
        now = int(self._clock.now())
        touch_after = min(TOUCH_INTERVAL_SECONDS, self._idle_seconds // 2)
        # One call reads the session and, if it is alive and its idle clock a minute old, restarts that clock.
        session = self._repository.seen(
            hashed,
            now,
            live_after=(now - self._idle_seconds, now - self._max_seconds),
            touch_before=now - touch_after,
        )
        if session is None:
            raise Unauthenticated
        idle_deadline = session.last_seen_at + self._idle_seconds
        absolute_deadline = session.created_at + self._max_seconds
        if now >= idle_deadline or now >= absolute_deadline:
            self._end(session, "session_expired")  # the read's write restarts only a live session's clock
        account = self._accounts.get_user(session.user_id)
        if account is None or account.session_epoch != session.epoch:
            self._end(session, "session_ended")
        return CurrentSession(
            user_id=session.user_id,
            token_hash=session.token_hash,
            account=account,
            created_at=session.created_at,
            fresh_seconds=self._fresh_seconds,
        )

    def _end(self, session: SessionRecord, event: str) -> NoReturn:
        self._repository.delete(session.token_hash)
        log_event(event, user_id=session.user_id)
        raise Unauthenticated

    def live_of(self, current: CurrentSession) -> list[SessionEntry]:
        """The person's live sessions, the most recently used first; `current` marks the one asking."""
        entries = [
            SessionEntry(
                id=record.public_id,
                created_at=record.created_at,
                last_seen_at=record.last_seen_at,
                current=record.token_hash == current.token_hash,
                method=record.method,
                browser=record.browser,
            )
            for record in self._live_records(current.account)
            if record.public_id
        ]
        return sorted(entries, key=lambda entry: (not entry.current, -entry.last_seen_at))

    def live_count(self, account: Account) -> int:
        """How many of the account's sessions are live now, by the rules the person's own list follows (a
        session from before sessions had ids counts too: it is as alive, only not listable)."""
        return len(self._live_records(account))

    def _live_records(self, account: Account) -> list[SessionRecord]:
        now = int(self._clock.now())
        return [record for record in self._repository.of_user(account.user_id) if self._is_live(record, account, now)]

    def end_one(self, current: CurrentSession, public_id: str) -> bool:
        """End the person's live session with this id, at once; whether it was the one asking. SessionNotFound
        when the person has no such live session (someone else's id gets the same answer)."""
        now = int(self._clock.now())
        for record in self._repository.of_user(current.user_id):
            if record.public_id and record.public_id == public_id and self._is_live(record, current.account, now):
                if not self._repository.delete_of(record.token_hash, current.user_id):
                    break
                log_event("session_ended_by_person", user_id=current.user_id)
                if self._activity is not None:
                    self._activity.record(current.user_id, "session_ended", browser=record.browser)
                return record.token_hash == current.token_hash
        raise SessionNotFound

    def _is_live(self, record: SessionRecord, account: Account, now: int) -> bool:
        return (
            record.epoch == account.session_epoch
            and now < record.last_seen_at + self._idle_seconds
            and now < record.created_at + self._max_seconds
        )

    def revoke(self, session: CurrentSession) -> None:
        self._repository.delete(session.token_hash)
        log_event("logout", user_id=session.user_id)

    def ending(self, session_hash: str, account: Account) -> dict[str, Any]:
        """The transaction item that ends this session of the account, whose condition fails unless the session
        is still live: the write it lands with is refused for a session that ended meanwhile."""
        now = int(self._clock.now())
        return self._repository.end_live_item(
            session_hash,
            account.user_id,
            account.session_epoch,
            live_after=(now - self._idle_seconds, now - self._max_seconds),
        )

    def keep_only(self, session_hash: str, account: Account, next_epoch: int) -> dict[str, Any]:
        """The transaction item that, with the account's epoch moved from the one read (`account`) to
        `next_epoch` in the same write, ends every session of the account but this one. Its condition is the
        epoch read: a session that another epoch move ended in between is not kept, and the write is refused
        (migris.domain.records.CompanionRefused)."""
        now = int(self._clock.now())
        return self._repository.carry_into_epoch(
            session_hash,
            account.user_id,
            account.session_epoch,
            next_epoch,
            live_after=(now - self._idle_seconds, now - self._max_seconds),
        )
