"""Known devices: a stranger who knows only an address cannot make our limits refuse its owner (DESIGN.md, "Known
devices"; OWASP's "device cookies" against lock-out attacks).

Every successful sign-in sets a device cookie, unless the person said the computer is shared: a random 256-bit
token the service keeps only as a keyed hash (the code pepper's HMAC), tied to the account, carrying the account's
session epoch and the keyed hash of the account's address (migris.domain.codes.address_key) when it was set. So a
code's start compares hashes and never reads the users table; the codes give a known device a reserve of the
address's daily ceiling, its own live code and its own run of tries (migris.domain.codes).

A device ends as a session does: when the account's epoch moves on (a revoke, an unlink, an e-mail change: the
device that confirmed the change is carried over), when the person forgets it, or after `DeviceSeconds` unused.
A write that creates or keeps one is conditional on the epoch it read. An account keeps at most
`MaxDevicesPerAccount`; the least recently used ends first."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from migris.clock import Clock
from migris.domain.browsers import browser_in_words
from migris.domain.errors import DeviceNotFound
from migris.domain.events import log_event
from migris.domain.records import Account, DeviceRecord

if TYPE_CHECKING:
    from migris.dal.devices import DeviceRepository
    from migris.domain.activity import ActivityLog

TOKEN_BYTES = 32
PUBLIC_ID_BYTES = 16


@dataclass(frozen=True)
class PresentedDevice:
    """A device cookie as a request brought it: its keyed hash, and the live device it names (None: it names none,
    or one that has ended). Its hash keys the device's own counters whatever it is worth, so a cookie costs the
    same reads whether it is good or not."""

    token: str
    hash: str
    record: DeviceRecord | None

    def of_account(self, account: Account) -> DeviceRecord | None:
        """The device, when it is this account's and in its epoch: otherwise it counts for nothing."""
        record = self.record
        if record is None or record.user_id != account.user_id or record.epoch != account.session_epoch:
            return None
        return record


@dataclass(frozen=True)
class DeviceGrant:
    """What a sign-in leaves on the browser: the device token for its cookie, and whether it is a new device."""

    token: str
    created: bool


class Devices:
    def __init__(
        self,
        repository: DeviceRepository,
        keyed: Callable[[str, str], str],
        address_hash: Callable[[str], str],
        clock: Clock,
        device_seconds: int,
        max_devices: int,
        activity: ActivityLog | None = None,
    ) -> None:
        """`keyed(purpose, value)` is the keyed hash under the code pepper (read on first use); `address_hash` the
        address's keyed hash as the codes know it (migris.domain.codes.address_key)."""
        self._activity = activity  # where a device the person forgets is recorded
        self._repository = repository
        self._keyed = keyed
        self._address_hash = address_hash
        self._clock = clock
        self._device_seconds = device_seconds
        self._max_devices = max_devices

    @property
    def seconds(self) -> int:
        return self._device_seconds

    def hash_of(self, token: str) -> str:
        return self._keyed("device", token)

    def _sign_in_address_hash(self, account: Account, email: str | None) -> str:
        """What a device of the account carries: the keyed hash of the address its e-mail sign-in opens it by. A
        VIISP account's address is contact data (VIISP's, unconfirmed; another account may sign in with it), and
        an account without an address gets no codes: their devices carry none, and no box takes them as its own."""
        if not email or account.login_method != "email":
            return ""
        return self._address_hash(email)

    def recognise(self, token: str | None) -> PresentedDevice | None:
        """The device a cookie names, read the same way whatever the cookie is worth; None without a cookie."""
        if not token:
            return None
        hashed = self.hash_of(token)
        record = self._repository.get(hashed)
        if record is not None and record.expires_at <= int(self._clock.now()):
            record = None
        return PresentedDevice(token=token, hash=hashed, record=record)

    def recognise_hash(self, device_hash: str | None) -> PresentedDevice | None:
        """The device a VIISP ticket learnt at its start (its keyed hash: the callback carries no cookie)."""
        if not device_hash:
            return None
        record = self._repository.get(device_hash)
        if record is not None and record.expires_at <= int(self._clock.now()):
            record = None
        return PresentedDevice(token="", hash=device_hash, record=record)

    def prepare(
        self,
        account: Account,
        email: str | None,
        presented: PresentedDevice | None,
        *,
        shared: bool,
        user_agent: str | None,
    ) -> tuple[DeviceGrant | None, list[dict[str, Any]]]:
        """The device a sign-in leaves, and the transaction items that write it in the sign-in's own write
        (conditional on the epoch read, as the session is): a known device of this account keeps its token; any
        other sign-in gets a new device, unless the person said the computer is shared (then nothing). A device
        learnt from a ticket (no token) is kept, and its cookie is not set again."""
        if shared:
            return None, []
        now = int(self._clock.now())
        address_hash = self._sign_in_address_hash(account, email)
        known = presented.of_account(account) if presented is not None else None
        if known is not None and presented is not None:
            item = self._repository.keep_item(
                known.device_hash,
                account.user_id,
                account.session_epoch,
                used_at=now,
                expires_at=now + self._device_seconds,
                address_hash=address_hash,
            )
            return (DeviceGrant(token=presented.token, created=False) if presented.token else None), [item]
        token = secrets.token_urlsafe(TOKEN_BYTES)
        record = DeviceRecord(
            device_hash=self.hash_of(token),
            user_id=account.user_id,
            epoch=account.session_epoch,
            address_hash=address_hash,
            # Random on its own: neither the token nor its hash, so the list gives nothing to sign in with.
            public_id=secrets.token_urlsafe(PUBLIC_ID_BYTES),
            created_at=now,
            last_used_at=now,
            expires_at=now + self._device_seconds,
            browser=browser_in_words(user_agent),
        )
        return DeviceGrant(token=token, created=True), [self._repository.create_item(record)]

    def opened(self, account: Account, grant: DeviceGrant | None, *, new_account: bool = False) -> None:
        """After the sign-in's write: a new device on an account that had some ends the least recently used
        beyond MaxDevicesPerAccount, and any device an earlier epoch left behind (those count for nothing
        already; this frees their reserve). One list of the account's devices: a new account has only this one."""
        if grant is None or not grant.created:
            return
        log_event("device_set", user_id=account.user_id)
        if new_account:
            return
        records = self._repository.of_user(account.user_id)
        live = self._live(records, account)
        # The device just set first, whatever ties its last use (sign-ins within one second): never the one ended.
        mine = self.hash_of(grant.token)
        live.sort(key=lambda record: record.device_hash != mine)
        for record in [*(record for record in records if record not in live), *live[self._max_devices :]]:
            self._repository.delete_of(record.device_hash, account.user_id)

    def _live(self, records: list[DeviceRecord], account: Account) -> list[DeviceRecord]:
        now = int(self._clock.now())
        alive = [record for record in records if record.epoch == account.session_epoch and record.expires_at > now]
        return sorted(alive, key=lambda record: -record.last_used_at)

    def live_of(self, account: Account) -> list[DeviceRecord]:
        """The account's live devices, the most recently used first."""
        return self._live(self._repository.of_user(account.user_id), account)

    def forget(self, account: Account, public_id: str) -> str:
        """Forget the person's live device with this id; its hash. DeviceNotFound for any other id (another
        person's gets the same answer)."""
        for record in self.live_of(account):
            if (
                record.public_id
                and record.public_id == public_id
                and self._repository.delete_of(record.device_hash, account.user_id)
            ):
                log_event("device_forgotten", user_id=account.user_id)
                self._forgotten(account, record)
                return record.device_hash
        raise DeviceNotFound

    def forget_presented(self, account: Account, presented: PresentedDevice | None) -> None:
        """ "Forget this device" at sign-out: the device the request's cookie names, when it is this account's."""
        if (
            presented is not None
            and presented.record is not None
            and self._repository.delete_of(presented.hash, account.user_id)
        ):
            log_event("device_forgotten", user_id=account.user_id)
            self._forgotten(account, presented.record)

    def _forgotten(self, account: Account, record: DeviceRecord) -> None:
        if self._activity is not None:
            self._activity.record(account.user_id, "device_forgotten", browser=record.browser)

    def forget_ended(self, presented: PresentedDevice | None, account: Account, email: str) -> None:
        """Delete the device the request's cookie names when it carries `email` but has ended for the account that
        address opens (`account`): one of its earlier epochs, or another account's (whose address it was). Such
        a device makes every code its browser asks for the address its own, and those never sign in. Only while it
        is as read, so a device carried into a newer epoch meanwhile stays. Best effort: the request is refused
        either way."""
        record = presented.record if presented is not None else None
        if record is None or presented is None or presented.of_account(account) is not None:
            return
        if not hmac.compare_digest(record.address_hash.encode(), self._address_hash(email).encode()):
            return  # it made no code for this address
        if record.user_id == account.user_id and record.epoch > account.session_epoch:
            return  # newer than the account as read: not ended, only read before the account moved on
        try:
            if self._repository.delete_ended(presented.hash, record.user_id, record.epoch, record.address_hash):
                log_event("device_ended_forgotten", user_id=record.user_id)
        except Exception as error:
            log_event("device_cleanup_failed", level="error", user_id=record.user_id, error=type(error).__name__)

    def after_epoch_moved(
        self, user_id: str, *, keep: tuple[Account, PresentedDevice | None, int, str] | None = None
    ) -> None:
        """After a write moved the account's epoch (and ended its devices with it): the device that made the write
        carried over (`keep`: the account as that write read it, the request's device, the new epoch and the new
        address, for an e-mail change), the others deleted. It follows a landed write, so it never raises: a
        device not carried has ended (its next sign-in sets a new one), one not deleted counts for nothing at a
        sign-in, which reads the epoch."""
        try:
            kept = self.carry(*keep) if keep is not None else None
            self.end_all(user_id, keep=kept)
        except Exception as error:  # the write that mattered has landed: what is left is tidying up
            log_event("device_cleanup_failed", level="error", user_id=user_id, error=type(error).__name__)

    def carry(self, account: Account, presented: PresentedDevice | None, next_epoch: int, email: str) -> str | None:
        """After an e-mail change landed (the account's epoch moved from `account`'s to `next_epoch`): the device
        that confirmed it stays, carrying the new address; its hash, or None. Conditional on the device still being
        in the epoch read, and it can only reach `next_epoch`: if a revoke moved the epoch on meanwhile, the device
        carried is already ended with the rest."""
        known = presented.of_account(account) if presented is not None else None
        if known is None:
            return None
        item = self._repository.carry_into_epoch_item(
            known.device_hash,
            account.user_id,
            account.session_epoch,
            next_epoch,
            address_hash=self._sign_in_address_hash(account, email),
        )["Update"]
        kept = self._repository.update(item)
        return known.device_hash if kept else None

    def end_all(self, user_id: str, *, keep: str | None = None) -> None:
        """After an epoch moved (a revoke, an unlink, an e-mail change): the account's devices, already ended by
        the epoch, are deleted too (but `keep`, the device carried over), so a code's start, which cannot read the
        epoch, stops giving them the reserve. Best effort: a device left behind still counts for nothing at a
        sign-in, which reads the epoch."""
        for record in self._repository.of_user(user_id):
            if record.device_hash != keep:
                self._repository.delete_of(record.device_hash, user_id)
