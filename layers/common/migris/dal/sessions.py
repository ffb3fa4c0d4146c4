"""The sessions table, keyed by the SHA-256 of the token."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from migris.dal.base import Table, as_int, is_condition_failure
from migris.domain.records import SessionRecord

_DESERIALIZER = TypeDeserializer()


class SessionRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name

    def create(self, session: SessionRecord) -> None:
        self._table.put_item(Item=_session_item(session), ConditionExpression="attribute_not_exists(pk)")

    def create_item(self, session: SessionRecord) -> dict[str, Any]:
        """The transaction item that creates the session (with other writes that must land with it)."""
        return {
            "Put": {
                "TableName": self._table_name,
                "Item": _session_item(session),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def seen(
        self, token_hash: str, now: int, *, live_after: tuple[int, int], touch_before: int
    ) -> SessionRecord | None:
        """The session as it was, in one conditional write that restarts its idle clock (`last_seen_at` = now)
        only while it is alive (last seen after `live_after[0]`, created after `live_after[1]`) and its clock
        was last restarted at `touch_before` or earlier; when the condition fails the item comes back with the
        failure, unwritten. None when there is no such session."""
        idle_cut, absolute_cut = live_after
        try:
            result = self._table.update_item(
                Key={"pk": token_hash},
                UpdateExpression="SET last_seen_at = :now",
                ConditionExpression="attribute_exists(pk) AND last_seen_at <= :touch AND last_seen_at > :idle "
                "AND created_at > :absolute",
                ExpressionAttributeValues={
                    ":now": now,
                    ":touch": touch_before,
                    ":idle": idle_cut,
                    ":absolute": absolute_cut,
                },
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            raw = error.response.get("Item") or {}  # absent when there is no such session
            item = {name: _DESERIALIZER.deserialize(value) for name, value in raw.items()}
        else:
            item = result.get("Attributes") or {}
        if "user_id" not in item:
            return None
        return SessionRecord(
            token_hash=token_hash,
            user_id=str(item["user_id"]),
            created_at=as_int(item.get("created_at")),
            last_seen_at=as_int(item.get("last_seen_at")),
            expires_at=as_int(item.get("expires_at")),
            epoch=as_int(item.get("epoch")),
        )

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


def _session_item(session: SessionRecord) -> dict[str, Any]:
    return {
        "pk": session.token_hash,
        "user_id": session.user_id,
        "created_at": session.created_at,
        "last_seen_at": session.last_seen_at,
        "expires_at": session.expires_at,
        "epoch": session.epoch,
    }
