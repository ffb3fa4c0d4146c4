"""The codes table: code boxes (an address's or an account's live codes and sends) and per-source counters."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr

from migris.dal.base import as_int, conditionally
from migris.domain.records import CodeBox, LiveCode, Send, SourceCounters, StaleVersion


class CodeRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)
        self._table_name = table_name
        self._dynamodb = dynamodb

    def read(self, box_key: str, source_key: str) -> tuple[CodeBox | None, SourceCounters]:
        """The box and the pair's counters, in one consistent batch read."""
        keys = [{"pk": box_key}, {"pk": source_key}]
        request: dict[str, Any] = {self._table_name: {"Keys": keys, "ConsistentRead": True}}
        items: dict[str, dict[str, Any]] = {}
        while request:
            answer = self._dynamodb.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self._table_name, []):
                items[str(item["pk"])] = item
            request = answer.get("UnprocessedKeys") or {}
        box_item, source_item = items.get(box_key), items.get(source_key, {})
        counters = SourceCounters(
            failures=as_int(source_item.get("failures")),
            lock_count=as_int(source_item.get("lock_count")),
            locked_until=as_int(source_item.get("locked_until")),
        )
        return (None if box_item is None else _code_box(box_key, box_item)), counters

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
