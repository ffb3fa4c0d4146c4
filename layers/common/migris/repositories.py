"""DynamoDB access. Each repository takes a boto3 DynamoDB resource, so tests and the local stack hand in
moto-backed ones. Times are whole epoch seconds; `expires_at` is every table's TTL attribute (clean-up
only: DynamoDB deletes up to two days late, so the domain checks expiry itself)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

DAY_SECONDS = 86400


def _is_condition_failure(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code")
    return code in {"ConditionalCheckFailedException", "TransactionCanceledException"}


def _conditionally(write: Callable[[], Any]) -> Any | None:
    """Run a conditional write: its result, or None when its condition did not hold."""
    try:
        return write()
    except ClientError as error:
        if _is_condition_failure(error):
            return None
        raise


def _int(value: Any, default: int = 0) -> int:
    return int(value) if isinstance(value, (int, Decimal)) else default


# --- codes table: one record per address (its live code, its send history, its failure counters) ---


@dataclass
class AddressRecord:
    key: str
    version: int = 0
    login_id: str | None = None
    code_hash: str | None = None
    code_expires_at: int = 0
    attempts: int = 0
    sent_at: list[int] = field(default_factory=list)
    failures: int = 0
    lock_count: int = 0
    locked_until: int = 0

    @property
    def has_code(self) -> bool:
        return self.code_hash is not None and self.login_id is not None


class AddressRecordRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)

    def get(self, key: str) -> AddressRecord | None:
        item = self._table.get_item(Key={"pk": key}, ConsistentRead=True).get("Item")
        if item is None:
            return None
        return AddressRecord(
            key=key,
            version=_int(item.get("version")),
            login_id=item.get("login_id"),
            code_hash=item.get("code_hash"),
            code_expires_at=_int(item.get("code_expires_at")),
            attempts=_int(item.get("attempts")),
            sent_at=[_int(t) for t in item.get("sent_at", [])],
            failures=_int(item.get("failures")),
            lock_count=_int(item.get("lock_count")),
            locked_until=_int(item.get("locked_until")),
        )

    def save_new_code(self, record: AddressRecord, expected_version: int, expires_at: int) -> bool:
        """Write the record whole (replacing any older code), only if nobody changed it since it was read."""
        item: dict[str, Any] = {
            "pk": record.key,
            "version": expected_version + 1,
            "login_id": record.login_id,
            "code_hash": record.code_hash,
            "code_expires_at": record.code_expires_at,
            "attempts": 0,
            "sent_at": record.sent_at,
            "failures": record.failures,
            "lock_count": record.lock_count,
            "locked_until": record.locked_until,
            "expires_at": expires_at,
        }
        condition = Attr("pk").not_exists() if expected_version == 0 else Attr("version").eq(expected_version)
        return _conditionally(lambda: self._table.put_item(Item=item, ConditionExpression=condition)) is not None

    def count_attempt(self, key: str, login_id: str, code_hash: str, max_attempts: int) -> int | None:
        """Count one try at this very code before it is compared; None when it is gone or used up."""
        result = _conditionally(
            lambda: self._table.update_item(
                Key={"pk": key},
                UpdateExpression="ADD attempts :one, version :one",
                ConditionExpression=Attr("code_hash").eq(code_hash)
                & Attr("login_id").eq(login_id)
                & Attr("attempts").lt(max_attempts),
                ExpressionAttributeValues={":one": 1},
                ReturnValues="UPDATED_NEW",
            )
        )
        return None if result is None else _int(result["Attributes"]["attempts"])

    def consume(self, key: str, code_hash: str) -> bool:
        """Use the code up; of concurrent callers exactly one gets True. A success clears the failures."""
        return self._remove_code(key, code_hash, "SET failures = :zero, attempts = :zero")

    def burn(self, key: str, code_hash: str) -> bool:
        return self._remove_code(key, code_hash, "")

    def _remove_code(self, key: str, code_hash: str, extra_set: str) -> bool:
        values: dict[str, Any] = {":one": 1}
        if extra_set:
            values[":zero"] = 0
        removed = _conditionally(
            lambda: self._table.update_item(
                Key={"pk": key},
                UpdateExpression=f"REMOVE code_hash, login_id, code_expires_at {extra_set} ADD version :one",
                ConditionExpression=Attr("code_hash").eq(code_hash),
                ExpressionAttributeValues=values,
            )
        )
        return removed is not None

    def add_failure(self, key: str) -> AddressRecord | None:
        """Count one failed try for the address (across codes); returns the counters after it."""
        result = _conditionally(
            lambda: self._table.update_item(
                Key={"pk": key},
                UpdateExpression="ADD failures :one, version :one",
                ConditionExpression=Attr("pk").exists(),
                ExpressionAttributeValues={":one": 1},
                ReturnValues="ALL_NEW",
            )
        )
        if result is None:
            return None
        attributes = result["Attributes"]
        return AddressRecord(
            key=key,
            failures=_int(attributes.get("failures")),
            lock_count=_int(attributes.get("lock_count")),
            locked_until=_int(attributes.get("locked_until")),
        )

    def lock(self, key: str, threshold: int, locked_until: int, expires_at: int) -> bool:
        """Lock the address and burn its live code, once, when the failures reach the threshold."""
        locked = _conditionally(
            lambda: self._table.update_item(
                Key={"pk": key},
                UpdateExpression=(
                    "SET failures = :zero, locked_until = :until, expires_at = :expires "
                    "REMOVE code_hash, login_id, code_expires_at ADD lock_count :one, version :one"
                ),
                ConditionExpression=Attr("failures").gte(threshold),
                ExpressionAttributeValues={":zero": 0, ":one": 1, ":until": locked_until, ":expires": expires_at},
            )
        )
        return locked is not None


# --- sessions table: keyed by the SHA-256 of the token ---


@dataclass(frozen=True)
class SessionRecord:
    token_hash: str
    user_id: str
    created_at: int
    last_seen_at: int
    expires_at: int


class SessionRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)

    def create(self, session: SessionRecord) -> None:
        self._table.put_item(
            Item={
                "pk": session.token_hash,
                "user_id": session.user_id,
                "created_at": session.created_at,
                "last_seen_at": session.last_seen_at,
                "expires_at": session.expires_at,
            },
            ConditionExpression=Attr("pk").not_exists(),
        )

    def get(self, token_hash: str) -> SessionRecord | None:
        item = self._table.get_item(Key={"pk": token_hash}, ConsistentRead=True).get("Item")
        if item is None:
            return None
        return SessionRecord(
            token_hash=token_hash,
            user_id=str(item["user_id"]),
            created_at=_int(item.get("created_at")),
            last_seen_at=_int(item.get("last_seen_at")),
            expires_at=_int(item.get("expires_at")),
        )

    def touch(self, token_hash: str, now: int) -> bool:
        touched = _conditionally(
            lambda: self._table.update_item(
                Key={"pk": token_hash},
                UpdateExpression="SET last_seen_at = :now",
                ConditionExpression=Attr("pk").exists(),
                ExpressionAttributeValues={":now": now},
            )
        )
        return touched is not None

    def delete(self, token_hash: str) -> None:
        self._table.delete_item(Key={"pk": token_hash})


# --- accounts table: user items and the uniqueness items that point at them ---


def user_key(user_id: str) -> str:
    return f"user#{user_id}"


def email_key(email: str) -> str:
    return f"email#{email}"


class AccountExists(Exception):
    """The address (or user id) was taken between the read and the write."""


class AccountRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)
        self._table_name = table_name
        # The resource's client takes plain Python values (boto3 serializes them for DynamoDB).
        self._client = dynamodb.meta.client

    def user_id_for_email(self, email: str) -> str | None:
        item = self._table.get_item(Key={"pk": email_key(email)}, ConsistentRead=True).get("Item")
        return None if item is None else str(item["user_id"])

    def get_user(self, user_id: str) -> dict[str, Any] | None:
        item = self._table.get_item(Key={"pk": user_key(user_id)}, ConsistentRead=True).get("Item")
        return None if item is None else dict(item)

    def create_email_account(self, user_id: str, email: str, now: int) -> None:
        """Create the account and its e-mail uniqueness item together, with Update actions only (the
        person-facing roles hold no PutItem on accounts); fails if either exists already."""
        user_values = {
            ":user_id": user_id,
            ":email": email,
            ":level": 1,
            ":method": "email",
            ":complete": False,
            ":now": now,
            ":version": 1,
        }
        try:
            self._client.transact_write_items(
                TransactItems=[
                    self._create_update(
                        email_key(email),
                        "SET user_id = :user_id, created_at = :now",
                        {":user_id": user_id, ":now": now},
                    ),
                    self._create_update(
                        user_key(user_id),
                        "SET user_id = :user_id, email = :email, #level = :level, login_method = :method, "
                        "profile_complete = :complete, created_at = :now, updated_at = :now, version = :version",
                        user_values,
                        names={"#level": "level"},
                    ),
                ]
            )
        except ClientError as error:
            if _is_condition_failure(error):
                raise AccountExists from None
            raise

    def _create_update(
        self, key: str, expression: str, values: dict[str, Any], names: dict[str, str] | None = None
    ) -> dict[str, Any]:
        update: dict[str, Any] = {
            "TableName": self._table_name,
            "Key": {"pk": key},
            "UpdateExpression": expression,
            "ConditionExpression": "attribute_not_exists(pk)",
            "ExpressionAttributeValues": values,
        }
        if names:
            update["ExpressionAttributeNames"] = names
        return {"Update": update}
