"""The staff audit table: append-only events, read oldest first."""

from __future__ import annotations

import uuid
from typing import Any

from migris.dal.base import Table, plain
from migris.domain.records import AuditEvent


class AuditRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name

    def append_item(self, event: AuditEvent, at_seconds: float) -> dict[str, Any]:
        """The transaction item that appends the event made at `at_seconds` (never overwriting one): it lands
        with the change. Its sort key is that time in milliseconds (events read oldest first), made unique by a
        random suffix."""
        sort_key = f"{int(at_seconds * 1000):015d}#{uuid.uuid4()}"
        return {
            "Put": {
                "TableName": self._table_name,
                "Item": {
                    "user_id": event.user_id,
                    "sk": sort_key,
                    "at": event.at,
                    "actor": event.actor,
                    "changes": {name: change.model_dump() for name, change in event.changes.items()},
                    "reason": event.reason,
                },
                "ConditionExpression": "attribute_not_exists(sk)",
            }
        }

    def events(self, user_id: str) -> list[AuditEvent]:
        events: list[AuditEvent] = []
        query: dict[str, Any] = {
            "KeyConditionExpression": "user_id = :user_id",
            "ExpressionAttributeValues": {":user_id": user_id},
            "ScanIndexForward": True,
        }
        while True:
            page = self._table.query(**query)
            for item in page.get("Items", []):
                events.append(
                    AuditEvent(
                        user_id=user_id,
                        at=str(item["at"]),
                        actor=str(item["actor"]),
                        changes=plain(item.get("changes", {})),
                        reason=str(item["reason"]),
                    )
                )
            if "LastEvaluatedKey" not in page:
                return events
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
