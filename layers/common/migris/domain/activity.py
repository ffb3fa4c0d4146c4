"""The person's activity (DESIGN.md, "Your account"): what happened to their account, when, who did it and why,
newest first: sign-ins (how, the browser and system in a parser's words, the network cut to /24 or /48), contact
changes, passkeys added and removed, links and unlinks, sessions and devices ended, "not me" reports, recoveries,
and every staff change with staff's reason. Staff are shown as `staff`, never by their IAM ARN.

An event that tells of a write lands in that write's transaction (a sign-in, a change, staff's), so there is no
change without its line; what a person ends on their own (a session, a device) is recorded just after.

Kept ACTIVITY_DAYS (400): a year and a month, so a known device (remembered up to a year, DeviceSeconds) is still
explained by the sign-in that set it, and a person who looks once a year sees the whole year. Then the table's TTL
deletes it; erasure deletes it at once (docs/activity.md)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from migris.clock import Clock
from migris.domain.errors import InvalidInput
from migris.domain.events import log_event
from migris.domain.records import Account, ActivityEvent, ActivityKind, FieldChange, LoginMethod, SignInWay

if TYPE_CHECKING:
    from migris.dal.activity import ActivityRepository

ACTIVITY_DAYS = 400
ACTIVITY_SECONDS = ACTIVITY_DAYS * 86400
PAGE_SIZE = 25
EXPORT_PAGE_SIZE = 500  # pages of the export: fewer round trips, each well under 1 MB
# How staff appear to the person: the event is theirs, the ARN of whoever did it is the audit's (staff only).
STAFF_ACTOR = "staff"
SELF_ACTOR = "self"
SYSTEM_ACTOR = "system"
# A page's cursor is the sort key of the last event it showed: the time in milliseconds and a random suffix.
_CURSOR = re.compile(r"\d{15}#[0-9a-f]{8}")
CURSOR_IN_WORDS = "send back the `next` of the page before, as it came"


def network_of(source_ip: str | None) -> str | None:
    """The network a request came from, as the person's activity shows it: an IPv4 address cut to its /24, an
    IPv6 one to its /48 (enough to tell home from elsewhere, not to find a house)."""
    if not source_ip:
        return None
    try:
        address = ipaddress.ip_address(source_ip)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def sign_in_way(account: Account, method: LoginMethod) -> SignInWay:
    """How a sign-in came, in the activity's words: an eIDAS sign-in is VIISP's, but the person knows it apart."""
    if method == "viisp" and account.identity is not None and account.identity.kind == "eidas":
        return "eidas"
    return method


def changes_of(pairs: dict[str, tuple[Any, Any]]) -> dict[str, FieldChange]:
    """What changed, as before and after, leaving out what stayed the same."""
    return {name: FieldChange(before=before, after=after) for name, (before, after) in pairs.items() if before != after}


@dataclass(frozen=True)
class ActivityPage:
    events: list[ActivityEvent]
    next: str | None


class ActivityLog:
    def __init__(self, repository: ActivityRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock

    def event(self, kind: ActivityKind, actor: str = SELF_ACTOR, **fields: Any) -> ActivityEvent:
        return ActivityEvent(at=int(self._clock.now()), kind=kind, actor=actor, **fields)

    def item(self, user_id: str, kind: ActivityKind, actor: str = SELF_ACTOR, **fields: Any) -> dict[str, Any]:
        """The transaction item that records the event in the write that makes it happen."""
        now = self._clock.now()
        event = ActivityEvent(at=int(now), kind=kind, actor=actor, **fields)
        return self._repository.append_item(user_id, event, now, int(now) + ACTIVITY_SECONDS)

    def record(self, user_id: str, kind: ActivityKind, actor: str = SELF_ACTOR, **fields: Any) -> None:
        """Record what has already happened on its own: never failing the request that did it."""
        now = self._clock.now()
        event = ActivityEvent(at=int(now), kind=kind, actor=actor, **fields)
        try:
            self._repository.append(user_id, event, now, int(now) + ACTIVITY_SECONDS)
        except Exception:  # what it tells of has landed: a line that cannot be written must not undo the answer
            log_event("activity_not_recorded", level="error", user_id=user_id, kind=kind)

    def everything(self, user_id: str) -> list[ActivityEvent]:
        """Every event the account's activity keeps, newest first (the person's export)."""
        events: list[ActivityEvent] = []
        cursor: str | None = None
        while True:
            found, cursor = self._repository.page(user_id, EXPORT_PAGE_SIZE, cursor, int(self._clock.now()))
            events += found
            if cursor is None:
                return events

    def page(self, user_id: str, cursor: str | None) -> ActivityPage:
        """A page of the account's events, newest first, after the previous page's `next`."""
        if cursor is not None and not _CURSOR.fullmatch(cursor):
            raise InvalidInput({"next": CURSOR_IN_WORDS})
        events, after = self._repository.page(user_id, PAGE_SIZE, cursor, int(self._clock.now()))
        return ActivityPage(events=events, next=after)
