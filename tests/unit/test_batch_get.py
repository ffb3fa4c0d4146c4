"""A batch read gets every item it names even when DynamoDB is throttling: the keys it leaves unprocessed are
asked for again after a pause that grows, and a read that never gets through stops rather than spin."""

from __future__ import annotations

from typing import Any

import pytest
from migris.dal import base
from migris.dal.base import BATCH_GET_ROUNDS, batch_get


class ThrottledDynamoDB:
    """Answers each batch read with the first key it is asked for and leaves the rest unprocessed."""

    def __init__(self, items: dict[str, dict[str, Any]], *, always_throttled: bool = False) -> None:
        self.items = items
        self.always_throttled = always_throttled
        self.calls = 0

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # botocore's parameter name
        self.calls += 1
        table, wanted = next(iter(RequestItems.items()))
        keys = wanted["Keys"]
        if self.always_throttled:
            return {"Responses": {}, "UnprocessedKeys": RequestItems}
        rest = {table: {**wanted, "Keys": keys[1:]}} if keys[1:] else {}
        return {"Responses": {table: [self.items[keys[0]["pk"]]]}, "UnprocessedKeys": rest}


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(base.time, "sleep", slept.append)
    return slept


def test_every_item_is_read_though_some_keys_come_back_unprocessed(pauses: list[float]) -> None:
    items = {pk: {"pk": pk, "n": index} for index, pk in enumerate(["a", "b", "c"])}
    dynamodb = ThrottledDynamoDB(items)
    found = batch_get(dynamodb, {"t": {"Keys": [{"pk": pk} for pk in items], "ConsistentRead": True}})
    assert sorted(item["pk"] for _, item in found) == ["a", "b", "c"]
    assert {table for table, _ in found} == {"t"}
    assert dynamodb.calls == 3
    assert pauses == [0.05, 0.1]  # no pause before the first ask, then growing


def test_a_read_that_never_gets_through_stops(pauses: list[float]) -> None:
    dynamodb = ThrottledDynamoDB({}, always_throttled=True)
    with pytest.raises(RuntimeError, match="unprocessed"):
        batch_get(dynamodb, {"t": {"Keys": [{"pk": "a"}]}})
    assert dynamodb.calls == BATCH_GET_ROUNDS
