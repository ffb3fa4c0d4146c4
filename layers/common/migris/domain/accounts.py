"""Accounts: found or created at sign-in, by a verified address or an identity VIISP vouched for."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from migris.clock import Clock
from migris.domain.errors import EditConflict
from migris.domain.events import log_event
from migris.domain.records import Account, AccountExists, Identity

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository


def new_email_account(user_id: str, email: str, now: int) -> Account:
    """A new e-mail account (level 1, unidentified) as its first write stores it."""
    return Account(
        user_id=user_id,
        email=email,
        level=1,
        login_method="email",
        profile_complete=False,
        created_at=now,
        updated_at=now,
        version=1,
    )


IDENTITY_LOOKUPS = 3  # an identity found on an account that no longer holds it is looked up again, this often


class AccountMissing(Exception):
    """A session points at an account that is gone: a server-side fault, not the client's."""


class Accounts:
    def __init__(self, repository: AccountRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock

    def sign_in_by_viisp(self, identity: Identity, fields: Mapping[str, str | None]) -> Account:
        """The account of an identity VIISP vouched for (a personal code, or an eIDAS identifier): the one it was
        linked to, or its own, which the first sign-in creates (level 3, names from VIISP). Never merged with an
        e-mail account on its own: only the person links them (migris.domain.linking).

        The account must still hold the identity when it is read: staff may take a link off between the lookup
        and the read (a new epoch, no identity), and a session opened on what was read then would outlive that
        unlink. So the lookup runs again; the identity's item is gone by then and VIISP opens its own account."""
        repository = self._repository
        for _ in range(IDENTITY_LOOKUPS):
            account = self._find_or_create(
                "viisp",
                lambda: repository.user_id_for_identity(identity),
                lambda new_id, now: repository.create_identified_account(new_id, identity, fields, now),
            )
            held = account.identity
            if held is not None and (held.kind, held.key) == (identity.kind, identity.key):
                return account
            log_event("viisp_identity_moved", level="warning", user_id=account.user_id, kind=identity.kind)
        raise EditConflict

    def _find_or_create(
        self, method: str, find: Callable[[], str | None], create: Callable[[str, int], None]
    ) -> Account:
        user_id = find()
        if user_id is None:
            new_id = str(uuid.uuid4())
            try:
                create(new_id, int(self._clock.now()))
                log_event("account_created", user_id=new_id, login_method=method)
                user_id = new_id
            except AccountExists:
                # Created by a concurrent first sign-in a moment ago.
                user_id = find()
                if user_id is None:
                    raise
        return self.get(user_id)

    def get(self, user_id: str) -> Account:
        user = self._repository.get_user(user_id)
        if user is None:
            raise AccountMissing(user_id)
        return user
