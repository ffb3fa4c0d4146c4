"""The mail ledger (its own table): one entry a queued mail, so SQS's at-least-once delivery never mails twice,
and one counter a second, so the mail function's copies together keep to the send rate (DESIGN.md, Mail).

An entry is keyed by a hash of the mail's id (a code mail's id holds its login id, which stays out of the
table) and holds `state` (sending, sent, failed), the claim's token and until when it stands. A pace counter is
`pace#<second>`, gone a minute later by TTL."""

from __future__ import annotations

import hashlib
from typing import Any

from migris.dal.base import Table, as_int, conditionally, written_or_found
from migris.domain.mail_delivery import ClaimState

PACE_KEEP_SECONDS = 60


def _key(mail_id: str) -> str:
    return "mail#" + hashlib.sha256(mail_id.encode()).hexdigest()[:32]


class MailLedgerRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)

    def claim(self, mail_id: str, token: str, *, now: int, claim_until: int, keep_until: int) -> ClaimState:
        """Claim the mail for this delivery unless the ledger knows it already; what the ledger says."""
        claimed, found = written_or_found(
            lambda: self._table.update_item(
                Key={"pk": _key(mail_id)},
                UpdateExpression="SET #state = :sending, claim = :token, claim_until = :until, expires_at = :keep",
                ConditionExpression="attribute_not_exists(pk)",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={
                    ":sending": "sending",
                    ":token": token,
                    ":until": claim_until,
                    ":keep": keep_until,
                },
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        )
        if claimed:
            return ClaimState.CLAIMED
        state = str(found.get("state", ""))
        if state == "sent":
            return ClaimState.SENT
        if state == "failed":
            return ClaimState.FAILED
        return ClaimState.IN_FLIGHT if as_int(found.get("claim_until")) > now else ClaimState.ABANDONED

    def mark_sent(self, mail_id: str, token: str) -> None:
        conditionally(
            lambda: self._table.update_item(
                Key={"pk": _key(mail_id)},
                UpdateExpression="SET #state = :sent REMOVE claim_until",
                ConditionExpression="claim = :token",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":sent": "sent", ":token": token},
            )
        )

    def release(self, mail_id: str, token: str) -> None:
        """Forget this delivery's claim (SES said no: nothing went out), so a later delivery may try again."""
        conditionally(
            lambda: self._table.delete_item(
                Key={"pk": _key(mail_id)},
                ConditionExpression="claim = :token",
                ExpressionAttributeValues={":token": token},
            )
        )

    def give_up(self, mail_id: str, *, keep_until: int) -> bool:
        recorded = conditionally(
            lambda: self._table.update_item(
                Key={"pk": _key(mail_id)},
                UpdateExpression="SET #state = :failed, expires_at = :keep",
                ConditionExpression="attribute_not_exists(pk)",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":failed": "failed", ":keep": keep_until},
            )
        )
        return recorded is not None

    def forget_failure(self, mail_id: str) -> None:
        conditionally(
            lambda: self._table.delete_item(
                Key={"pk": _key(mail_id)},
                ConditionExpression="#state = :failed",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":failed": "failed"},
            )
        )

    def take_slot(self, second: int, rate: int) -> bool:
        """One of the `rate` sends of that second, if one is left."""
        taken = conditionally(
            lambda: self._table.update_item(
                Key={"pk": f"pace#{second}"},
                UpdateExpression="ADD sends :one SET expires_at = :keep",
                ConditionExpression="attribute_not_exists(sends) OR sends < :rate",
                ExpressionAttributeValues={":one": 1, ":rate": rate, ":keep": second + PACE_KEEP_SECONDS},
            )
        )
        return taken is not None
