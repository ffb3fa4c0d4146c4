"""DynamoDB access. Each repository takes a boto3 DynamoDB resource, so tests and the local stack hand in
moto-backed ones. Times are whole epoch seconds; `expires_at` is every table's TTL attribute (clean-up
only: DynamoDB deletes up to two days late, so the domain checks expiry itself)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

DAY_SECONDS = 86400


def _is_condition_failure(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code")
    if code == "ConditionalCheckFailedException":
        return True
    if code != "TransactionCanceledException":
        return False
    # A transaction also fails on conflicts with other transactions; only failed conditions are ours.
    return bool(_failed_conditions(error)) or not error.response.get("CancellationReasons")


def _failed_conditions(error: ClientError) -> list[int]:
    """The indexes of the transaction items whose condition failed."""
    reasons = error.response.get("CancellationReasons") or []
    return [index for index, reason in enumerate(reasons) if reason.get("Code") == "ConditionalCheckFailed"]


def _conditionally(write: Callable[[], Any]) -> Any | None:
    """Run a conditional write: its result, or None when its condition did not hold."""
    try:
        return write()
    except ClientError as error:
        if _is_condition_failure(error):
            return None
        raise


def plain(value: Any) -> Any:
    """An attribute as the API shows it: DynamoDB numbers come back as Decimal (ours are all whole)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _int(value: Any, default: int = 0) -> int:
    return int(value) if isinstance(value, (int, Decimal)) else default


# --- codes table: code boxes (an address's or an account's live codes and sends) and per-source counters ---


@dataclass
class LiveCode:
    code_hash: str
    expires_at: int
    attempts: int
    source: str  # the keyed ref of the network address that asked for it
    issued_at: int


@dataclass
class Send:
    at: int
    source: str


@dataclass
class CodeBox:
    """The live codes (by login id) of one destination and every code mail sent to it in the last day."""

    key: str
    version: int = 0
    codes: dict[str, LiveCode] = field(default_factory=dict)
    sent: list[Send] = field(default_factory=list)


@dataclass(frozen=True)
class SourceCounters:
    """Failed tries and locks of one (box, network address) pair."""

    failures: int = 0
    lock_count: int = 0
    locked_until: int = 0


class CodeRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)
        self._table_name = table_name
        self._dynamodb = dynamodb

    def read(self, box_key: str, source_key: str) -> tuple[CodeBox | None, SourceCounters]:
        """The box and the pair's counters, in one consistent batch read."""
        keys = [{"pk": box_key}, {"pk": source_key}]
        request: dict[str, Any] = {self._table_name: {"Keys": keys, "ConsistentRead": True}}
        items: dict[str, dict[str, Any]] = {}
        while request:
            answer = self._dynamodb.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self._table_name, []):
                items[str(item["pk"])] = item
            request = answer.get("UnprocessedKeys") or {}
        box_item, source_item = items.get(box_key), items.get(source_key, {})
        counters = SourceCounters(
            failures=_int(source_item.get("failures")),
            lock_count=_int(source_item.get("lock_count")),
            locked_until=_int(source_item.get("locked_until")),
        )
        return (None if box_item is None else _code_box(box_key, box_item)), counters

    def save(self, box: CodeBox, expected_version: int, expires_at: int) -> bool:
        """Write the box whole, only if nobody changed it since it was read."""
        item: dict[str, Any] = {
            "pk": box.key,
            "version": expected_version + 1,
            "codes": {
                login_id: {
                    "h": live.code_hash,
                    "exp": live.expires_at,
                    "att": live.attempts,
                    "src": live.source,
                    "at": live.issued_at,
                }
                for login_id, live in box.codes.items()
            },
            "sent": [{"t": send.at, "s": send.source} for send in box.sent],
            "expires_at": expires_at,
        }
        condition = Attr("pk").not_exists() if expected_version == 0 else Attr("version").eq(expected_version)
        return _conditionally(lambda: self._table.put_item(Item=item, ConditionExpression=condition)) is not None

    def count_attempt(self, box_key: str, login_id: str, code_hash: str, max_attempts: int) -> int | None:
        """Count one try at this very code before it is compared; None when it is gone or used up."""
        result = _conditionally(
            lambda: self._table.update_item(
                Key={"pk": box_key},
                UpdateExpression="SET codes.#id.att = codes.#id.att + :one ADD version :one",
                ConditionExpression="codes.#id.h = :hash AND codes.#id.att < :max",
                ExpressionAttributeNames={"#id": login_id},
                ExpressionAttributeValues={":one": 1, ":hash": code_hash, ":max": max_attempts},
                ReturnValues="UPDATED_NEW",
            )
        )
        return None if result is None else _int(result["Attributes"]["codes"][login_id]["att"])

    def remove_code(self, box_key: str, login_id: str, code_hash: str) -> bool:
        """Take the code out (used or burned); of concurrent callers exactly one gets True."""
        removed = _conditionally(
            lambda: self._table.update_item(
                Key={"pk": box_key},
                UpdateExpression="REMOVE codes.#id ADD version :one",
                ConditionExpression="codes.#id.h = :hash",
                ExpressionAttributeNames={"#id": login_id},
                ExpressionAttributeValues={":one": 1, ":hash": code_hash},
            )
        )
        return removed is not None

    def add_failure(self, source_key: str, expires_at: int) -> SourceCounters:
        """Count one failed try for the pair (across codes); returns the counters after it."""
        result = self._table.update_item(
            Key={"pk": source_key},
            UpdateExpression="ADD failures :one SET expires_at = :expires",
            ExpressionAttributeValues={":one": 1, ":expires": expires_at},
            ReturnValues="ALL_NEW",
        )
        attributes = result["Attributes"]
        return SourceCounters(
            failures=_int(attributes.get("failures")),
            lock_count=_int(attributes.get("lock_count")),
            locked_until=_int(attributes.get("locked_until")),
        )

    def lock(self, source_key: str, threshold: int, locked_until: int, expires_at: int) -> bool:
        """Lock the pair, once, when its failures reach the threshold."""
        locked = _conditionally(
            lambda: self._table.update_item(
                Key={"pk": source_key},
                UpdateExpression=(
                    "SET failures = :zero, locked_until = :until, expires_at = :expires ADD lock_count :one"
                ),
                ConditionExpression=Attr("failures").gte(threshold),
                ExpressionAttributeValues={":zero": 0, ":one": 1, ":until": locked_until, ":expires": expires_at},
            )
        )
        return locked is not None

    def reset(self, source_key: str) -> None:
        """Forget the pair's failures and lock growth (after a success from it)."""
        self._table.delete_item(Key={"pk": source_key})


def _code_box(key: str, item: dict[str, Any]) -> CodeBox:
    codes = {
        str(login_id): LiveCode(
            code_hash=str(value["h"]),
            expires_at=_int(value.get("exp")),
            attempts=_int(value.get("att")),
            source=str(value.get("src", "")),
            issued_at=_int(value.get("at")),
        )
        for login_id, value in (item.get("codes") or {}).items()
    }
    sent = [Send(at=_int(send.get("t")), source=str(send.get("s", ""))) for send in item.get("sent") or []]
    return CodeBox(key=key, version=_int(item.get("version")), codes=codes, sent=sent)


# --- sessions table: keyed by the SHA-256 of the token ---


@dataclass(frozen=True)
class SessionRecord:
    token_hash: str
    user_id: str
    created_at: int
    last_seen_at: int
    expires_at: int
    # The account's session epoch when the session was opened (or carried over): a session whose epoch is
    # not the account's any more has ended.
    epoch: int = 0


class SessionRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)
        self._table_name = table_name

    def create(self, session: SessionRecord) -> None:
        self._table.put_item(
            Item={
                "pk": session.token_hash,
                "user_id": session.user_id,
                "created_at": session.created_at,
                "last_seen_at": session.last_seen_at,
                "expires_at": session.expires_at,
                "epoch": session.epoch,
            },
            ConditionExpression=Attr("pk").not_exists(),
        )

    def get(self, token_hash: str) -> SessionRecord | None:
        item = self._table.get_item(Key={"pk": token_hash}, ConsistentRead=True).get("Item")
        if item is None:
            return None
        return SessionRecord(
            token_hash=token_hash,
            user_id=str(item["user_id"]),
            created_at=_int(item.get("created_at")),
            last_seen_at=_int(item.get("last_seen_at")),
            expires_at=_int(item.get("expires_at")),
            epoch=_int(item.get("epoch")),
        )

    def touch(self, token_hash: str, now: int) -> bool:
        touched = _conditionally(
            lambda: self._table.update_item(
                Key={"pk": token_hash},
                UpdateExpression="SET last_seen_at = :now",
                ConditionExpression=Attr("pk").exists(),
                ExpressionAttributeValues={":now": now},
            )
        )
        return touched is not None

    def delete(self, token_hash: str) -> None:
        self._table.delete_item(Key={"pk": token_hash})

    def carry_into_epoch(self, token_hash: str, epoch: int) -> dict[str, Any]:
        """The transaction item that keeps this session alive across the account's new session epoch."""
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"pk": token_hash},
                "UpdateExpression": "SET #epoch = :epoch",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": {"#epoch": "epoch"},
                "ExpressionAttributeValues": {":epoch": epoch},
            }
        }


# --- accounts table: user items and the uniqueness items that point at them ---


def user_key(user_id: str) -> str:
    return f"user#{user_id}"


def email_key(email: str) -> str:
    return f"email#{email}"


def personal_code_key(personal_code: str) -> str:
    return f"personal_code#{personal_code}"


class AccountExists(Exception):
    """The address (or user id) was taken between the read and the write."""


class AddressTaken(Exception):
    """The new address of an e-mail change signs in to another account already."""


class StaleVersion(Exception):
    """The account changed since it was read (its version moved on)."""


class AccountRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)
        self._table_name = table_name
        # The resource's client takes plain Python values (boto3 serializes them for DynamoDB).
        self._client = dynamodb.meta.client

    def user_id_for_email(self, email: str) -> str | None:
        item = self._table.get_item(Key={"pk": email_key(email)}, ConsistentRead=True).get("Item")
        return None if item is None else str(item["user_id"])

    def user_id_for_personal_code(self, personal_code: str) -> str | None:
        item = self._table.get_item(Key={"pk": personal_code_key(personal_code)}, ConsistentRead=True).get("Item")
        return None if item is None else str(item["user_id"])

    def get_user(self, user_id: str) -> dict[str, Any] | None:
        item = self._table.get_item(Key={"pk": user_key(user_id)}, ConsistentRead=True).get("Item")
        return None if item is None else dict(item)

    def create_email_account(self, user_id: str, email: str, now: int) -> None:
        """Create the account and its e-mail uniqueness item together, with Update actions only (the
        person-facing roles hold no PutItem on accounts); fails if either exists already."""
        user_values = {
            ":user_id": user_id,
            ":email": email,
            ":level": 1,
            ":method": "email",
            ":complete": False,
            ":now": now,
            ":version": 1,
        }
        try:
            self._client.transact_write_items(
                TransactItems=[
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
            )
        except ClientError as error:
            if _is_condition_failure(error):
                raise AccountExists from None
            raise

    def create_viisp_account(self, user_id: str, personal_code: str, fields: dict[str, Any], now: int) -> None:
        """Create a VIISP account (level 3) and its personal code uniqueness item together, with Update actions
        only; fails (AccountExists) if either exists already."""
        user_fields = {
            **{name: value for name, value in fields.items() if value is not None},
            "user_id": user_id,
            "personal_code": personal_code,
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
                    self._create_update(
                        personal_code_key(personal_code),
                        "SET user_id = :user_id, created_at = :now",
                        {":user_id": user_id, ":now": now},
                    ),
                    self._create_update(user_key(user_id), f"SET {assignments}", values, names=names),
                ]
            )
        except ClientError as error:
            if _is_condition_failure(error):
                raise AccountExists from None
            raise

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
        changes: dict[str, Any],
        *,
        remove: tuple[str, ...] = (),
        with_items: tuple[dict[str, Any], ...] = (),
    ) -> None:
        """Set `changes` (None removes) on the account if it is still at `expected_version`, bumping the
        version; with other transaction items, all land together. StaleVersion when the account moved on."""
        update = self._versioned_update(user_id, expected_version, changes, remove)
        try:
            if with_items:
                self._client.transact_write_items(TransactItems=[{"Update": update}, *with_items])
            else:
                self._client.update_item(**update)
        except ClientError as error:
            if _is_condition_failure(error):
                raise StaleVersion(user_id) from None
            raise

    def move_email(
        self,
        user_id: str,
        expected_version: int,
        old_email: str,
        changes: dict[str, Any],
        *,
        with_items: tuple[dict[str, Any], ...] = (),
    ) -> None:
        """Give the account its new address in one transaction: the account item, the new uniqueness item
        (only if nobody holds it) and the old one's removal (only if it is still this account's), so at no
        moment do two accounts hold one address or an account hold none; `with_items` land with them."""
        new_email = str(changes["email"])
        update = self._versioned_update(user_id, expected_version, changes, ("pending_email", "pending_email_id"))
        claim = self._create_update(
            email_key(new_email),
            "SET user_id = :user_id, created_at = :now",
            {":user_id": user_id, ":now": changes["updated_at"]},
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
            if not _is_condition_failure(error):
                raise
            if 1 in _failed_conditions(error):
                raise AddressTaken from None
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


# --- VIISP tickets: keyed by the SHA-256 of the ticket; the browser's nonce and our state kept as hashes ---


@dataclass(frozen=True)
class ViispTicketRecord:
    ticket_hash: str
    nonce_hash: str
    state_hash: str
    expires_at: int
    used_at: int | None


class ViispTicketRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)

    def create(self, record: ViispTicketRecord, created_at: int) -> None:
        self._table.put_item(
            Item={
                "pk": record.ticket_hash,
                "nonce_hash": record.nonce_hash,
                "state_hash": record.state_hash,
                "created_at": created_at,
                "expires_at": record.expires_at,
            },
            ConditionExpression=Attr("pk").not_exists(),
        )

    def get(self, ticket_hash: str) -> ViispTicketRecord | None:
        item = self._table.get_item(Key={"pk": ticket_hash}, ConsistentRead=True).get("Item")
        if item is None:
            return None
        return ViispTicketRecord(
            ticket_hash=ticket_hash,
            nonce_hash=str(item.get("nonce_hash", "")),
            state_hash=str(item.get("state_hash", "")),
            expires_at=_int(item.get("expires_at")),
            used_at=_int(item["used_at"]) if "used_at" in item else None,
        )

    def use(self, ticket_hash: str, now: int) -> bool:
        """Mark the ticket used; of concurrent callers exactly one gets True."""
        used = _conditionally(
            lambda: self._table.update_item(
                Key={"pk": ticket_hash},
                UpdateExpression="SET used_at = :now",
                ConditionExpression=Attr("pk").exists() & Attr("used_at").not_exists(),
                ExpressionAttributeValues={":now": now},
            )
        )
        return used is not None


# --- audit table: append-only staff changes, one partition per account, oldest first ---


@dataclass(frozen=True)
class AuditEvent:
    user_id: str
    at: str
    actor: str
    changes: dict[str, dict[str, Any]]
    reason: str


class AuditRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = dynamodb.Table(table_name)
        self._table_name = table_name

    def append_item(self, event: AuditEvent, sort_key: str) -> dict[str, Any]:
        """The transaction item that appends the event (never overwriting one): it lands with the change."""
        return {
            "Put": {
                "TableName": self._table_name,
                "Item": {
                    "user_id": event.user_id,
                    "sk": sort_key,
                    "at": event.at,
                    "actor": event.actor,
                    "changes": event.changes,
                    "reason": event.reason,
                },
                "ConditionExpression": "attribute_not_exists(sk)",
            }
        }

    def events(self, user_id: str) -> list[AuditEvent]:
        events: list[AuditEvent] = []
        query: dict[str, Any] = {"KeyConditionExpression": Key("user_id").eq(user_id), "ScanIndexForward": True}
        while True:
            page = self._table.query(**query)
            for item in page.get("Items", []):
                events.append(
                    AuditEvent(
                        user_id=user_id,
                        at=str(item["at"]),
                        actor=str(item["actor"]),
                        changes=plain(item.get("changes", {})),
                        reason=str(item["reason"]),
                    )
                )
            if "LastEvaluatedKey" not in page:
                return events
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
