"""What every table module shares: a DynamoDB client that speaks plain Python values, a table by name on it,
DynamoDB numbers as Python ones, and conditional writes whose failed condition is an answer, not an error."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

_DESERIALIZER = TypeDeserializer()


def python_values(client: Any) -> Any:
    """The DynamoDB client, taught to take and give plain Python values (str, int, Decimal, bytes, dict, list,
    set) as a boto3 resource's client does, with boto3's own transformations (boto3.dynamodb.transform). A
    resource would do the same but costs a cold start more: its own model file and classes, about 15 ms."""
    from boto3.dynamodb.transform import TransformationInjector, copy_dynamodb_params

    injector = TransformationInjector()
    events = client.meta.events
    events.register("provide-client-params.dynamodb", copy_dynamodb_params, unique_id="migris-dynamodb-params-copy")
    events.register(
        "before-parameter-build.dynamodb", injector.inject_attribute_value_input, unique_id="migris-dynamodb-input"
    )
    events.register("after-call.dynamodb", injector.inject_attribute_value_output, unique_id="migris-dynamodb-output")
    return client


class Table:
    """One table on a python_values client: the calls a boto3 Table makes, with its name filled in."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name

    def get_item(self, **params: Any) -> Any:
        return self.client.get_item(TableName=self.name, **params)

    def put_item(self, **params: Any) -> Any:
        return self.client.put_item(TableName=self.name, **params)

    def update_item(self, **params: Any) -> Any:
        return self.client.update_item(TableName=self.name, **params)

    def delete_item(self, **params: Any) -> Any:
        return self.client.delete_item(TableName=self.name, **params)

    def query(self, **params: Any) -> Any:
        return self.client.query(TableName=self.name, **params)


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


def written_or_found(write: Callable[[], Any]) -> tuple[bool, dict[str, Any]]:
    """Run a conditional write that asks for the item back (ReturnValues, and ReturnValuesOnConditionCheckFailure
    ALL_OLD): whether it landed, and the item it returned either way (empty when there was none). A failed
    condition's item comes back in DynamoDB's own notation, which the client's transformation does not reach."""
    try:
        result = write()
    except ClientError as error:
        if not is_condition_failure(error):
            raise
        raw = error.response.get("Item") or {}
        return False, {name: _DESERIALIZER.deserialize(value) for name, value in raw.items()}
    return True, dict(result.get("Attributes") or {})


BATCH_GET_ROUNDS = 8  # DynamoDB leaves keys unprocessed when throttled: asked again this often at most


def batch_get(client: Any, request: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every (table name, item) a BatchGetItem request finds, asking again for the keys DynamoDB left
    unprocessed, after a pause that doubles each round (as AWS advises: unprocessed keys mean throttling)."""
    found: list[tuple[str, dict[str, Any]]] = []
    for round_ in range(BATCH_GET_ROUNDS):
        if round_:
            time.sleep(0.05 * 2 ** (round_ - 1))
        answer = client.batch_get_item(RequestItems=request)
        found += [(table, item) for table, items in answer.get("Responses", {}).items() for item in items]
        request = answer.get("UnprocessedKeys") or {}
        if not request:
            return found
    raise RuntimeError(f"DynamoDB left keys unprocessed {BATCH_GET_ROUNDS} times")


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
