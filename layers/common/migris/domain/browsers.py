"""A browser and its system in words, for the person's lists of sessions and devices: "Chrome Mobile on Android",
from a maintained User-Agent parser's fixed list of names (ua-parser), never the header itself (which could carry
anything); empty when the parser knows neither."""

from __future__ import annotations

from functools import cache
from typing import Any

# At most this long in a list (a parser's words, never the header).
BROWSER_CHARS = 60


@cache
def _parser() -> Any:
    from ua_parser import parse  # imported on the first sign-in a container serves, not at start

    return parse


def browser_in_words(user_agent: str | None) -> str:
    if not user_agent:
        return ""
    parsed = _parser()(user_agent[:512])
    browser = parsed.user_agent.family if parsed.user_agent else ""
    system = parsed.os.family if parsed.os else ""
    words = " on ".join(part for part in (browser, system) if part and part != "Other")
    return words[:BROWSER_CHARS]
