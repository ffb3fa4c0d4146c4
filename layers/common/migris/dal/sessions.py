"""The sessions table, keyed by the SHA-256 of the token."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from migris.dal.base import Table, as_int, batch_get, is_condition_failure, written_or_found
from migris.domain.records import SessionRecord


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
        _, item = written_or_found(
            lambda: self._table.update_item(
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
        )
        if "user_id" not in item:  # no such session
            return None
        return _record(token_hash, item)

    def of_user(self, user_id: str) -> list[SessionRecord]:
        """Every session item of the user (live or not: the caller decides)."""
        items = items_of_user(self._table, self._table_name, user_id, devices=False)
        return [_record(str(item["pk"]), item) for item in items]

    def delete_of(self, token_hash: str, user_id: str) -> bool:
        """Delete the session only if it is this user's; whether it was."""
        try:
            self._table.delete_item(
                Key={"pk": token_hash},
                ConditionExpression="user_id = :user_id",
                ExpressionAttributeValues={":user_id": user_id},
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def delete(self, token_hash: str) -> None:
        self._table.delete_item(Key={"pk": token_hash})

    def end_live_item(
        self, token_hash: str, user_id: str, epoch: int, *, live_after: tuple[int, int]
    ) -> dict[str, Any]:
        """The transaction item that deletes the session, on the condition that it is still this user's and
        live (in `epoch`, last seen after `live_after[0]`, created after `live_after[1]`)."""
        idle_cut, absolute_cut = live_after
        return {
            "Delete": {
                "TableName": self._table_name,
                "Key": {"pk": token_hash},
                "ConditionExpression": "user_id = :user_id AND #epoch = :epoch AND last_seen_at > :idle "
                "AND created_at > :absolute",
                "ExpressionAttributeNames": {"#epoch": "epoch"},
                "ExpressionAttributeValues": {
                    ":user_id": user_id,
                    ":epoch": epoch,
                    ":idle": idle_cut,
                    ":absolute": absolute_cut,
                },
            }
        }

    def carry_into_epoch(
        self, token_hash: str, user_id: str, from_epoch: int, to_epoch: int, *, live_after: tuple[int, int]
    ) -> dict[str, Any]:
        """The transaction item that keeps this session alive across the account's new session epoch, on the
        condition that it is this user's, live and still in `from_epoch` (the epoch the write read): a session
        that an epoch moved in between ended with it and is never carried into the next."""
        idle_cut, absolute_cut = live_after
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"pk": token_hash},
                "UpdateExpression": "SET #epoch = :to_epoch",
                "ConditionExpression": "user_id = :user_id AND #epoch = :from_epoch AND last_seen_at > :idle "
                "AND created_at > :absolute",
                "ExpressionAttributeNames": {"#epoch": "epoch"},
                "ExpressionAttributeValues": {
                    ":user_id": user_id,
                    ":from_epoch": from_epoch,
                    ":to_epoch": to_epoch,
                    ":idle": idle_cut,
                    ":absolute": absolute_cut,
                },
            }
        }


def items_of_user(table: Table, table_name: str, user_id: str, *, devices: bool) -> list[dict[str, Any]]:
    """The user's items of the sessions table, through the by_user index and one consistent batch read of the
    items it names: its known devices (`device#` keys, migris.dal.devices) with `devices`, else its sessions."""
    keys: list[str] = []
    query: dict[str, Any] = {
        "IndexName": "by_user",
        "KeyConditionExpression": "user_id = :user_id",
        "ExpressionAttributeValues": {":user_id": user_id},
    }
    while True:
        page = table.query(**query)
        keys += [str(item["pk"]) for item in page.get("Items", []) if str(item["pk"]).startswith("device#") == devices]
        if "LastEvaluatedKey" not in page:
            break
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    items: list[dict[str, Any]] = []
    for start in range(0, len(keys), 100):  # BatchGetItem takes at most 100 keys
        batch = [{"pk": key} for key in keys[start : start + 100]]
        found = batch_get(table.client, {table_name: {"Keys": batch, "ConsistentRead": True}})
        items += [item for _, item in found if item.get("user_id") == user_id]
    return items


def _session_item(session: SessionRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": session.token_hash,
        "user_id": session.user_id,
        "created_at": session.created_at,
        "last_seen_at": session.last_seen_at,
        "expires_at": session.expires_at,
        "epoch": session.epoch,
    }
    if session.public_id:
        item["sid"] = session.public_id
    if session.method:
        item["method"] = session.method
    if session.browser:
        item["browser"] = session.browser
    return item


def _record(token_hash: str, item: dict[str, Any]) -> SessionRecord:
    return SessionRecord(
        token_hash=token_hash,
        user_id=str(item["user_id"]),
        created_at=as_int(item.get("created_at")),
        last_seen_at=as_int(item.get("last_seen_at")),
        expires_at=as_int(item.get("expires_at")),
        epoch=as_int(item.get("epoch")),
        public_id=str(item.get("sid", "")),
        method=str(item.get("method", "")),
        browser=str(item.get("browser", "")),
    )
