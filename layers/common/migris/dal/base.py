"""What every table module shares: DynamoDB numbers as Python ones, and conditional writes whose failed
condition is an answer, not an error."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError


def is_condition_failure(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code")
    if code == "ConditionalCheckFailedException":
        return True
    if code != "TransactionCanceledException":
        return False
    # A transaction also fails on conflicts with other transactions; only failed conditions are ours.
    return bool(failed_conditions(error)) or not error.response.get("CancellationReasons")


def failed_conditions(error: ClientError) -> list[int]:
    """The indexes of the transaction items whose condition failed."""
    reasons = error.response.get("CancellationReasons") or []
    return [index for index, reason in enumerate(reasons) if reason.get("Code") == "ConditionalCheckFailed"]


def conditionally(write: Callable[[], Any]) -> Any | None:
    """Run a conditional write: its result, or None when its condition did not hold."""
    try:
        return write()
    except ClientError as error:
        if is_condition_failure(error):
            return None
        raise


def transact(client: Any, items: list[dict[str, Any]]) -> list[int] | None:
    """Write the items in one transaction: None when it landed; when it was cancelled, the indexes of the items
    whose condition failed (empty for a conflict with another transaction: try again)."""
    try:
        client.transact_write_items(TransactItems=items)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        return failed_conditions(error)
    return None


def plain(value: Any) -> Any:
    """An attribute as the API shows it: DynamoDB numbers come back as Decimal (ours are all whole)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def as_int(value: Any, default: int = 0) -> int:
    return int(value) if isinstance(value, (int, Decimal)) else default
