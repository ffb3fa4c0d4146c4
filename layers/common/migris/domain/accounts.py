"""Accounts and the profile the API shows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from migris.clock import Clock, iso_utc
from migris.dal.accounts import AccountExists, AccountRepository
from migris.observability import log_event

PROFILE_FIELDS = (
    "user_id",
    "email",
    "pending_email",
    "given_name",
    "family_name",
    "phone_number",
    "level",
    "login_method",
    "profile_complete",
    "created_at",
    "updated_at",
)


class AccountMissing(Exception):
    """A session points at an account that is gone: a server-side fault, not the client's."""


def profile_of(user: dict[str, Any]) -> dict[str, Any]:
    """The person's view of their account (no personal code; staff routes add it)."""
    profile: dict[str, Any] = {name: user.get(name) for name in PROFILE_FIELDS}
    profile["level"] = int(user.get("level", 1))
    profile["profile_complete"] = bool(user.get("profile_complete", False))
    for stamp in ("created_at", "updated_at"):
        value = user.get(stamp)
        profile[stamp] = iso_utc(float(value)) if value is not None else None
    return profile


class Accounts:
    def __init__(self, repository: AccountRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock

    def sign_in_by_email(self, email: str) -> dict[str, Any]:
        """The account of a verified address; the first sign-in creates it (level 1, unidentified)."""
        repository = self._repository
        return self._find_or_create(
            "email",
            lambda: repository.user_id_for_email(email),
            lambda new_id, now: repository.create_email_account(new_id, email, now),
        )

    def sign_in_by_viisp(self, personal_code: str, fields: dict[str, Any]) -> dict[str, Any]:
        """The account of a personal code VIISP vouched for; the first sign-in creates it (level 3, names from
        VIISP). Never merged with an e-mail account: the two are keyed apart."""
        repository = self._repository
        return self._find_or_create(
            "viisp",
            lambda: repository.user_id_for_personal_code(personal_code),
            lambda new_id, now: repository.create_viisp_account(new_id, personal_code, fields, now),
        )

    def _find_or_create(
        self, method: str, find: Callable[[], str | None], create: Callable[[str, int], None]
    ) -> dict[str, Any]:
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

    def get(self, user_id: str) -> dict[str, Any]:
        user = self._repository.get_user(user_id)
        if user is None:
            raise AccountMissing(user_id)
        return user
