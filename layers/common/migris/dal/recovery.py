"""Recovery link tokens, in the sessions table beside the "not me" tokens: `recovery#<keyed hash of the token>`,
pointing at the account whose recovery it belongs to, deleted by the table's TTL. Their account is
`token_user_id`, not `user_id`, so they stay out of the by_user index. Whether a token still works is decided on
the account's recovery (migris.domain.recovery), never here: the pointer only finds it."""

from __future__ import annotations

from typing import Any

from migris.dal.base import Table, as_int
from migris.domain.records import RecoveryToken

RECOVERY_TOKEN_PREFIX = "recovery#"


class RecoveryTokens:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name

    def put_item(self, token: RecoveryToken) -> dict[str, Any]:
        """The transaction item that stores the token's pointer (with the write that starts the recovery)."""
        return {
            "Put": {
                "TableName": self._table_name,
                "Item": {
                    "pk": f"{RECOVERY_TOKEN_PREFIX}{token.token_hash}",
                    "token_user_id": token.user_id,
                    "recovery_id": token.recovery_id,
                    "expires_at": token.expires_at,
                },
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def get(self, token_hash: str) -> RecoveryToken | None:
        key = {"pk": f"{RECOVERY_TOKEN_PREFIX}{token_hash}"}
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        if item is None or "token_user_id" not in item:
            return None
        return RecoveryToken(
            token_hash=token_hash,
            user_id=str(item["token_user_id"]),
            recovery_id=str(item.get("recovery_id", "")),
            expires_at=as_int(item.get("expires_at")),
        )
