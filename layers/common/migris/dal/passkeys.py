"""The passkeys table: each passkey under `passkey#<credential id>` (a sign-in finds it in one read), the
account's WebAuthn handle and passkey count under `handle#<user id>`, and the single-use challenges under
`challenge#<SHA-256 of the challenge>` (deleted by their TTL when never used). The by_user index lists an
account's passkeys (and its handle item)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from migris.dal.base import Table, as_int, conditionally, transact
from migris.domain.records import PasskeyChallenge, PasskeyRecord

PASSKEY, HANDLE, CHALLENGE = "passkey#", "handle#", "challenge#"


def passkey_key(credential_id: str) -> str:
    return f"{PASSKEY}{credential_id}"


def handle_key(user_id: str) -> str:
    return f"{HANDLE}{user_id}"


def challenge_key(challenge_hash: str) -> str:
    return f"{CHALLENGE}{challenge_hash}"


class PasskeyRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name
        self._dynamodb = dynamodb

    # --- the account's handle ---

    def handle(self, user_id: str, new_handle: str) -> str:
        """The account's WebAuthn handle: `new_handle` if it has none yet (written only then), else its own."""
        written = conditionally(
            lambda: self._table.put_item(
                Item={"pk": handle_key(user_id), "user_id": user_id, "handle": new_handle, "count": 0},
                ConditionExpression="attribute_not_exists(pk)",
            )
        )
        if written is not None:
            return new_handle
        found = self.handle_of(user_id)
        if found is None:  # deleted between the two calls: nothing removes a handle, so never expected
            raise LookupError(f"no WebAuthn handle for {user_id}")
        return found

    def handle_of(self, user_id: str) -> str | None:
        """The account's WebAuthn handle, or None before its first registration's options."""
        item = self._table.get_item(Key={"pk": handle_key(user_id)}, ConsistentRead=True).get("Item")
        return None if item is None or not item.get("handle") else str(item["handle"])

    # --- challenges ---

    def put_challenge(self, challenge: PasskeyChallenge) -> None:
        item: dict[str, Any] = {
            "pk": challenge_key(challenge.challenge_hash),
            "kind": challenge.kind,
            "binding": challenge.binding,
            "expires_at": challenge.expires_at,
        }
        if challenge.user_id:
            item["challenge_user_id"] = challenge.user_id  # not `user_id`: challenges stay out of the index
        self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")

    def challenge(self, challenge_hash: str) -> PasskeyChallenge | None:
        item = self._table.get_item(Key={"pk": challenge_key(challenge_hash)}, ConsistentRead=True).get("Item")
        if item is None or "kind" not in item:
            return None
        return PasskeyChallenge(
            challenge_hash=challenge_hash,
            kind=item["kind"],
            binding=str(item.get("binding", "")),
            user_id=str(item["challenge_user_id"]) if "challenge_user_id" in item else None,
            expires_at=as_int(item.get("expires_at")),
        )

    def spend_challenge_item(self, challenge: PasskeyChallenge, now: int) -> dict[str, Any]:
        """The transaction item that uses the challenge up: only while it is there, of its kind, bound as read and
        unexpired, so of two uses at once one lands."""
        return {
            "Delete": {
                "TableName": self._table_name,
                "Key": {"pk": challenge_key(challenge.challenge_hash)},
                "ConditionExpression": "kind = :kind AND binding = :binding AND expires_at > :now",
                "ExpressionAttributeValues": {":kind": challenge.kind, ":binding": challenge.binding, ":now": now},
            }
        }

    # --- passkeys ---

    def get(self, credential_id: str) -> PasskeyRecord | None:
        item = self._table.get_item(Key={"pk": passkey_key(credential_id)}, ConsistentRead=True).get("Item")
        return None if item is None or "public_key" not in item else _record(item)

    def of_user(self, user_id: str) -> list[PasskeyRecord]:
        """The account's passkeys, through the by_user index (it projects every attribute)."""
        records: list[PasskeyRecord] = []
        query: dict[str, Any] = {
            "IndexName": "by_user",
            "KeyConditionExpression": "user_id = :user_id",
            "ExpressionAttributeValues": {":user_id": user_id},
        }
        while True:
            page = self._table.query(**query)
            records += [_record(item) for item in page.get("Items", []) if str(item["pk"]).startswith(PASSKEY)]
            if "LastEvaluatedKey" not in page:
                break
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sorted(records, key=lambda record: record.created_at)

    def add(
        self,
        passkey: PasskeyRecord,
        challenge_item: dict[str, Any],
        max_passkeys: int,
        also: Sequence[dict[str, Any]] = (),
    ) -> list[int] | None:
        """The passkey, in one write with its challenge used up and the account's count raised while it is under
        `max_passkeys` (so concurrent registrations cannot pass it), and `also` (its line in the activity). The
        failed items' indexes, or None: 0 the challenge, 1 the count, 2 the passkey."""
        return transact(
            self._dynamodb,
            [
                challenge_item,
                {
                    "Update": {
                        "TableName": self._table_name,
                        "Key": {"pk": handle_key(passkey.user_id)},
                        "UpdateExpression": "ADD #count :one",
                        "ConditionExpression": "attribute_exists(pk) AND #count < :max",
                        "ExpressionAttributeNames": {"#count": "count"},
                        "ExpressionAttributeValues": {":one": 1, ":max": max_passkeys},
                    }
                },
                {
                    "Put": {
                        "TableName": self._table_name,
                        "Item": _item(passkey),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                *also,
            ],
        )

    def rename(self, credential_id: str, user_id: str, name: str) -> bool:
        return (
            conditionally(
                lambda: self._table.update_item(
                    Key={"pk": passkey_key(credential_id)},
                    UpdateExpression="SET #name = :name",
                    ConditionExpression="user_id = :user_id",
                    ExpressionAttributeNames={"#name": "name"},
                    ExpressionAttributeValues={":name": name, ":user_id": user_id},
                )
            )
            is not None
        )

    def remove_items(self, passkeys: list[PasskeyRecord]) -> list[dict[str, Any]]:
        """The transaction items that remove these passkeys of one account and lower its count with them."""
        if not passkeys:
            return []
        items: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self._table_name,
                    "Key": {"pk": passkey_key(passkey.credential_id)},
                    "ConditionExpression": "user_id = :user_id",
                    "ExpressionAttributeValues": {":user_id": passkey.user_id},
                }
            }
            for passkey in passkeys
        ]
        items.append(
            {
                "Update": {
                    "TableName": self._table_name,
                    "Key": {"pk": handle_key(passkeys[0].user_id)},
                    "UpdateExpression": "ADD #count :less",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeNames": {"#count": "count"},
                    "ExpressionAttributeValues": {":less": -len(passkeys)},
                }
            }
        )
        return items

    def remove(self, passkey: PasskeyRecord, also: Sequence[dict[str, Any]] = ()) -> bool:
        """Remove one passkey (and lower the count), with `also` (its line in the activity); whether it was still
        there."""
        return transact(self._dynamodb, [*self.remove_items([passkey]), *also]) is None

    def used_item(self, passkey: PasskeyRecord, new_count: int, now: int) -> dict[str, Any]:
        """The transaction item that records a sign-in: the new counter and the time, only while the counter is
        the one the check read (so of two sign-ins with one assertion, or with clones, at most one lands)."""
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"pk": passkey_key(passkey.credential_id)},
                "UpdateExpression": "SET sign_count = :new, last_used_at = :now",
                "ConditionExpression": "user_id = :user_id AND sign_count = :read",
                "ExpressionAttributeValues": {
                    ":new": new_count,
                    ":now": now,
                    ":user_id": passkey.user_id,
                    ":read": passkey.sign_count,
                },
            }
        }


def _item(passkey: PasskeyRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": passkey_key(passkey.credential_id),
        "user_id": passkey.user_id,
        "user_handle": passkey.user_handle,
        "public_key": passkey.public_key,
        "sign_count": passkey.sign_count,
        "name": passkey.name,
        "pid": passkey.public_id,
        "created_at": passkey.created_at,
    }
    if passkey.transports:
        item["transports"] = list(passkey.transports)
    return item


def _record(item: dict[str, Any]) -> PasskeyRecord:
    return PasskeyRecord(
        credential_id=str(item["pk"]).removeprefix(PASSKEY),
        user_id=str(item["user_id"]),
        user_handle=str(item.get("user_handle", "")),
        public_key=str(item.get("public_key", "")),
        sign_count=as_int(item.get("sign_count")),
        transports=[str(transport) for transport in item.get("transports", [])],
        name=str(item.get("name", "")),
        public_id=str(item.get("pid", "")),
        created_at=as_int(item.get("created_at")),
        last_used_at=as_int(item["last_used_at"]) if "last_used_at" in item else None,
    )
