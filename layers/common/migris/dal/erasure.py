"""What an erasure writes and deletes (migris.domain.erasure): the account's first write that marks it erased, the
deletions that follow (each conditional on the item still being the account's, so a retry or a stale list
deletes nothing else), the tombstone, and the retry's message on its queue. Only the erase function's role may
make these calls (template.yaml, EraseAccountFunction)."""

from __future__ import annotations

import json
from typing import Any

from migris.dal.accounts import email_key, identity_key, user_key
from migris.dal.base import Table, conditionally
from migris.domain.records import Account, Identity, StaleVersion

# What the tombstone keeps of an account: its id (the key of its audit, which staff still read, its personal
# data unreadable), when it was erased, its session epoch (a session or device from before stays ended) and its
# version. Everything else goes.
TOMBSTONE_KEEPS = frozenset({"pk", "user_id", "erased_at", "erasure_done", "session_epoch", "version"})
# Every attribute an account item may hold besides those (migris.domain.records.Account, and created_at): removed.
ERASED_ATTRIBUTES = (
    "email",
    "pending_email",
    "pending_email_id",
    "given_name",
    "family_name",
    "phone_number",
    "personal_code",
    "eidas_id",
    "identity_country",
    "login_method",
    "level",
    "profile_complete",
    "language",
    "email_change_notice",
    "audit_key",
    "recovered_at",
    "created_at",
    "updated_at",
)


class ErasureStore:
    def __init__(
        self,
        dynamodb: Any,
        *,
        accounts_table: str,
        sessions_table: str,
        passkeys_table: str,
        activity_table: str,
        sqs: Any,
        queue_url: str,
    ) -> None:
        self._dynamodb = dynamodb
        self._accounts = Table(dynamodb, accounts_table)
        self._sessions = Table(dynamodb, sessions_table)
        self._passkeys = Table(dynamodb, passkeys_table)
        self._activity = Table(dynamodb, activity_table)
        self._sqs = sqs
        self._queue_url = queue_url

    def mark_erased(self, account: Account, now: int) -> None:
        """The erasure's first write: the account is erased and its session epoch moves on (every session and
        device ends at once), if it is still at the version read and not erased already. The audit key goes
        with it: from this write on, the names sealed under it can no longer be read. StaleVersion otherwise."""
        landed = conditionally(
            lambda: self._accounts.update_item(
                Key={"pk": user_key(account.user_id)},
                UpdateExpression="SET erased_at = :now, session_epoch = :epoch, #version = :next REMOVE audit_key",
                ConditionExpression="#version = :expected AND attribute_not_exists(erased_at)",
                ExpressionAttributeNames={"#version": "version"},
                ExpressionAttributeValues={
                    ":now": now,
                    ":epoch": account.session_epoch + 1,
                    ":expected": account.version,
                    ":next": account.version + 1,
                },
            )
        )
        if landed is None:
            raise StaleVersion(account.user_id)

    def release_email(self, user_id: str, email: str) -> None:
        """The address's uniqueness item, if it is still this account's: the address may start anew."""
        self._delete_own(self._accounts, email_key(email), user_id)

    def release_identity(self, user_id: str, identity: Identity) -> None:
        self._delete_own(self._accounts, identity_key(identity), user_id)

    def session_table_keys(self, user_id: str) -> list[str]:
        """Every item of the account in the sessions table: sessions, known devices, "not me" tokens."""
        return _keys_of(self._sessions, user_id)

    def delete_session_table_item(self, user_id: str, key: str) -> None:
        self._delete_own(self._sessions, key, user_id)

    def passkey_table_keys(self, user_id: str) -> list[str]:
        """Every item of the account in the passkeys table: its passkeys and its WebAuthn handle (with the count)."""
        return _keys_of(self._passkeys, user_id)

    def delete_passkey_table_item(self, user_id: str, key: str) -> None:
        self._delete_own(self._passkeys, key, user_id)

    def activity_keys(self, user_id: str) -> list[str]:
        """The sort keys of every line of the account's activity (its own partition)."""
        keys: list[str] = []
        query: dict[str, Any] = {
            "KeyConditionExpression": "user_id = :user_id",
            "ExpressionAttributeValues": {":user_id": user_id},
            "ProjectionExpression": "sk",
        }
        while True:
            page = self._activity.query(**query)
            keys += [str(item["sk"]) for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return keys
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete_activity_item(self, user_id: str, sort_key: str) -> None:
        self._activity.delete_item(Key={"user_id": user_id, "sk": sort_key})

    def tombstone(self, user_id: str) -> None:
        """The last step: the account item keeps only what TOMBSTONE_KEEPS names (only an erased account's)."""
        removed = ", ".join(f"#r{index}" for index in range(len(ERASED_ATTRIBUTES)))
        conditionally(
            lambda: self._accounts.update_item(
                Key={"pk": user_key(user_id)},
                UpdateExpression=f"SET erasure_done = :done REMOVE {removed}",
                ConditionExpression="attribute_exists(erased_at)",
                ExpressionAttributeNames={f"#r{index}": name for index, name in enumerate(ERASED_ATTRIBUTES)},
                ExpressionAttributeValues={":done": True},
            )
        )

    def schedule_retry(self, user_id: str, delay_seconds: int) -> None:
        """The message that finishes the erasure if this request does not: the erase function reads it after
        `delay_seconds` (and again until it has finished)."""
        self._sqs.send_message(
            QueueUrl=self._queue_url,
            MessageBody=json.dumps({"erase": user_id}),
            DelaySeconds=delay_seconds,
        )

    @staticmethod
    def _delete_own(table: Table, key: str, user_id: str) -> None:
        # Only the account's own item: a stale list or a key another account holds now deletes nothing.
        conditionally(
            lambda: table.delete_item(
                Key={"pk": key},
                ConditionExpression="user_id = :user_id",
                ExpressionAttributeValues={":user_id": user_id},
            )
        )


def _keys_of(table: Table, user_id: str) -> list[str]:
    keys: list[str] = []
    query: dict[str, Any] = {
        "IndexName": "by_user",
        "KeyConditionExpression": "user_id = :user_id",
        "ExpressionAttributeValues": {":user_id": user_id},
        "ProjectionExpression": "pk",
    }
    while True:
        page = table.query(**query)
        keys += [str(item["pk"]) for item in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            return keys
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
