"""The codes table: code boxes (an address's or an account's live codes and sends) and per-source counters."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr

from migris.dal.base import as_int, conditionally, transact
from migris.domain.records import CodeBox, LiveCode, Send, SourceCounters, StaleVersion


class CodeRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)
        self._table_name = table_name
        self._dynamodb = dynamodb

    def read(self, box_key: str, source_key: str) -> tuple[CodeBox | None, SourceCounters]:
        """The box and the pair's counters, in one consistent batch read."""
        box, counters, _ = self.read_with(box_key, source_key)
        return box, counters

    def read_with(
        self, box_key: str, source_key: str, also: tuple[str, str] | None = None
    ) -> tuple[CodeBox | None, SourceCounters, dict[str, Any] | None]:
        """The box, the pair's counters and, `also` (table name, pk), one item of another table, in one
        consistent batch read."""
        request: dict[str, Any] = {
            self._table_name: {"Keys": [{"pk": box_key}, {"pk": source_key}], "ConsistentRead": True}
        }
        if also is not None:
            request.setdefault(also[0], {"Keys": [], "ConsistentRead": True})["Keys"].append({"pk": also[1]})
        items: dict[tuple[str, str], dict[str, Any]] = {}
        while request:
            answer = self._dynamodb.batch_get_item(RequestItems=request)
            for table_name, found in answer.get("Responses", {}).items():
                for item in found:
                    items[(table_name, str(item["pk"]))] = item
            request = answer.get("UnprocessedKeys") or {}
        box_item = items.get((self._table_name, box_key))
        source_item = items.get((self._table_name, source_key), {})
        counters = SourceCounters(
            failures=as_int(source_item.get("failures")),
            lock_count=as_int(source_item.get("lock_count")),
            locked_until=as_int(source_item.get("locked_until")),
        )
        other = None if also is None else items.get(also)
        return (None if box_item is None else _code_box(box_key, box_item)), counters, other

    def save(self, box: CodeBox, expected_version: int, expires_at: int) -> None:
        """Write the box whole, only if nobody changed it since it was read; StaleVersion otherwise."""
        item: dict[str, Any] = {
            "pk": box.key,
            "version": expected_version + 1,
            "codes": {
                login_id: {
                    "h": live.code_hash,
                    "exp": live.expires_at,
                    "att": live.attempts,
                    "src": live.source,
                    "at": live.issued_at,
                }
                for login_id, live in box.codes.items()
            },
            "sent": [{"t": send.at, "s": send.source} for send in box.sent],
            "expires_at": expires_at,
        }
        condition = Attr("pk").not_exists() if expected_version == 0 else Attr("version").eq(expected_version)
        if conditionally(lambda: self._table.put_item(Item=item, ConditionExpression=condition)) is None:
            raise StaleVersion(box.key)

    def count_attempt(self, box_key: str, login_id: str, code_hash: str, max_attempts: int) -> int | None:
        """Count one try at this very code before it is compared; None when it is gone or used up."""
        result = conditionally(
            lambda: self._table.update_item(
                Key={"pk": box_key},
                UpdateExpression="SET codes.#id.att = codes.#id.att + :one ADD version :one",
                ConditionExpression="codes.#id.h = :hash AND codes.#id.att < :max",
                ExpressionAttributeNames={"#id": login_id},
                ExpressionAttributeValues={":one": 1, ":hash": code_hash, ":max": max_attempts},
                ReturnValues="UPDATED_NEW",
            )
        )
        return None if result is None else as_int(result["Attributes"]["codes"][login_id]["att"])

    def remove_code(self, box_key: str, login_id: str, code_hash: str) -> bool:
        """Take the code out (used or burned); of concurrent callers exactly one gets True."""
        removed = conditionally(
            lambda: self._table.update_item(
                Key={"pk": box_key},
                UpdateExpression="REMOVE codes.#id ADD version :one",
                ConditionExpression="codes.#id.h = :hash",
                ExpressionAttributeNames={"#id": login_id},
                ExpressionAttributeValues={":one": 1, ":hash": code_hash},
            )
        )
        return removed is not None

    def use_item(self, box_key: str, login_id: str, code_hash: str, max_attempts: int) -> dict[str, Any]:
        """The transaction item that uses up this very code, only while it is there and has tries left: of
        concurrent right tries exactly one lands."""
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"pk": box_key},
                "UpdateExpression": "REMOVE codes.#id ADD version :one",
                "ConditionExpression": "codes.#id.h = :hash AND codes.#id.att < :max",
                "ExpressionAttributeNames": {"#id": login_id},
                "ExpressionAttributeValues": {":one": 1, ":hash": code_hash, ":max": max_attempts},
            }
        }

    def use(self, box_key: str, login_id: str, code_hash: str, max_attempts: int) -> bool:
        """Use up this very code (see use_item) on its own; of concurrent callers at most one gets True."""
        update = self.use_item(box_key, login_id, code_hash, max_attempts)["Update"]
        return conditionally(lambda: self._dynamodb.meta.client.update_item(**update)) is not None

    def apply(self, items: list[dict[str, Any]]) -> bool:
        """The items (use_item, reset_item) in one transaction; False when it did not land."""
        return transact(self._dynamodb.meta.client, items) is None

    def reset_item(self, source_key: str) -> dict[str, Any]:
        """The transaction item that forgets the pair's failures and lock growth (see reset)."""
        return {"Delete": {"TableName": self._table_name, "Key": {"pk": source_key}}}

    def add_failure(self, source_key: str, expires_at: int) -> SourceCounters:
        """Count one failed try for the pair (across codes); returns the counters after it."""
        result = self._table.update_item(
            Key={"pk": source_key},
            UpdateExpression="ADD failures :one SET expires_at = :expires",
            ExpressionAttributeValues={":one": 1, ":expires": expires_at},
            ReturnValues="ALL_NEW",
        )
        attributes = result["Attributes"]
        return SourceCounters(
            failures=as_int(attributes.get("failures")),
            lock_count=as_int(attributes.get("lock_count")),
            locked_until=as_int(attributes.get("locked_until")),
        )

    def lock(self, source_key: str, threshold: int, locked_until: int, expires_at: int) -> bool:
        """Lock the pair, once, when its failures reach the threshold."""
        locked = conditionally(
            lambda: self._table.update_item(
                Key={"pk": source_key},
                UpdateExpression=(
                    "SET failures = :zero, locked_until = :until, expires_at = :expires ADD lock_count :one"
                ),
                ConditionExpression=Attr("failures").gte(threshold),
                ExpressionAttributeValues={":zero": 0, ":one": 1, ":until": locked_until, ":expires": expires_at},
            )
        )
        return locked is not None

    def reset(self, source_key: str) -> None:
        """Forget the pair's failures and lock growth (after a success from it)."""
        self._table.delete_item(Key={"pk": source_key})


def _code_box(key: str, item: dict[str, Any]) -> CodeBox:
    codes = {
        str(login_id): LiveCode(
            code_hash=str(value["h"]),
            expires_at=as_int(value.get("exp")),
            attempts=as_int(value.get("att")),
            source=str(value.get("src", "")),
            issued_at=as_int(value.get("at")),
        )
        for login_id, value in (item.get("codes") or {}).items()
    }
    sent = [Send(at=as_int(send.get("t")), source=str(send.get("s", ""))) for send in item.get("sent") or []]
    return CodeBox(key=key, version=as_int(item.get("version")), codes=codes, sent=sent)
