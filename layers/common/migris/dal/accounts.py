"""The accounts table: user items and the uniqueness items (`email#`, `personal_code#`, `eidas#`) that point at
them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel

from migris.dal.base import Table, failed_conditions, is_condition_failure, plain, transact
from migris.domain.records import (
    Account,
    AccountChanges,
    AccountExists,
    AddressTaken,
    CompanionRefused,
    Identity,
    IdentityTaken,
    LinkRefused,
    StaleVersion,
)

# The sparse index of pending recoveries: one partition, sorted by when each falls due.
RECOVERIES_DUE_INDEX = "recoveries_due"
RECOVERY_QUEUE = "pending"


def user_key(user_id: str) -> str:
    return f"user#{user_id}"


def email_key(email: str) -> str:
    return f"email#{email}"


def personal_code_key(personal_code: str) -> str:
    return f"personal_code#{personal_code}"


def identity_key(identity: Identity) -> str:
    """The uniqueness item of an identity VIISP vouched for: its personal code's, or its eIDAS identifier's."""
    return personal_code_key(identity.key) if identity.kind == "lt-personal-code" else f"eidas#{identity.key}"


def identity_attributes(identity: Identity) -> AccountChanges:
    """The identity as the account item keeps it."""
    if identity.kind == "lt-personal-code":
        return {"personal_code": identity.key}
    changes: AccountChanges = {"eidas_id": identity.key}
    if identity.country:
        changes["identity_country"] = identity.country
    return changes


def _attributes(changes: AccountChanges) -> dict[str, Any]:
    """The changes as item attributes: a record (the notice due) is stored as a map of its fields."""
    return {name: value.model_dump() if isinstance(value, BaseModel) else value for name, value in changes.items()}


class AccountRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name
        self._client = dynamodb  # python_values: plain Python values in and out

    def email_item(self, email: str) -> tuple[str, str]:
        """The table and key of the address's uniqueness item, for a batch read with other tables."""
        return self._table_name, email_key(email)

    def transact(self, items: list[dict[str, Any]]) -> list[int] | None:
        """Items of any of the service's tables in one transaction (see migris.dal.base.transact)."""
        return transact(self._client, items)

    def in_epoch_item(self, user_id: str, epoch: int) -> dict[str, Any]:
        """The transaction item that holds only while the account is still in session epoch `epoch`: what a
        write that creates a session or device lands with, so none opens in an epoch that ended meanwhile."""
        # An account that never moved its epoch has no attribute for it (epoch 0).
        in_epoch = (
            "(attribute_not_exists(session_epoch) OR session_epoch = :epoch)"
            if epoch == 0
            else ("session_epoch = :epoch")
        )
        return {
            "ConditionCheck": {
                "TableName": self._table_name,
                "Key": {"pk": user_key(user_id)},
                # An erased account opens nothing, whatever a sign-in in flight read (migris.domain.erasure).
                "ConditionExpression": f"attribute_exists(pk) AND attribute_not_exists(erased_at) AND {in_epoch}",
                "ExpressionAttributeValues": {":epoch": epoch},
            }
        }

    def user_id_for_email(self, email: str) -> str | None:
        """The account the address signs in to; None for a free address, and for one a pending recovery
        reserved (its item names no account until the recovery completes)."""
        item = self._table.get_item(Key={"pk": email_key(email)}, ConsistentRead=True).get("Item")
        return None if item is None or "user_id" not in item else str(item["user_id"])

    # --- recovery of a lost mailbox (migris.domain.recovery) ---

    def reserve_email_item(self, email: str, user_id: str, recovery_id: str, now: int) -> dict[str, Any]:
        """The transaction item that reserves a free address for the account's recovery: its uniqueness item,
        naming the recovery but no account (`user_id`), so nothing signs in with it until completion."""
        return self._create_update(
            email_key(email),
            "SET reserved_by = :user_id, recovery_id = :recovery_id, created_at = :now",
            {":user_id": user_id, ":recovery_id": recovery_id, ":now": now},
        )

    def release_reservation_item(self, email: str, user_id: str, recovery_id: str) -> dict[str, Any]:
        """The transaction item that gives a reserved address back (a cancel, a lapse): only this recovery's."""
        return {
            "Delete": {
                "TableName": self._table_name,
                "Key": {"pk": email_key(email)},
                "ConditionExpression": "reserved_by = :user_id AND recovery_id = :recovery_id",
                "ExpressionAttributeValues": {":user_id": user_id, ":recovery_id": recovery_id},
            }
        }

    def claim_reservation_item(self, email: str, user_id: str, recovery_id: str, now: int) -> dict[str, Any]:
        """The transaction item that makes this recovery's reserved address the account's sign-in."""
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"pk": email_key(email)},
                "UpdateExpression": "SET user_id = :user_id, created_at = :now REMOVE reserved_by, recovery_id",
                "ConditionExpression": "reserved_by = :user_id AND recovery_id = :recovery_id",
                "ExpressionAttributeValues": {":user_id": user_id, ":recovery_id": recovery_id, ":now": now},
            }
        }

    def release_email_item(self, email: str, user_id: str) -> dict[str, Any]:
        """The transaction item that releases the account's old address (only while it is still its own)."""
        return {
            "Delete": {
                "TableName": self._table_name,
                "Key": {"pk": email_key(email)},
                "ConditionExpression": "user_id = :user_id",
                "ExpressionAttributeValues": {":user_id": user_id},
            }
        }

    def due_recoveries(self, now: int) -> list[str]:
        """The accounts whose pending recovery is due by `now` (its hold ended, or its confirmation lapsed),
        from the sparse `recoveries_due` index (only an account with a pending recovery is in it)."""
        user_ids: list[str] = []
        query: dict[str, Any] = {
            "IndexName": RECOVERIES_DUE_INDEX,
            "KeyConditionExpression": "recovery_queue = :queue AND recovery_due_at <= :now",
            "ExpressionAttributeValues": {":queue": RECOVERY_QUEUE, ":now": now},
        }
        while True:
            page = self._table.query(**query)
            user_ids += [str(item["pk"]).removeprefix("user#") for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return user_ids
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def user_id_for_identity(self, identity: Identity) -> str | None:
        item = self._table.get_item(Key={"pk": identity_key(identity)}, ConsistentRead=True).get("Item")
        return None if item is None else str(item["user_id"])

    def get_user(self, user_id: str) -> Account | None:
        item = self._table.get_item(Key={"pk": user_key(user_id)}, ConsistentRead=True).get("Item")
        return None if item is None else Account.model_validate(plain(item))

    def new_email_account_items(self, account: Account) -> list[dict[str, Any]]:
        """The transaction items that create this new e-mail account (migris.domain.accounts.new_email_account)
        and its uniqueness item, each only if it does not exist yet."""
        user_id, email, now = account.user_id, str(account.email), account.created_at
        user_values = {
            ":user_id": user_id,
            ":email": email,
            ":level": account.level,
            ":method": account.login_method,
            ":complete": account.profile_complete,
            ":now": now,
            ":version": account.version,
        }
        return [
            self._create_update(
                email_key(email),
                "SET user_id = :user_id, created_at = :now",
                {":user_id": user_id, ":now": now},
            ),
            self._create_update(
                user_key(user_id),
                "SET user_id = :user_id, email = :email, #level = :level, login_method = :method, "
                "profile_complete = :complete, created_at = :now, updated_at = :now, version = :version",
                user_values,
                names={"#level": "level"},
            ),
        ]

    def create_identified_account(
        self, user_id: str, identity: Identity, fields: Mapping[str, str | None], now: int
    ) -> None:
        """Create a VIISP account (level 3) and its identity's uniqueness item together, with Update actions
        only; fails (AccountExists) if either exists already."""
        user_fields: dict[str, Any] = {
            **{name: value for name, value in fields.items() if value is not None},
            **identity_attributes(identity),
            "user_id": user_id,
            "level": 3,
            "login_method": "viisp",
            "profile_complete": False,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        names = {f"#a{index}": name for index, name in enumerate(user_fields)}
        values = {f":a{index}": value for index, value in enumerate(user_fields.values())}
        assignments = ", ".join(f"#a{index} = :a{index}" for index in range(len(user_fields)))
        try:
            self._client.transact_write_items(
                TransactItems=[
                    self._identity_claim(identity, user_id, now),
                    self._create_update(user_key(user_id), f"SET {assignments}", values, names=names),
                ]
            )
        except ClientError as error:
            if is_condition_failure(error):
                raise AccountExists from None
            raise

    def link_identity(
        self,
        user: Account,
        identity: Identity,
        changes: AccountChanges,
        *,
        with_items: tuple[dict[str, Any], ...] = (),
    ) -> None:
        """Give an existing account the identity in one transaction: the account item (if still at the version
        read), the identity's uniqueness item (only if nobody holds it) and `with_items`, all or nothing.
        IdentityTaken when another account holds the identity, StaleVersion when the account moved on,
        LinkRefused when one of `with_items` failed its condition."""
        attributes = _attributes(changes) | dict(identity_attributes(identity))
        update = self._versioned_update(user.user_id, user.version, attributes, ())
        claim = self._identity_claim(identity, user.user_id, int(changes.get("updated_at") or 0))
        try:
            self._client.transact_write_items(TransactItems=[{"Update": update}, claim, *with_items])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            failed = failed_conditions(error)
            if 1 in failed:
                raise IdentityTaken from None
            if 0 in failed or not failed:  # the account moved on, or a concurrent transaction: read, try again
                raise StaleVersion(user.user_id) from None
            raise LinkRefused from None

    def unlink_identity(
        self,
        user: Account,
        identity: Identity,
        changes: AccountChanges,
        *,
        with_items: tuple[dict[str, Any], ...] = (),
        release: bool = True,
    ) -> None:
        """Take the identity off the account in one transaction: the account item without it (with `changes`,
        if still at the version read), the identity's uniqueness item deleted (with `release`: only if it is
        this account's or already gone) and `with_items`. IdentityTaken when the item is another account's;
        StaleVersion when anything else moved on: read again."""
        removed = ("personal_code",) if identity.kind == "lt-personal-code" else ("eidas_id", "identity_country")
        update = self._versioned_update(user.user_id, user.version, _attributes(changes), removed)
        released = {
            "Delete": {
                "TableName": self._table_name,
                "Key": {"pk": identity_key(identity)},
                "ConditionExpression": "attribute_not_exists(pk) OR user_id = :user_id",
                "ExpressionAttributeValues": {":user_id": user.user_id},
            }
        }
        items = [{"Update": update}, *([released] if release else []), *with_items]
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            if release and 1 in failed_conditions(error):
                raise IdentityTaken from None
            raise StaleVersion(user.user_id) from None

    def _identity_claim(self, identity: Identity, user_id: str, now: int) -> dict[str, Any]:
        return self._create_update(
            identity_key(identity), "SET user_id = :user_id, created_at = :now", {":user_id": user_id, ":now": now}
        )

    def _create_update(
        self, key: str, expression: str, values: dict[str, Any], names: dict[str, str] | None = None
    ) -> dict[str, Any]:
        update: dict[str, Any] = {
            "TableName": self._table_name,
            "Key": {"pk": key},
            "UpdateExpression": expression,
            "ConditionExpression": "attribute_not_exists(pk)",
            "ExpressionAttributeValues": values,
        }
        if names:
            update["ExpressionAttributeNames"] = names
        return {"Update": update}

    def update_user(
        self,
        user_id: str,
        expected_version: int,
        changes: AccountChanges,
        *,
        remove: tuple[str, ...] = (),
        with_items: tuple[dict[str, Any], ...] = (),
    ) -> None:
        """Set `changes` (None removes) on the account if it is still at `expected_version`, bumping the
        version; with other transaction items, all land together. StaleVersion when the account moved on,
        CompanionRefused when it had not but one of `with_items` failed its condition."""
        update = self._versioned_update(user_id, expected_version, _attributes(changes), remove)
        try:
            if with_items:
                self._client.transact_write_items(TransactItems=[{"Update": update}, *with_items])
            else:
                self._client.update_item(**update)
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            _raise_for_companions(error, user_id, first_companion=1)
            raise StaleVersion(user_id) from None

    def move_email(
        self,
        user_id: str,
        expected_version: int,
        old_email: str,
        changes: AccountChanges,
        *,
        with_items: tuple[dict[str, Any], ...] = (),
    ) -> None:
        """Give the account its new address in one transaction: the account item, the new uniqueness item
        (only if nobody holds it) and the old one's removal (only if it is still this account's), so at no
        moment do two accounts hold one address or an account hold none; `with_items` land with them.
        AddressTaken when the new address signs in elsewhere; CompanionRefused when one of `with_items` failed
        its condition while the account was as read; StaleVersion otherwise."""
        new_email = changes["email"]
        attributes = _attributes(changes)
        update = self._versioned_update(user_id, expected_version, attributes, ("pending_email", "pending_email_id"))
        claim = self._create_update(
            email_key(new_email),
            "SET user_id = :user_id, created_at = :now",
            {":user_id": user_id, ":now": attributes["updated_at"]},
        )
        release = {
            "Delete": {
                "TableName": self._table_name,
                "Key": {"pk": email_key(old_email)},
                "ConditionExpression": "user_id = :user_id",
                "ExpressionAttributeValues": {":user_id": user_id},
            }
        }
        try:
            self._client.transact_write_items(TransactItems=[{"Update": update}, claim, release, *with_items])
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            if 1 in failed_conditions(error):
                raise AddressTaken from None
            _raise_for_companions(error, user_id, first_companion=3)
            raise StaleVersion(user_id) from None

    def clear_notice(self, user_id: str, notice_id: str) -> bool:
        """Mark the notice sent; only that notice (a newer one stays due). Touches no version: it changes
        nothing the person or staff edit. Never raises: if this fails the notice only goes out once more."""
        try:
            self._table.update_item(
                Key={"pk": user_key(user_id)},
                UpdateExpression="REMOVE #notice",
                ConditionExpression="#notice.#id = :id",
                ExpressionAttributeNames={"#notice": "email_change_notice", "#id": "id"},
                ExpressionAttributeValues={":id": notice_id},
            )
        except ClientError:
            return False
        return True

    def _versioned_update(
        self, user_id: str, expected_version: int, changes: dict[str, Any], remove: tuple[str, ...]
    ) -> dict[str, Any]:
        names: dict[str, str] = {"#version": "version"}
        values: dict[str, Any] = {":expected": expected_version, ":next": expected_version + 1}
        assignments = ["#version = :next"]
        removals = [name for name in remove if name not in changes]
        removals += [name for name, value in changes.items() if value is None]
        for index, (name, value) in enumerate(item for item in changes.items() if item[1] is not None):
            names[f"#s{index}"] = name
            values[f":s{index}"] = value
            assignments.append(f"#s{index} = :s{index}")
        expression = "SET " + ", ".join(assignments)
        for index, name in enumerate(removals):
            names[f"#r{index}"] = name
        if removals:
            expression += " REMOVE " + ", ".join(f"#r{index}" for index in range(len(removals)))
        return {
            "TableName": self._table_name,
            "Key": {"pk": user_key(user_id)},
            "UpdateExpression": expression,
            "ConditionExpression": "#version = :expected",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }


def _raise_for_companions(error: ClientError, user_id: str, *, first_companion: int) -> None:
    """CompanionRefused when a cancelled transaction failed only on items from `first_companion` on (those that
    land with the account's write), the account's own update having held."""
    failed = failed_conditions(error)
    if failed and 0 not in failed and min(failed) >= first_companion:
        raise CompanionRefused(user_id) from None
