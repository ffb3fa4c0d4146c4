""" "Not me" (DESIGN.md, "Your account"): a mail that tells the person of something done on their account (a
passkey added) carries a link `/#/not-me?t=<token>`. Opening the page changes nothing (mail scanners open
links); only its button (POST /activity/not-me, public) spends the token, and then, in one write: every session
and device of the account ends (the epoch moves), every passkey added since what the mail told of is removed, and
a pending e-mail change is cancelled. A reference number is answered and logged.

Tokens are 256-bit random, kept only as keyed hashes (the code pepper's HMAC), single use, and live
NotMeTokenSeconds (7 days)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from migris.clock import Clock
from migris.domain.devices import Devices
from migris.domain.errors import EditConflict, InvalidToken
from migris.domain.events import log_event
from migris.domain.records import Account, AccountChanges, CompanionRefused, NotMeToken, StaleVersion
from migris.domain.versioned import write_versioned

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.dal.not_me import NotMeTokens
    from migris.dal.passkeys import PasskeyRepository
    from migris.domain.activity import ActivityLog

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 128
PENDING_CHANGE = ("pending_email", "pending_email_id")


class NotMe:
    def __init__(
        self,
        tokens: NotMeTokens,
        accounts: AccountRepository,
        passkeys: PasskeyRepository,
        devices: Devices,
        keyed: Callable[[str, str], str],
        clock: Clock,
        token_seconds: int,
        web_origin: str,
        activity: ActivityLog | None = None,
    ) -> None:
        self._activity = activity
        self._tokens = tokens
        self._accounts = accounts
        self._passkeys = passkeys
        self._devices = devices
        self._keyed = keyed
        self._clock = clock
        self._token_seconds = token_seconds
        self._web_origin = web_origin

    def link(self, account: Account, since: int) -> str:
        """A fresh "not me" link for a mail about the account, telling of what happened at `since`."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = int(self._clock.now())
        self._tokens.put(
            NotMeToken(
                token_hash=self._keyed("not-me", token),
                user_id=account.user_id,
                since=since,
                expires_at=now + self._token_seconds,
            )
        )
        return f"{self._web_origin}/#/not-me?t={token}"

    def _made_at(self, token: NotMeToken) -> int:
        return token.expires_at - self._token_seconds

    def report(self, token: str) -> str:
        """Spend the token: end every session and device, remove the passkeys added since, cancel a pending
        change; the report's reference. InvalidToken for a token unknown, used or expired."""
        now = int(self._clock.now())
        found = self._tokens.get(self._keyed("not-me", token)) if len(token) <= MAX_TOKEN_LENGTH else None
        if found is None or found.expires_at <= now:
            raise InvalidToken
        spent: list[int] = []
        reference = f"NM-{secrets.token_hex(4).upper()}"
        recorded = (
            [self._activity.item(found.user_id, "not_me_reported", reference=reference)]
            if self._activity is not None
            else []
        )

        def secure(account: Account) -> int:
            if account.recovered_at and self._made_at(found) < account.recovered_at:
                raise InvalidToken  # mailed to the address a recovery took the account from
            added = [p for p in self._passkeys.of_user(account.user_id) if p.created_at >= found.since]
            changes: AccountChanges = {"session_epoch": account.session_epoch + 1, "updated_at": now}
            try:
                self._accounts.update_user(
                    account.user_id,
                    account.version,
                    changes,
                    remove=PENDING_CHANGE,
                    with_items=(
                        self._tokens.spend_item(found, now),
                        *self._passkeys.remove_items(added),
                        *recorded,
                    ),
                )
            except CompanionRefused:
                if self._tokens.get(found.token_hash) is None:
                    raise InvalidToken from None  # used meanwhile (the other report ended everything)
                raise StaleVersion(account.user_id) from None  # a passkey went meanwhile: list them again
            spent.append(len(added))
            return len(added)

        def read() -> Account:
            account = self._accounts.get_user(found.user_id)
            if account is None:
                raise InvalidToken
            return account

        removed = write_versioned(read, secure, exhausted=EditConflict)
        self._devices.after_epoch_moved(found.user_id)
        log_event(
            "not_me_reported",
            level="warning",
            security=True,
            user_id=found.user_id,
            reference=reference,
            passkeys_removed=removed,
        )
        return reference
