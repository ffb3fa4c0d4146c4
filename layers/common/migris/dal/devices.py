"""Known devices, in the sessions table beside the sessions: `device#<keyed hash of the token>`.

They share the table (and its by_user index and TTL) because a device lives and ends as a session does: by the
account's epoch. The `device#` prefix keeps them apart: a session's key is a bare SHA-256 in hex, and every grant
that reaches a device names the prefix (template.yaml, dynamodb:LeadingKeys)."""

from __future__ import annotations

from typing import Any

from migris.dal.base import Table, as_int, conditionally
from migris.dal.sessions import items_of_user
from migris.domain.records import DeviceRecord

DEVICE_PREFIX = "device#"


def device_key(device_hash: str) -> str:
    return f"{DEVICE_PREFIX}{device_hash}"


class DeviceRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name

    def get(self, device_hash: str) -> DeviceRecord | None:
        item = self._table.get_item(Key={"pk": device_key(device_hash)}, ConsistentRead=True).get("Item")
        return None if item is None or "user_id" not in item else _record(item)

    def create_item(self, device: DeviceRecord) -> dict[str, Any]:
        """The transaction item that creates the device (in the sign-in's own write)."""
        return {
            "Put": {
                "TableName": self._table_name,
                "Item": _item(device),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def keep_item(
        self, device_hash: str, user_id: str, epoch: int, *, used_at: int, expires_at: int, address_hash: str
    ) -> dict[str, Any]:
        """The transaction item that keeps a known device (a sign-in on it, or an e-mail change it confirmed: the
        address hash it now carries), on the condition that it is still this account's in the epoch the write
        read: a device that a revoke ended meanwhile is not kept, and the write is refused."""
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"pk": device_key(device_hash)},
                "UpdateExpression": "SET last_used_at = :used, expires_at = :expires, address_hash = :address",
                "ConditionExpression": "user_id = :user_id AND #epoch = :epoch",
                "ExpressionAttributeNames": {"#epoch": "epoch"},
                "ExpressionAttributeValues": {
                    ":used": used_at,
                    ":expires": expires_at,
                    ":address": address_hash,
                    ":user_id": user_id,
                    ":epoch": epoch,
                },
            }
        }

    def carry_into_epoch_item(
        self, device_hash: str, user_id: str, from_epoch: int, to_epoch: int, *, address_hash: str
    ) -> dict[str, Any]:
        """The transaction item that carries this device into the account's new epoch (the device that confirmed
        an e-mail change, which now carries the new address), on the condition that it is still in the epoch the
        write read."""
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"pk": device_key(device_hash)},
                "UpdateExpression": "SET #epoch = :to_epoch, address_hash = :address",
                "ConditionExpression": "user_id = :user_id AND #epoch = :from_epoch",
                "ExpressionAttributeNames": {"#epoch": "epoch"},
                "ExpressionAttributeValues": {
                    ":user_id": user_id,
                    ":from_epoch": from_epoch,
                    ":to_epoch": to_epoch,
                    ":address": address_hash,
                },
            }
        }

    def update(self, update: dict[str, Any]) -> bool:
        """One of the items above (its "Update"), on its own: whether its condition held."""
        params = {key: value for key, value in update.items() if key != "TableName"}
        return conditionally(lambda: self._table.update_item(**params)) is not None

    def of_user(self, user_id: str) -> list[DeviceRecord]:
        """Every device item of the user (live or not: the caller decides)."""
        return [_record(item) for item in items_of_user(self._table, self._table_name, user_id, devices=True)]

    def delete_of(self, device_hash: str, user_id: str) -> bool:
        """Forget the device only if it is this user's; whether it was."""
        return (
            conditionally(
                lambda: self._table.delete_item(
                    Key={"pk": device_key(device_hash)},
                    ConditionExpression="user_id = :user_id",
                    ExpressionAttributeValues={":user_id": user_id},
                )
            )
            is not None
        )

    def delete_ended(self, device_hash: str, user_id: str, epoch: int, address_hash: str) -> bool:
        """Delete the device only while it is still as read (this user's, in this ended epoch, with this address);
        whether it was."""
        return (
            conditionally(
                lambda: self._table.delete_item(
                    Key={"pk": device_key(device_hash)},
                    ConditionExpression="user_id = :user_id AND #epoch = :epoch AND address_hash = :address",
                    ExpressionAttributeNames={"#epoch": "epoch"},
                    ExpressionAttributeValues={":user_id": user_id, ":epoch": epoch, ":address": address_hash},
                )
            )
            is not None
        )


def _item(device: DeviceRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": device_key(device.device_hash),
        "user_id": device.user_id,
        "epoch": device.epoch,
        "address_hash": device.address_hash,
        "did": device.public_id,
        "created_at": device.created_at,
        "last_used_at": device.last_used_at,
        "expires_at": device.expires_at,
    }
    if device.browser:
        item["browser"] = device.browser
    return item


def _record(item: dict[str, Any]) -> DeviceRecord:
    return DeviceRecord(
        device_hash=str(item["pk"]).removeprefix(DEVICE_PREFIX),
        user_id=str(item["user_id"]),
        epoch=as_int(item.get("epoch")),
        address_hash=str(item.get("address_hash", "")),
        public_id=str(item.get("did", "")),
        created_at=as_int(item.get("created_at")),
        last_used_at=as_int(item.get("last_used_at")),
        expires_at=as_int(item.get("expires_at")),
        browser=str(item.get("browser", "")),
    )
