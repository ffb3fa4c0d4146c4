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
    """The parser over ua-parser's built-in rules compiled lazily, each on its first use: a sign-in pays for the
    rules it reaches (about 50 ms on the first of a container, against 130 for compiling them all), and only
    browsers and systems are matched, never devices, which no list names."""
    from ua_parser import Parser, load_lazy_builtins  # imported on the first sign-in a container serves

    return Parser.from_matchers(load_lazy_builtins())


def browser_in_words(user_agent: str | None) -> str:
    if not user_agent:
        return ""
    from ua_parser import Domain

    parsed = _parser()(user_agent[:512], Domain.USER_AGENT | Domain.OS)
    browser = parsed.user_agent.family if parsed.user_agent else ""
    system = parsed.os.family if parsed.os else ""
    words = " on ".join(part for part in (browser, system) if part and part != "Other")
    return words[:BROWSER_CHARS]
