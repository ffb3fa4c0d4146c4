"""Erasure (DELETE /profile; DESIGN.md, "Erasure"): the person's sign-in account goes.

1. A message on the erasure queue first (delayed ERASURE_RETRY_DELAY_SECONDS): whatever this request does not
   finish, the erase function finishes from it, and again until done (its redrive keeps a message that keeps
   failing, with an alarm). If the first write then does not land, the message finds an account that is not
   erased and does nothing.
2. The first write: the account is marked erased, its session epoch moves (every session and device ends at
   once) and its audit key goes (the names sealed under it are unreadable from here on), conditional on the
   version read, so a recovery that started meanwhile is seen (409 recovery_pending).
3. The rest, each step idempotent and conditional on the item still being the account's: the address's and the
   identity's uniqueness items (the address and the identity may start a new account), every item of the
   account in the sessions table (sessions, known devices, "not me" tokens), its passkeys and WebAuthn handle,
   its activity, the notice to the address in the account's language, and last the tombstone: the account item
   keeps only its id, when it was erased and its epoch (staff still read its audit, names read as erased). A
   crash between the notice and the tombstone mails the notice once more at the retry: a second notice rather
   than none.

The audit table is never touched: its events stay, keyed by the keyed hash of the user id, with the names
sealed under a key that no longer exists (docs/erasure.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from migris.clock import Clock
from migris.domain.errors import EditConflict, Unauthenticated
from migris.domain.events import log_event
from migris.domain.mail import MailSender, account_erased_notice
from migris.domain.records import Account
from migris.domain.sessions import CurrentSession, require_fresh
from migris.domain.validation import DEFAULT_LANGUAGE
from migris.domain.versioned import write_versioned

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.dal.erasure import ErasureStore

# Longer than the erase function's timeout (10 s): the message is read only after the request has ended.
ERASURE_RETRY_DELAY_SECONDS = 60


class Erasure:
    def __init__(
        self,
        accounts: AccountRepository,
        store: ErasureStore,
        mailer: MailSender,
        clock: Clock,
        *,
        retry_delay_seconds: int = ERASURE_RETRY_DELAY_SECONDS,
        steps_hook: Callable[[str], None] | None = None,
        contact_url: str,  # ContactUrl, required: a wiring that forgot it must not mail a default
    ) -> None:
        """`steps_hook` is called with each step's name before it runs (tests make one fail, as a crash would)."""
        self._accounts = accounts
        self._store = store
        self._mailer = mailer
        self._contact_url = contact_url  # ContactUrl: where a notice sends a person it was not about
        self._clock = clock
        self._retry_delay = retry_delay_seconds
        self._steps_hook = steps_hook

    def erase(self, session: CurrentSession) -> None:
        """DELETE /profile: FreshSignInRequired for a session older than FRESH_SIGN_IN_SECONDS, RecoveryPending
        while a recovery is pending; then the account is erased (the first write) and what remains is deleted."""
        require_fresh(session, self._clock.now())
        user_id = session.user_id
        session.account.require_no_recovery()
        self._store.schedule_retry(user_id, self._retry_delay)

        def read() -> Account:
            account = self._accounts.get_user(user_id)
            if account is None or account.erased_at is not None:
                raise Unauthenticated  # erased by a request a moment ago: this session has ended with it
            return account

        def mark(account: Account) -> None:
            account.require_no_recovery()
            self._store.mark_erased(account, int(self._clock.now()))

        write_versioned(read, mark, exhausted=EditConflict)
        log_event("account_erased", user_id=user_id)
        self.finish(user_id)

    def finish(self, user_id: str) -> bool:
        """Delete what remains of an erased account (each step idempotent): whether there was one to finish.
        Nothing for an account that is not erased (the first write did not land) or is done already."""
        account = self._accounts.get_user(user_id)
        if account is None or account.erased_at is None or account.erasure_done:
            return False
        if account.email:
            self._step("release_email")
            self._store.release_email(user_id, account.email)
        identity = account.identity
        if identity is not None:
            self._step("release_identity")
            self._store.release_identity(user_id, identity)
        self._step("sessions")
        for key in self._store.session_table_keys(user_id):
            self._store.delete_session_table_item(user_id, key)
        self._step("passkeys")
        for key in self._store.passkey_table_keys(user_id):
            self._store.delete_passkey_table_item(user_id, key)
        self._step("activity")
        for key in self._store.activity_keys(user_id):
            self._store.delete_activity_item(user_id, key)
        if account.email:
            self._step("notice")
            notice = account_erased_notice(account.language or DEFAULT_LANGUAGE, contact_url=self._contact_url)
            self._mailer.deliver(account.email, notice, email_ref=f"user#{user_id}", kind="notice")
        self._step("tombstone")
        self._store.tombstone(user_id)
        log_event("account_erasure_done", user_id=user_id)
        return True

    def _step(self, name: str) -> None:
        if self._steps_hook is not None:
            self._steps_hook(name)
