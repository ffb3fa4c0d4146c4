"""The codes table: code boxes (an address's or an account's code mails and live codes) and per-source counters.

A box is laid out so that a send is one conditional write that needs no read first (issue 11: a sign-in
start makes one DynamoDB request). Every attribute a send touches is top-level, since a nested one cannot be
set on an item that does not exist yet, and named after what it holds:

- `sent_<day>`: a string set of the sends of that UTC day, each `at|source|id` (`id` the first ENTRY_ID_CHARS
  of the code's login id, or of a random id for a mail without a code). A send ADDs to its day.
- `code_<source>`: the source's newest code, `<login id>|<code hash>|<expires at>|<issued at>` (a new one
  replaces it); `last_<source>`: the source's last send; `tries_<login id>`: the wrong tries at that code.
- `lock_<slot>`: `{source, until}`, the end of a source's lock, copied from its counters when it locks, in one
  of LOCK_SLOTS slots chosen by the source.
  The send's condition reads `last_`, the lock slot and the day: a cooldown, a lock or a full day refuses it
  unwritten.

The write returns the box as it was (ALL_OLD): the domain checks the hourly, daily and per-address limits on
it and takes the send back (take_back_send) when one is exceeded.

Bounded under any flood (issue 20; tests/domain/test_codes.py measures a 1,000-source flood):
- A day holds at most the address's daily ceiling of sends: the write's condition refuses a send to a full
  day, so a refused send is never written and the box does not grow. The write removes the days no limit looks
  back to (the one before yesterday and the one before it), so a box holds at most two days of sends.
- Locks are the only per-source state a stranger makes without a landed send (wrong tries need no code of his
  own), so they are folded into LOCK_SLOTS slots: a new lock takes its source's slot, and the source it
  replaces is folded. A folded source's lock still holds where it matters: its counters item (the pair's own,
  read by every try) refuses its tries until the lock ends; only its sends are no longer refused in the
  write, and a send counts against its source's hourly and daily limits and the address's ceiling as any
  other. A slot refuses only the source it names, so a stranger's lock never refuses another source's send:
  folding cannot lock the owner out.
- `code_`, `last_` and `tries_` are made only by landed sends (at most the ceiling a day). What no rule looks
  at any more is folded (forget) by a later landed send once FORGET_AT of it has gathered: codes past their
  expiry or pushed out of the newest MAX_LIVE_CODES (they never sign in again: a code that gave way stays out
  even when a newer one is used up), their tries, last sends older than the cooldown (the cooldown is kept on
  the day's sends too, so a folded one still refuses, by take-back), ended locks and old days. Folding never
  touches a source's newest live code while it can sign in, its lock while its slot holds it, or a send of
  the last day, so it cannot make a source forget its cooldown, its limits or its lock's refusal of tries.
So a box holds at most twice MaxCodesPerAddressPerDay sends, LOCK_SLOTS locks, the codes, tries and last sends
that still mean something (last sends within the cooldown, the newest MAX_LIVE_CODES codes) and fewer than
FORGET_AT folded attributes plus one send's: with the template's numbers under 2.7 KB and 45 attributes (3
write units a refused send), whatever the flood. A box is deleted by its TTL a day after its last send anyway.
Sources and login ids are keyed refs and URL-safe tokens, so they never hold a `|`."""

from __future__ import annotations

import zlib
from typing import Any

from botocore.exceptions import ClientError

from migris.clock import DAY_SECONDS
from migris.dal.base import Table, as_int, batch_get, conditionally, transact, written_or_found
from migris.domain.records import CodeBox, LiveCode, Send, SourceCounters, codes_that_sign_in
from migris.observability import log_event

SENT, LAST, CODE, LOCK, TRIES = "sent_", "last_", "code_", "lock_", "tries_"
# Stale attributes one forget() removes at most: its expression (about 25 characters a name) stays far inside
# DynamoDB's 4 KB limit on an expression.
FORGET_BATCH = 40
# Lock slots a box keeps: enough that an owner's own lock is rarely folded by a stranger's (and then only its
# send refusal is lost, never its try refusal), few enough to keep the box small.
LOCK_SLOTS = 8
# Characters of a send's id kept in its day's entry: enough to keep a day's entries apart (and to find a
# code's send), where the full login id would double the day's size.
ENTRY_ID_CHARS = 8
# Days a send removes, counted back from its own: no limit looks further back than yesterday.
GONE_DAYS = (2, 3)


class CodeRepository:
    def __init__(self, dynamodb: Any, table_name: str) -> None:
        self._table = Table(dynamodb, table_name)
        self._table_name = table_name
        self._dynamodb = dynamodb

    # --- sends ---

    def add_send(
        self,
        box_key: str,
        send: Send,
        code: LiveCode | None,
        *,
        not_after: int,
        now: int,
        keep_seconds: int,
        day_ceiling: int,
    ) -> tuple[bool, CodeBox]:
        """Record the send (with `code`, the source's newest code from now on) unless the source sent after
        `not_after` (its cooldown), is locked at `now`, or its day already holds `day_ceiling` sends. Whether it
        was written, and the box as it was."""
        day = send.at // DAY_SECONDS
        names = {
            "#sent": _day_name(send.at),
            "#last": LAST + send.source,
            "#lock": lock_name(send.source),
            "#locked_source": "source",
            "#until": "until",
        }
        values: dict[str, Any] = {
            ":send": {_entry(send)},
            ":now": now,
            ":not_after": not_after,
            ":keep": now + keep_seconds,
            ":source": send.source,
            ":ceiling": day_ceiling,
        }
        assignments = ["#last = :now", "expires_at = :keep"]
        if code is not None:
            names["#code"] = CODE + send.source
            values[":code"] = _code_value(send.id, code)
            assignments.append("#code = :code")
        gone = {f"#gone{back}": f"{SENT}{day - back}" for back in GONE_DAYS}
        names.update(gone)
        expression = f"SET {', '.join(assignments)} REMOVE {', '.join(gone)} ADD #sent :send"
        added, item = written_or_found(
            lambda: self._table.update_item(
                Key={"pk": box_key},
                UpdateExpression=expression,
                ConditionExpression="(attribute_not_exists(#last) OR #last <= :not_after) "
                "AND NOT (#lock.#locked_source = :source AND #lock.#until > :now) "
                "AND (attribute_not_exists(#sent) OR size(#sent) < :ceiling)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        )
        return added, code_box(box_key, item, now=now, cooled_after=not_after)

    def take_back_send(self, box_key: str, send: Send, code: LiveCode | None, before: CodeBox) -> None:
        """Undo add_send: the send out of its day and the source's last send and newest code as they were. The
        code before it comes back only while nothing happened to the box's state for this source since (its
        last send and newest code still this send's, the old code's tries as read); otherwise this send's code
        is only withdrawn, and the old one stays replaced: never a code back with tries it did not have."""
        entry = {_entry(send)}
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
            values[":id"] = _code_prefix(send.id)
            conditions.append("begins_with(#code, :id)")
            previous_id = before.newest_code.get(send.source)
            previous = before.codes.get(previous_id or "")
            if previous_id is None or previous is None:
                removes.append("#code")
            else:
                sets.append("#code = :previous")
                values[":previous"] = _code_value(previous_id, previous)
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
                    ConditionExpression="begins_with(#code, :id)",
                    ExpressionAttributeNames={"#code": CODE + send.source},
                    ExpressionAttributeValues={":id": _code_prefix(send.id)},
                )
            )

    def forget(self, box: CodeBox) -> None:
        """Fold up to FORGET_BATCH of the box's stale attributes (as read into `box`), each per-source one only
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
            kind, _, rest = name.partition("_")
            prefix = f"{kind}_"
            if prefix == LAST and rest in box.last_sent:
                values[f":v{index}"] = box.last_sent[rest]
                conditions.append(f"#s{index} = :v{index}")
            elif prefix == CODE and rest in box.newest_code:
                values[f":v{index}"] = _code_prefix(box.newest_code[rest])
                conditions.append(f"begins_with(#s{index}, :v{index})")
            elif prefix == LOCK and name in box.lock_slots:
                names["#until"] = "until"
                values[f":v{index}"] = box.lock_slots[name]
                conditions.append(f"#s{index}.#until = :v{index}")
        request: dict[str, Any] = {
            "Key": {"pk": box.key},
            "UpdateExpression": "REMOVE " + ", ".join(f"#s{index}" for index in range(len(stale))),
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
        box, (counters, *_), _ = self.read_with(box_key, (source_key,))
        return box, counters

    def read_with(
        self, box_key: str, source_keys: tuple[str, ...], also: tuple[str, str] | None = None
    ) -> tuple[CodeBox | None, list[SourceCounters], dict[str, Any] | None]:
        """The box, the counters of each pair in `source_keys` (in that order) and, `also` (table name, pk), one
        item of another table, in one consistent batch read."""
        keys = [{"pk": box_key}, *({"pk": key} for key in source_keys)]
        request: dict[str, Any] = {self._table_name: {"Keys": keys, "ConsistentRead": True}}
        if also is not None:
            request.setdefault(also[0], {"Keys": [], "ConsistentRead": True})["Keys"].append({"pk": also[1]})
        items = {(table_name, str(item["pk"])): item for table_name, item in batch_get(self._dynamodb, request)}
        box_item = items.get((self._table_name, box_key))
        counters = [_counters(items.get((self._table_name, key), {})) for key in source_keys]
        other = None if also is None else items.get(also)
        return (None if box_item is None else code_box(box_key, box_item)), counters, other

    def count_attempt(self, box_key: str, login_id: str, source: str, max_attempts: int) -> int | None:
        """Count one wrong try at this code, while it is its source's newest and has tries left: the tries
        after it, or None when it is used up, burned or replaced."""
        result = conditionally(
            lambda: self._table.update_item(
                Key={"pk": box_key},
                UpdateExpression="ADD #tries :one",
                ConditionExpression="begins_with(#code, :id) AND (attribute_not_exists(#tries) OR #tries < :max)",
                ExpressionAttributeNames={"#tries": TRIES + login_id, "#code": CODE + source},
                ExpressionAttributeValues={":one": 1, ":id": _code_prefix(login_id), ":max": max_attempts},
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
        values: dict[str, Any] = {":id": _code_prefix(login_id)}
        if tries_read:
            values[":tries"] = tries_read
        return {
            "Update": {
                "TableName": self._table_name,
                "Key": {"pk": box_key},
                "UpdateExpression": "REMOVE #code, #tries",
                "ConditionExpression": f"begins_with(#code, :id) AND {tries_unchanged}",
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
                ConditionExpression="begins_with(#code, :id)",
                ExpressionAttributeNames={"#code": CODE + source, "#tries": TRIES + login_id},
                ExpressionAttributeValues={":id": _code_prefix(login_id)},
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
        if not str(item.get(CODE + source, "")).startswith(_code_prefix(login_id)):
            return False
        found = next(
            (
                (name, entry)
                for name, entries in item.items()
                if name.startswith(SENT)
                for entry in entries
                if str(entry).split("|")[1:3] == [source, login_id[:ENTRY_ID_CHARS]]
            ),
            None,
        )
        if found is not None:
            day, entry = found
            given_back = conditionally(
                lambda: self._table.update_item(
                    Key={"pk": box_key},
                    UpdateExpression="REMOVE #code DELETE #sent :entry",
                    ConditionExpression="begins_with(#code, :id) AND attribute_not_exists(#tries)",
                    ExpressionAttributeNames={"#code": CODE + source, "#tries": TRIES + login_id, "#sent": day},
                    ExpressionAttributeValues={":id": _code_prefix(login_id), ":entry": {entry}},
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
                            "UpdateExpression": "SET #lock = :lock, expires_at = :expires",
                            "ExpressionAttributeNames": {"#lock": lock_name(source)},
                            "ExpressionAttributeValues": {
                                ":lock": {"source": source, "until": locked_until},
                                ":expires": expires_at,
                            },
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


def lock_name(source: str) -> str:
    """The lock slot of a source: a fixed few, so strangers' locks cannot grow a box."""
    return f"{LOCK}{zlib.crc32(source.encode()) % LOCK_SLOTS}"


def _entry(send: Send) -> str:
    return f"{send.at}|{send.source}|{send.id[:ENTRY_ID_CHARS]}"


def _code_prefix(login_id: str) -> str:
    """What a source's newest code begins with while it is this one (login ids never hold a `|`)."""
    return f"{login_id}|"


def _code_value(login_id: str, code: LiveCode) -> str:
    return f"{_code_prefix(login_id)}{code.code_hash}|{code.expires_at}|{code.issued_at}"


def _counters(item: dict[str, Any]) -> SourceCounters:
    return SourceCounters(
        failures=as_int(item.get("failures")),
        lock_count=as_int(item.get("lock_count")),
        locked_until=as_int(item.get("locked_until")),
    )


def code_box(key: str, item: dict[str, Any], *, now: int | None = None, cooled_after: int | None = None) -> CodeBox:
    """The box as stored. With `now`, `stale` names what no rule looks at any more (see the module's doc):
    days before yesterday, last sends at or before `cooled_after` (the cooldown's start), ended locks, codes
    expired or pushed out of the newest MAX_LIVE_CODES, and tries of codes that are no source's newest."""
    sent: list[Send] = []
    days: list[tuple[int, str]] = []
    newest_code: dict[str, str] = {}
    codes: dict[str, LiveCode] = {}
    last_sent: dict[str, int] = {}
    locked_until: dict[str, int] = {}
    lock_slots: dict[str, int] = {}
    tries: dict[str, int] = {}
    for name, value in item.items():
        kind, _, rest = name.partition("_")
        prefix = f"{kind}_"
        if prefix == SENT and rest.isdigit():
            days.append((int(rest), name))
            for entry in value:
                at, source, send_id = str(entry).split("|")[:3]
                sent.append(Send(at=int(at), source=source, id=send_id))
        elif prefix == LAST:
            last_sent[rest] = as_int(value)
        elif prefix == CODE:
            login_id, _, held = str(value).partition("|")
            newest_code[rest] = login_id
            if held.count("|") == 2:  # a code written before codes held their hash is no code
                hashed, expires_at, issued_at = held.split("|")
                codes[login_id] = LiveCode(
                    code_hash=hashed, expires_at=int(expires_at), attempts=0, source=rest, issued_at=int(issued_at)
                )
        elif prefix == LOCK and isinstance(value, dict):
            lock_slots[name] = as_int(value.get("until"))
            locked_until[str(value.get("source"))] = lock_slots[name]
        elif prefix == TRIES:
            tries[rest] = as_int(value)
    sent.sort(key=lambda send: send.at)
    codes = {login_id: code.model_copy(update={"attempts": tries.get(login_id, 0)}) for login_id, code in codes.items()}
    stale: list[str] = []
    if now is not None:
        today = now // DAY_SECONDS
        signing_in = codes_that_sign_in(codes, now)
        stale += [name for day, name in days if day < today - 1]
        stale += [LAST + source for source, at in last_sent.items() if cooled_after is not None and at <= cooled_after]
        stale += [name for name, until in lock_slots.items() if until <= now]
        stale += [CODE + source for source, login_id in newest_code.items() if login_id not in signing_in]
        # Tries go once their code has gone (a later fold): folded with it, a batch cut between the two could
        # leave a code without the tries it had.
        stale += [TRIES + login_id for login_id in tries if login_id not in newest_code.values()]
    return CodeBox(
        key=key,
        codes=codes,
        sent=sent,
        newest_code=newest_code,
        last_sent=last_sent,
        locked_until=locked_until,
        lock_slots=lock_slots,
        stale=stale,
    )
