"""The staff audit table: append-only events, read oldest first.

Events are keyed by a keyed hash of the user id (`subject`, HMAC under the code pepper), never the id itself;
the names and addresses in their changes are sealed under the account's own key (migris.domain.audit_seal), so
erasure, which deletes that key, leaves events whose personal data nobody can read."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from migris.dal.base import Table, plain
from migris.domain.audit_seal import SEALED_FIELDS, AuditKeyMissing, seal, unseal
from migris.domain.records import AuditEvent, FieldChange

AUDIT_SUBJECT_PURPOSE = "audit-subject"


class AuditRepository:
    def __init__(self, dynamodb: Any, table_name: str, subject: Callable[[str], str]) -> None:
        """`subject` is the keyed hash of a user id that keys the user's events (the pepper is read on first
        use)."""
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name
        self._subject = subject

    def append_item(self, event: AuditEvent, at_seconds: float, key: str | None = None) -> dict[str, Any]:
        """The transaction item that appends the event made at `at_seconds` (never overwriting one): it lands
        with the change. Its sort key is that time in milliseconds (events read oldest first), made unique by a
        random suffix. An event that names personal data (SEALED_FIELDS) needs the account's audit `key`
        (migris.domain.audit_seal.account_key, whose changes land in the same write): without it,
        AuditKeyMissing."""
        subject = self._subject(event.user_id)
        sort_key = f"{int(at_seconds * 1000):015d}#{uuid.uuid4()}"
        changes: dict[str, Any] = {}
        for name, change in event.changes.items():
            if name in SEALED_FIELDS:
                if not key:
                    raise AuditKeyMissing(name)
                changes[name] = {"sealed": seal(key, subject, name, change)}
            else:
                changes[name] = {"before": change.before, "after": change.after}
        return {
            "Put": {
                "TableName": self._table_name,
                "Item": {
                    "subject": subject,
                    "sk": sort_key,
                    "at": event.at,
                    "actor": event.actor,
                    "changes": changes,
                    "reason": event.reason,
                },
                "ConditionExpression": "attribute_not_exists(sk)",
            }
        }

    def events(self, user_id: str, key: str | None) -> list[AuditEvent]:
        """The user's events, oldest first, their sealed changes opened with the account's `key`; with none (the
        account is erased) a sealed change reads as erased: before and after None."""
        subject = self._subject(user_id)
        events: list[AuditEvent] = []
        query: dict[str, Any] = {
            "KeyConditionExpression": "subject = :subject",
            "ExpressionAttributeValues": {":subject": subject},
            "ScanIndexForward": True,
        }
        while True:
            page = self._table.query(**query)
            for item in page.get("Items", []):
                changes: dict[str, FieldChange] = {}
                for name, stored in plain(item.get("changes", {})).items():
                    if "sealed" not in stored:
                        changes[name] = FieldChange(before=stored.get("before"), after=stored.get("after"))
                    elif key:
                        changes[name] = unseal(key, subject, name, stored["sealed"])
                    else:
                        changes[name] = FieldChange(before=None, after=None, erased=True)
                events.append(
                    AuditEvent(
                        user_id=user_id,
                        at=str(item["at"]),
                        actor=str(item["actor"]),
                        changes=changes,
                        reason=str(item["reason"]),
                    )
                )
            if "LastEvaluatedKey" not in page:
                return events
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
