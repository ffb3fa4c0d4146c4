"""The one way the rules change a versioned item: read it, work out the write from what was read, make that
write conditional on the version read, and when another write got there first (StaleVersion) read again and
work it out again. Concurrent changes never overwrite each other, and a rule checked on the read (a first fill
happens once) holds at the write."""

from __future__ import annotations

from collections.abc import Callable

from migris.domain.records import StaleVersion

WRITE_ATTEMPTS = 3  # tries in all before the item counts as too busy to change


def write_versioned[Item, Result](
    read: Callable[[], Item],
    write: Callable[[Item], Result],
    *,
    exhausted: Callable[[], Exception],
    first: Item | None = None,
) -> Result:
    """`write(read())` until a write lands (it raises StaleVersion when the item moved on), at most
    WRITE_ATTEMPTS times; then raise `exhausted()`. `first` is the item as the caller read it already, for the
    first try."""
    for attempt in range(WRITE_ATTEMPTS):
        item = first if attempt == 0 and first is not None else read()
        try:
            return write(item)
        except StaleVersion:
            continue
    raise exhausted()
