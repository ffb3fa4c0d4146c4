"""The sessions table, keyed by the SHA-256 of the token."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr

from migris.dal.base import as_int, conditionally
from migris.domain.records import SessionRecord


class SessionRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)
        self._table_name = table_name

    def create(self, session: SessionRecord) -> None:
        self._table.put_item(
            Item={
                "pk": session.token_hash,
                "user_id": session.user_id,
                "created_at": session.created_at,
                "last_seen_at": session.last_seen_at,
                "expires_at": session.expires_at,
                "epoch": session.epoch,
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
            created_at=as_int(item.get("created_at")),
            last_seen_at=as_int(item.get("last_seen_at")),
            expires_at=as_int(item.get("expires_at")),
            epoch=as_int(item.get("epoch")),
        )

    def touch(self, token_hash: str, now: int) -> bool:
        touched = conditionally(
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

    def carry_into_epoch(self, token_hash: str, epoch: int) -> dict[str, Any]:
        """The transaction item that keeps this session alive across the account's new session epoch."""
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"pk": token_hash},
                "UpdateExpression": "SET #epoch = :epoch",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": {"#epoch": "epoch"},
                "ExpressionAttributeValues": {":epoch": epoch},
            }
        }
