"""VIISP tickets, keyed by the SHA-256 of the ticket; the browser's nonce and our state kept as hashes."""

from __future__ import annotations

from typing import Any

from migris.dal.base import Table, as_int, written_or_found
from migris.domain.records import ViispTicketRecord


class ViispTicketRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)

    def create(self, record: ViispTicketRecord, created_at: int) -> None:
        item: dict[str, Any] = {
            "pk": record.ticket_hash,
            "nonce_hash": record.nonce_hash,
            "state_hash": record.state_hash,
            "created_at": created_at,
            "expires_at": record.expires_at,
        }
        if record.link_user_id and record.link_session_hash:
            item |= {"link_user_id": record.link_user_id, "link_session_hash": record.link_session_hash}
        if record.device_hash:
            item["device_hash"] = record.device_hash
        if record.shared_computer:
            item["shared_computer"] = True
        self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")

    def use(
        self, ticket_hash: str, nonce_hash: str, state_hash: str, now: int
    ) -> tuple[bool, ViispTicketRecord | None]:
        """Mark the ticket used, in one conditional write: only while it exists, is unused and unexpired, and was
        started with this nonce and state; of concurrent callers exactly one succeeds. Answers whether it did, and
        the ticket as it was before the write (None when there is no such ticket), to tell a refusal's reason."""
        used, item = written_or_found(
            lambda: self._table.update_item(
                Key={"pk": ticket_hash},
                UpdateExpression="SET used_at = :now",
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(used_at) AND expires_at > :now "
                "AND nonce_hash = :nonce AND state_hash = :state",
                ExpressionAttributeValues={":now": now, ":nonce": nonce_hash, ":state": state_hash},
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        )
        if not item:
            return used, None
        record = ViispTicketRecord(
            ticket_hash=ticket_hash,
            nonce_hash=str(item.get("nonce_hash", "")),
            state_hash=str(item.get("state_hash", "")),
            expires_at=as_int(item.get("expires_at")),
            used_at=as_int(item["used_at"]) if "used_at" in item else None,
            link_user_id=str(item["link_user_id"]) if "link_user_id" in item else None,
            link_session_hash=str(item["link_session_hash"]) if "link_session_hash" in item else None,
            device_hash=str(item["device_hash"]) if "device_hash" in item else None,
            shared_computer=bool(item.get("shared_computer", False)),
        )
        return used, record
