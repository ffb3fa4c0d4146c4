"""The codes table: code boxes (an address's or an account's code mails and live codes) and per-source counters.

A box is laid out so that a send is one conditional write that needs no read first (issue 11: a sign-in
start makes one DynamoDB request). Every attribute a send touches is top-level, since a nested one cannot be
set on an item that does not exist yet, and named after what it holds:

- `sent_<day>`: a string set of the sends of that UTC day, each `at|source|id|code hash|expires at` (the
  hash and expiry empty for a mail without a code). A send ADDs to its day.
- `last_<source>`: the source's last send, `code_<source>`: the login id of its newest code (a new one
  replaces it), `lock_<source>`: the end of its lock, copied from its counters when it locks. The send's
  condition reads the first and the last: a cooldown or a lock refuses it unwritten.
- `tries_<login id>`: the wrong tries counted against that code.

The write returns the box as it was (ALL_OLD): the domain checks the hourly, daily and per-address limits on
it and takes the send back (take_back_send) when one is exceeded. What no rule looks at any more (days older
than any limit or code looks back, tries of replaced codes, ended locks) is removed by a later send once
enough of it has gathered (forget): a box is deleted by its TTL a day after its last send anyway. Sources
and login ids are keyed refs and URL-safe tokens, so they never hold a `|`."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from migris.clock import DAY_SECONDS
from migris.dal.base import Table, as_int, batch_get, conditionally, transact, written_or_found
from migris.domain.records import CodeBox, LiveCode, Send, SourceCounters
from migris.observability import log_event

SENT, LAST, CODE, LOCK, TRIES = "sent_", "last_", "code_", "lock_", "tries_"
# Stale attributes one forget() removes at most: its expression (about 25 characters a name) stays far inside
# DynamoDB's 4 KB limit on an expression.
FORGET_BATCH = 40


class CodeRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name
        self._dynamodb = dynamodb

    # --- sends ---

    def add_send(
        self, box_key: str, send: Send, code: LiveCode | None, *, not_after: int, now: int, keep_seconds: int
    ) -> tuple[bool, CodeBox]:
        """Record the send (with `code`, the source's newest code from now on) unless the source sent after
        `not_after` (its cooldown) or is locked at `now`. Whether it was written, and the box as it was."""
        names = {"#sent": _day_name(send.at), "#last": LAST + send.source, "#lock": LOCK + send.source}
        values: dict[str, Any] = {
            ":send": {_entry(send, code)},
            ":now": now,
            ":not_after": not_after,
            ":keep": now + keep_seconds,
        }
        assignments = ["#last = :now", "expires_at = :keep"]
        if code is not None:
            names["#code"] = CODE + send.source
            values[":id"] = send.id
            assignments.append("#code = :id")
        expression = f"SET {', '.join(assignments)} ADD #sent :send"
        added, item = written_or_found(
            lambda: self._table.update_item(
                Key={"pk": box_key},
                UpdateExpression=expression,
                ConditionExpression="(attribute_not_exists(#last) OR #last <= :not_after) "
                "AND (attribute_not_exists(#lock) OR #lock <= :now)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        )
        return added, code_box(box_key, item, now=now, keep_seconds=keep_seconds)

    def take_back_send(self, box_key: str, send: Send, code: LiveCode | None, before: CodeBox) -> None:
        """Undo add_send: the send out of its day and the source's last send and newest code as they were. The
        code before it comes back only while nothing happened to the box's state for this source since (its
        last send and newest code still this send's, the old code's tries as read); otherwise this send's code
        is only withdrawn, and the old one stays replaced: never a code back with tries it did not have."""
        entry = {_entry(send, code)}
        names = {"#sent": _day_name(send.at), "#last": LAST + send.source}
        values: dict[str, Any] = {":send": entry, ":at": send.at}
        sets, removes, conditions = [], [], ["#last = :at"]
        previous_last = before.last_sent.get(send.source)
        if previous_last is None:
            removes.append("#last")
        else:
            sets.append("#last = :previous_last")
            values[":previous_last"] = previous_last
        if code is not None:
            names["#code"] = CODE + send.source
            values[":id"] = send.id
            conditions.append("#code = :id")
            previous_id = before.newest_code.get(send.source)
            previous = before.codes.get(previous_id or "")
            if previous_id is None or previous is None:
                removes.append("#code")
            else:
                sets.append("#code = :previous_id")
                values[":previous_id"] = previous_id
                names["#previous_tries"] = TRIES + previous_id
                if previous.attempts:
                    conditions.append("#previous_tries = :previous_tries")
                    values[":previous_tries"] = previous.attempts
                else:
                    conditions.append("attribute_not_exists(#previous_tries)")
        expression = " ".join(
            part
            for part in (
                f"SET {', '.join(sets)}" if sets else "",
                f"REMOVE {', '.join(removes)}" if removes else "",
                "DELETE #sent :send",
            )
            if part
        )
        restored = conditionally(
            lambda: self._table.update_item(
                Key={"pk": box_key},
                UpdateExpression=expression,
                ConditionExpression=" AND ".join(conditions),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        )
        if restored is not None:
            return
        self._table.update_item(
            Key={"pk": box_key},
            UpdateExpression="DELETE #sent :send",
            ExpressionAttributeNames={"#sent": _day_name(send.at)},
            ExpressionAttributeValues={":send": entry},
        )
        if code is not None:
            conditionally(
                lambda: self._table.update_item(
                    Key={"pk": box_key},
                    UpdateExpression="REMOVE #code",
                    ConditionExpression="#code = :id",
                    ExpressionAttributeNames={"#code": CODE + send.source},
                    ExpressionAttributeValues={":id": send.id},
                )
            )

    def forget(self, box: CodeBox) -> None:
        """Remove up to FORGET_BATCH of the box's stale attributes (as read into `box`), each per-source one only
        while it still holds what was read; when one moved on, none of the batch is removed now (a later send
        tries again). The batch is bounded so the expression stays far inside DynamoDB's 4 KB; what is left
        waits for the next send. Never raises: the send it follows has landed and must be mailed."""
        stale = box.stale[:FORGET_BATCH]
        if not stale:
            return
        names = {f"#s{index}": name for index, name in enumerate(stale)}
        values: dict[str, Any] = {}
        conditions = []
        for index, name in enumerate(stale):
            kind, _, source = name.partition("_")
            held = {
                LAST: box.last_sent.get(source),
                CODE: box.newest_code.get(source),
                LOCK: box.locked_until.get(source),
            }.get(f"{kind}_")
            if held is not None:
                values[f":v{index}"] = held
                conditions.append(f"#s{index} = :v{index}")
        request: dict[str, Any] = {
            "Key": {"pk": box.key},
            "UpdateExpression": "REMOVE " + ", ".join(names),
            "ExpressionAttributeNames": names,
        }
        if conditions:
            request["ConditionExpression"] = " AND ".join(conditions)
            request["ExpressionAttributeValues"] = values
        try:
            conditionally(lambda: self._table.update_item(**request))
        except ClientError as error:
            log_event("code_box_forget_failed", level="error", error_code=error.response.get("Error", {}).get("Code"))

    # --- tries ---

    def read(self, box_key: str, source_key: str) -> tuple[CodeBox | None, SourceCounters]:
        """The box and the pair's counters, in one consistent batch read."""
        box, counters, _ = self.read_with(box_key, source_key)
        return box, counters

    def read_with(
        self, box_key: str, source_key: str, also: tuple[str, str] | None = None
    ) -> tuple[CodeBox | None, SourceCounters, dict[str, Any] | None]:
        """The box, the pair's counters and, `also` (table name, pk), one item of another table, in one
        consistent batch read."""
        request: dict[str, Any] = {
            self._table_name: {"Keys": [{"pk": box_key}, {"pk": source_key}], "ConsistentRead": True}
        }
        if also is not None:
            request.setdefault(also[0], {"Keys": [], "ConsistentRead": True})["Keys"].append({"pk": also[1]})
        items = {(table_name, str(item["pk"])): item for table_name, item in batch_get(self._dynamodb, request)}
        box_item = items.get((self._table_name, box_key))
        counters = _counters(items.get((self._table_name, source_key), {}))
        other = None if also is None else items.get(also)
        return (None if box_item is None else code_box(box_key, box_item)), counters, other

    def count_attempt(self, box_key: str, login_id: str, source: str, max_attempts: int) -> int | None:
        """Count one wrong try at this code, while it is its source's newest and has tries left: the tries
        after it, or None when it is used up, burned or replaced."""
        result = conditionally(
            lambda: self._table.update_item(
                Key={"pk": box_key},
                UpdateExpression="ADD #tries :one",
                ConditionExpression="#code = :id AND (attribute_not_exists(#tries) OR #tries < :max)",
                ExpressionAttributeNames={"#tries": TRIES + login_id, "#code": CODE + source},
                ExpressionAttributeValues={":one": 1, ":id": login_id, ":max": max_attempts},
                ReturnValues="UPDATED_NEW",
            )
        )
        return None if result is None else as_int(result["Attributes"][TRIES + login_id])

    def use_item(self, box_key: str, login_id: str, source: str, tries_read: int) -> dict[str, Any]:
        """The transaction item that uses up this code (its source has no live code after it), only while it is
        its source's newest and no try has been counted at it since it was read with `tries_read`: of concurrent
        right tries exactly one lands, and a right guess among concurrent wrong ones wins only if it lands before
        any of them is counted, so each count of tries lets at most one guess through (never more than the
        tries a code has, however many guesses are in flight)."""
        tries_unchanged = "attribute_not_exists(#tries)" if tries_read == 0 else "#tries = :tries"
        values: dict[str, Any] = {":id": login_id}
        if tries_read:
            values[":tries"] = tries_read
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"pk": box_key},
                "UpdateExpression": "REMOVE #code, #tries",
                "ConditionExpression": f"#code = :id AND {tries_unchanged}",
                "ExpressionAttributeNames": {"#code": CODE + source, "#tries": TRIES + login_id},
                "ExpressionAttributeValues": values,
            }
        }

    def use(self, box_key: str, login_id: str, source: str, tries_read: int) -> bool:
        """Use up this code (see use_item) on its own; of concurrent callers at most one gets True."""
        update = self.use_item(box_key, login_id, source, tries_read)["Update"]
        return conditionally(lambda: self._dynamodb.update_item(**update)) is not None

    def retire(self, box_key: str, login_id: str, source: str) -> None:
        """Take a burned code out (its tries are spent: it would refuse anyway), so its tries leave no trace."""
        conditionally(
            lambda: self._table.update_item(
                Key={"pk": box_key},
                UpdateExpression="REMOVE #code, #tries",
                ConditionExpression="#code = :id",
                ExpressionAttributeNames={"#code": CODE + source, "#tries": TRIES + login_id},
                ExpressionAttributeValues={":id": login_id},
            )
        )

    # --- the mail function: a code's mail checked before it goes, and its code burned when it finally fails ---

    def box(self, box_key: str) -> CodeBox | None:
        """The box as it is now (a consistent read)."""
        item = self._table.get_item(Key={"pk": box_key}, ConsistentRead=True).get("Item")
        return None if item is None else code_box(box_key, item)

    def fail_mail(self, box_key: str, login_id: str, source: str) -> bool:
        """Burn the code whose mail finally failed and, while it is still its source's newest with no try counted
        at it, take its send back out of its day in the same write (the address is not charged for a mail that
        never went, and no code that was tried is given back: the guessing bound holds). Whether the send was
        given back. A replaced or used code is not touched: its tries may have been forgotten since."""
        item = self._table.get_item(Key={"pk": box_key}, ConsistentRead=True).get("Item") or {}
        if item.get(CODE + source) != login_id:
            return False
        found = next(
            (
                (name, entry)
                for name, entries in item.items()
                if name.startswith(SENT)
                for entry in entries
                if str(entry).split("|")[2] == login_id
            ),
            None,
        )
        if found is not None:
            day, entry = found
            given_back = conditionally(
                lambda: self._table.update_item(
                    Key={"pk": box_key},
                    UpdateExpression="REMOVE #code DELETE #sent :entry",
                    ConditionExpression="#code = :id AND attribute_not_exists(#tries)",
                    ExpressionAttributeNames={"#code": CODE + source, "#tries": TRIES + login_id, "#sent": day},
                    ExpressionAttributeValues={":id": login_id, ":entry": {entry}},
                )
            )
            if given_back is not None:
                return True
        self.retire(box_key, login_id, source)
        return False

    def apply(self, items: list[dict[str, Any]]) -> bool:
        """The items (use_item, reset_item) in one transaction; False when it did not land."""
        return transact(self._dynamodb, items) is None

    # --- the pair's failures and locks ---

    def reset_item(self, source_key: str) -> dict[str, Any]:
        """The transaction item that forgets the pair's failures and lock growth (see reset)."""
        return {"Delete": {"TableName": self._table_name, "Key": {"pk": source_key}}}

    def add_failure(self, source_key: str, expires_at: int) -> SourceCounters:
        """Count one failed try for the pair (across codes); returns the counters after it."""
        result = self._table.update_item(
            Key={"pk": source_key},
            UpdateExpression="ADD failures :one SET expires_at = :expires",
            ExpressionAttributeValues={":one": 1, ":expires": expires_at},
            ReturnValues="ALL_NEW",
        )
        return _counters(result["Attributes"])

    def lock(
        self, source_key: str, threshold: int, locked_until: int, expires_at: int, *, box_key: str, source: str
    ) -> bool:
        """Lock the pair, once, when its failures reach the threshold; the box's copy of the lock (which a send's
        condition reads) lands with it."""
        return (
            transact(
                self._dynamodb,
                [
                    {
                        "Update": {
                            "TableName": self._table_name,
                            "Key": {"pk": source_key},
                            "UpdateExpression": "SET failures = :zero, locked_until = :until, expires_at = :expires "
                            "ADD lock_count :one",
                            "ConditionExpression": "failures >= :threshold",
                            "ExpressionAttributeValues": {
                                ":zero": 0,
                                ":one": 1,
                                ":until": locked_until,
                                ":expires": expires_at,
                                ":threshold": threshold,
                            },
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table_name,
                            "Key": {"pk": box_key},
                            "UpdateExpression": "SET #lock = :until, expires_at = :expires",
                            "ExpressionAttributeNames": {"#lock": LOCK + source},
                            "ExpressionAttributeValues": {":until": locked_until, ":expires": expires_at},
                        }
                    },
                ],
            )
            is None
        )

    def reset(self, source_key: str) -> None:
        """Forget the pair's failures and lock growth (after a success from it)."""
        self._table.delete_item(Key={"pk": source_key})


def _day_name(at: int) -> str:
    return f"{SENT}{at // DAY_SECONDS}"


def _entry(send: Send, code: LiveCode | None) -> str:
    if code is None:
        return f"{send.at}|{send.source}|{send.id}||"
    return f"{send.at}|{send.source}|{send.id}|{code.code_hash}|{code.expires_at}"


def _counters(item: dict[str, Any]) -> SourceCounters:
    return SourceCounters(
        failures=as_int(item.get("failures")),
        lock_count=as_int(item.get("lock_count")),
        locked_until=as_int(item.get("locked_until")),
    )


def code_box(key: str, item: dict[str, Any], *, now: int | None = None, keep_seconds: int = 0) -> CodeBox:
    """The box as stored. With `now`, `stale` names what means nothing any more: days, last sends and
    codes older than `keep_seconds` ago, ended locks, and tries of codes that are no source's newest."""
    sent: list[Send] = []
    hashes: dict[str, tuple[str, int]] = {}
    days: list[tuple[int, str]] = []
    newest_code: dict[str, str] = {}
    last_sent: dict[str, int] = {}
    locked_until: dict[str, int] = {}
    tries: dict[str, int] = {}
    for name, value in item.items():
        kind, _, rest = name.partition("_")
        prefix = f"{kind}_"
        if prefix == SENT and rest.isdigit():
            days.append((int(rest), name))
            for entry in value:
                at, source, send_id, code_hash, expires_at = str(entry).split("|")
                sent.append(Send(at=int(at), source=source, id=send_id))
                if code_hash:
                    hashes[send_id] = (code_hash, int(expires_at))
        elif prefix == LAST:
            last_sent[rest] = as_int(value)
        elif prefix == CODE:
            newest_code[rest] = str(value)
        elif prefix == LOCK:
            locked_until[rest] = as_int(value)
        elif prefix == TRIES:
            tries[rest] = as_int(value)
    sent.sort(key=lambda send: send.at)
    issued = {send.id: send for send in sent}
    codes = {
        login_id: LiveCode(
            code_hash=hashes[login_id][0],
            expires_at=hashes[login_id][1],
            attempts=tries.get(login_id, 0),
            source=source,
            issued_at=issued[login_id].at,
        )
        for source, login_id in newest_code.items()
        if login_id in hashes
    }
    stale: list[str] = []
    if now is not None:
        kept_from = now - keep_seconds
        stale += [name for day, name in days if (day + 1) * DAY_SECONDS <= kept_from]
        stale += [LAST + source for source, at in last_sent.items() if at <= kept_from]
        stale += [LOCK + source for source, until in locked_until.items() if until <= now]
        stale += [
            CODE + source
            for source, login_id in newest_code.items()
            if login_id not in codes or codes[login_id].expires_at <= kept_from
        ]
        stale += [TRIES + login_id for login_id in tries if login_id not in codes]
    return CodeBox(
        key=key,
        codes=codes,
        sent=sent,
        newest_code=newest_code,
        last_sent=last_sent,
        locked_until=locked_until,
        stale=stale,
    )
