"""The audit's personal data, sealed (DESIGN.md, Erasure): a change of a name or an address in an audit event is
kept encrypted (AES-256-GCM) under a key of the account's own, kept on the account item. Erasure deletes the key;
the audit table is never touched, and what it held of the person can no longer be read. Nothing else in an
event is personal: the actor (a staff ARN, `self:viisp`), the reason staff wrote, levels, counts, an identity's
kind and country.

The key is made lazily: the first event that needs it brings it, set on the account in the same versioned write
as the event (AccountRepository.update_user or link_identity with `account_key_changes`), so two writers can never
seal under two keys (the second one's version no longer holds)."""

from __future__ import annotations

import base64
import json
import os
from typing import TYPE_CHECKING

from migris.domain.records import AuditValue, FieldChange

if TYPE_CHECKING:
    from migris.domain.records import Account, AccountChanges

# What an audit event may name that is a person's data: sealed whenever it is in an event's changes.
SEALED_FIELDS = frozenset({"given_name", "family_name", "email", "pending_email", "phone_number"})
KEY_BYTES = 32
NONCE_BYTES = 12
SEAL_VERSION = "v1"


class AuditKeyMissing(Exception):
    """An event that names personal data was to be written without the account's key: it would have been kept
    readable for ever."""


def needs_seal(changes: dict[str, FieldChange]) -> bool:
    return any(name in SEALED_FIELDS for name in changes)


def new_key() -> str:
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def account_key(account: Account) -> tuple[str, AccountChanges]:
    """The account's audit key, and what its versioned write must set for it: nothing when it has one already,
    `{"audit_key": <new>}` when this event is its first sealed one. Raises for an erased account (its key is gone
    for good: nothing may be sealed under a new one)."""
    if account.erased_at is not None:
        raise AuditKeyMissing("the account is erased")
    if account.audit_key:
        return account.audit_key, {}
    key = new_key()
    return key, {"audit_key": key}


def _aad(subject: str, field: str) -> bytes:
    # A sealed change opens only under its own account's hashed key and its own field name: moved elsewhere, it
    # does not open.
    return f"migris-audit\x00{SEAL_VERSION}\x00{subject}\x00{field}".encode()


def seal(key: str, subject: str, field: str, change: FieldChange) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # only where an event names a person

    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(change.model_dump(), ensure_ascii=False, separators=(",", ":")).encode()
    sealed = AESGCM(base64.b64decode(key)).encrypt(nonce, plain, _aad(subject, field))
    return f"{SEAL_VERSION}:" + base64.b64encode(nonce + sealed).decode()


def unseal(key: str, subject: str, field: str, sealed: str) -> FieldChange:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    version, _, body = sealed.partition(":")
    if version != SEAL_VERSION:
        raise ValueError(f"unknown seal {version!r}")
    raw = base64.b64decode(body)
    plain = AESGCM(base64.b64decode(key)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(subject, field))
    values: dict[str, AuditValue] = json.loads(plain)
    return FieldChange(before=values["before"], after=values["after"])
