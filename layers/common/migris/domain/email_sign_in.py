"""The e-mail sign-in's last step in as few calls as its rules allow: the code, the account and the session.

One batch read takes the address's code box, the (address, network address) counters and the address's
uniqueness item; a wrong code is refused there (its try counted). A right code is used up in the same
transaction that opens the session and, on the first sign-in, creates the account: the code is spent only if
the session opens, and of concurrent right tries exactly one lands (the code's removal is conditional on it
being there with tries left). A returning person's account is read once, between the two: the answer shows
its profile, and the session lives in its session epoch: the transaction holds only while the account is in
the epoch read, and when a revoke or an e-mail change moved it meanwhile, the address's account is looked up
again and the session opens in the epoch that now stands (or in the address's new account).

The same write sets or keeps the browser's known device (migris.domain.devices), conditional on the same epoch;
a known device's code signs in only while that device is the account's, in its epoch."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from migris.clock import Clock
from migris.domain.accounts import AccountMissing, new_email_account
from migris.domain.codes import Codes
from migris.domain.devices import DeviceGrant, Devices, PresentedDevice
from migris.domain.errors import EditConflict, RecoveryPending
from migris.domain.events import log_event
from migris.domain.records import Account
from migris.domain.sessions import OpenedSession, Sessions
from migris.domain.versioned import WRITE_ATTEMPTS

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository


class EmailSignIn:
    def __init__(
        self, codes: Codes, accounts: AccountRepository, sessions: Sessions, devices: Devices, clock: Clock
    ) -> None:
        self._codes = codes
        self._accounts = accounts
        self._sessions = sessions
        self._devices = devices
        self._clock = clock

    def sign_in(
        self,
        email: str,
        login_id: str,
        code: str,
        source_ip: str | None,
        *,
        device: PresentedDevice | None = None,
        shared: bool = False,
        user_agent: str | None = None,
    ) -> tuple[Account, OpenedSession, DeviceGrant | None]:
        """Use up the right code and open a session in the address's account, created on the first sign-in;
        raise (InvalidCode, TooManyAttempts) for any other code. `device` is what the request's device cookie
        named; the answer's grant is the device cookie to set (None: the person said the computer is shared)."""
        right = self._codes.right_sign_in_code(
            email,
            login_id,
            code,
            source_ip,
            self._accounts.email_item(email),
            device_hash=None if device is None else device.hash,
        )
        if right.also is not None and "user_id" not in right.also:
            # A recovery at the desk reserved this address (migris.domain.recovery): it signs in nowhere until
            # the recovery completes. The code stays unused.
            log_event("sign_in_to_reserved_address", level="warning")
            raise RecoveryPending
        user_id = None if right.also is None else str(right.also["user_id"])
        for _ in range(WRITE_ATTEMPTS):
            account, creating = self._account(email, user_id)
            if right.of_device and (device is None or device.of_account(account) is None):
                # The device that asked for this code has ended, or is another account's. An ended one that
                # is still stored (its tidying missed it) would make every code its browser asks its own, which
                # never signs in: it goes now, so the browser's next code is one asked without a device.
                self._devices.forget_ended(device, account, email)
                right.refused("device_ended")
            grant, device_items = self._devices.prepare(account, email, device, shared=shared, user_agent=user_agent)
            session, session_items = self._sessions.prepare(
                account, "email", account_written=bool(creating), user_agent=user_agent, source_ip=source_ip
            )
            known = device is not None and device.of_account(account) is not None
            items = [*right.items, *creating, *device_items, *session_items]
            failed = self._accounts.transact(items)
            if failed is None:
                right.used()
                if creating:
                    log_event("account_created", user_id=account.user_id, login_method="email")
                self._sessions.opened(session, known_device=known, new_account=bool(creating))
                self._devices.opened(account, grant, new_account=bool(creating))
                return account, session, grant
            if 0 in failed:
                right.refused()  # the code was used up, replaced or burned meanwhile
            device_at = len(right.items) + len(creating)
            if device_items and device_at in failed:
                device = None  # the known device was forgotten meanwhile: a new one is set instead
            if failed and (creating or len(items) - 1 in failed):
                # A concurrent first sign-in created the account, or the account's epoch moved on (a revoke, an
                # e-mail change): which account the address opens, and in which epoch, is read again.
                user_id = self._accounts.user_id_for_email(email)
            # otherwise a conflict with another transaction: try again
        raise EditConflict

    def _account(self, email: str, user_id: str | None) -> tuple[Account, list[dict[str, Any]]]:
        """The address's account, or a new one with the items that create it."""
        if user_id is None:
            account = new_email_account(str(uuid.uuid4()), email, int(self._clock.now()))
            return account, self._accounts.new_email_account_items(account)
        found = self._accounts.get_user(user_id)
        if found is None:
            raise AccountMissing(user_id)
        return found, []
