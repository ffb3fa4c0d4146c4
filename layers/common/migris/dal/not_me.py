""" "Not me" tokens, in the sessions table beside the sessions and devices: `notme#<keyed hash of the token>`,
deleted by the table's TTL when never used. Their account is `token_user_id`, not `user_id`, so they stay out
of the by_user index (a listing of sessions or devices never meets one)."""

from __future__ import annotations

from typing import Any

from migris.dal.base import Table, as_int, conditionally
from migris.domain.records import NotMeToken

NOT_ME_PREFIX = "notme#"
# How many new-sign-in notices an account was sent on a UTC day: `notices#<user id>#<day>`, gone with the TTL.
NOTICES_PREFIX = "notices#"


class NoticeCounter:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)

    def take(self, user_id: str, day: str, cap: int, expires_at: int) -> bool:
        """Count one more notice for the account on `day`, unless `cap` went already (one conditional write, so
        concurrent sign-ins cannot pass it); whether it was counted."""
        return (
            conditionally(
                lambda: self._table.update_item(
                    Key={"pk": f"{NOTICES_PREFIX}{user_id}#{day}"},
                    UpdateExpression="ADD #sent :one SET expires_at = :expires",
                    ConditionExpression="attribute_not_exists(#sent) OR #sent < :cap",
                    ExpressionAttributeNames={"#sent": "sent"},
                    ExpressionAttributeValues={":one": 1, ":cap": cap, ":expires": expires_at},
                )
            )
            is not None
        )


class NotMeTokens:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name

    def put(self, token: NotMeToken) -> None:
        self._table.put_item(
            Item={
                "pk": f"{NOT_ME_PREFIX}{token.token_hash}",
                "token_user_id": token.user_id,
                "since": token.since,
                "expires_at": token.expires_at,
            },
            ConditionExpression="attribute_not_exists(pk)",
        )

    def get(self, token_hash: str) -> NotMeToken | None:
        item = self._table.get_item(Key={"pk": f"{NOT_ME_PREFIX}{token_hash}"}, ConsistentRead=True).get("Item")
        if item is None or "token_user_id" not in item:
            return None
        return NotMeToken(
            token_hash=token_hash,
            user_id=str(item["token_user_id"]),
            since=as_int(item.get("since")),
            expires_at=as_int(item.get("expires_at")),
        )

    def spend_item(self, token: NotMeToken, now: int) -> dict[str, Any]:
        """The transaction item that uses the token up: only while it is there and unexpired (single use)."""
        return {
            "Delete": {
                "TableName": self._table_name,
                "Key": {"pk": f"{NOT_ME_PREFIX}{token.token_hash}"},
                "ConditionExpression": "attribute_exists(pk) AND expires_at > :now",
                "ExpressionAttributeValues": {":now": now},
            }
        }
