"""The activity table: one partition per account (`user_id`), one item per event, its sort key the time in
milliseconds with a random suffix (read newest first), deleted by the table's TTL (`expires_at`) once its
retention is over. Every role that records may only append (PutItem on a new key); only the erasure deletes."""

from __future__ import annotations

import secrets
from typing import Any

from migris.dal.base import Table, plain
from migris.domain.records import ActivityEvent


class ActivityRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name

    def append_item(self, user_id: str, event: ActivityEvent, at_seconds: float, expires_at: int) -> dict[str, Any]:
        """The transaction item that appends the event (never overwriting one), to land with what it tells of."""
        item: dict[str, Any] = {
            "user_id": user_id,
            "sk": f"{int(at_seconds * 1000):015d}#{secrets.token_hex(4)}",
            "expires_at": expires_at,
            # What the event does not have is left out (a change's own None stays: "before" nothing).
            **{name: value for name, value in event.model_dump(mode="json").items() if value is not None},
        }
        return {
            "Put": {
                "TableName": self._table_name,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(sk)",
            }
        }

    def append(self, user_id: str, event: ActivityEvent, at_seconds: float, expires_at: int) -> None:
        put = self.append_item(user_id, event, at_seconds, expires_at)["Put"]
        self._table.put_item(Item=put["Item"], ConditionExpression=put["ConditionExpression"])

    def page(self, user_id: str, limit: int, after: str | None, now: int) -> tuple[list[ActivityEvent], str | None]:
        """Up to `limit` events, newest first, older than the sort key `after` (the previous page's last), none
        whose retention ended at `now` (the TTL deletes up to two days late); and the sort key to ask the next
        page after, or None when there are no more."""
        query: dict[str, Any] = {
            "KeyConditionExpression": "user_id = :user_id",
            "FilterExpression": "expires_at > :now",
            "ExpressionAttributeValues": {":user_id": user_id, ":now": now},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if after is not None:
            query["ExclusiveStartKey"] = {"user_id": user_id, "sk": after}
        found = self._table.query(**query)
        items = found.get("Items", [])
        events = [ActivityEvent.model_validate(plain(item)) for item in items]
        more = found.get("LastEvaluatedKey")
        return events, (str(more["sk"]) if more else None)
