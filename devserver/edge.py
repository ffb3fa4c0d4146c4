"""The WAF in front of the API, as far as the local stack can play it: the ACL's rate rule (template.yaml,
LoginWebAcl), read from the template so it cannot drift from what is deployed. Requests whose path matches the
rule's scope-down are counted per source address over the rule's window; beyond the rule's limit (the
parameter, after --parameter-overrides) the answer is the custom response the rule's Block names: its status,
headers and body, as WAF sends them.

The counted address is the connecting socket's, which the local stack reports as the source IP: deployed, the
rule counts the address CloudFront writes, and no header a local client sends is trusted in its place. The
ACL's other rule (only through the distribution) has nothing to refuse here: there is no distribution."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from migris.clock import Clock, SystemClock

from devserver.apigw import HttpRequest, HttpResponse
from devserver.template import Template

ACL = "LoginWebAcl"
DEFAULT_WINDOW_SECONDS = 300  # WAF's EvaluationWindowSec when a rule names none
CONTENT_TYPES = {"APPLICATION_JSON": "application/json", "TEXT_PLAIN": "text/plain", "TEXT_HTML": "text/html"}
TRANSFORMATIONS: dict[str, Callable[[str], str]] = {
    "NONE": lambda text: text,
    "LOWERCASE": str.lower,
    "URL_DECODE": unquote,
}
MATCHES: dict[str, Callable[[str, str], bool]] = {
    "CONTAINS": lambda value, search: search in value,
    "STARTS_WITH": str.startswith,
    "ENDS_WITH": str.endswith,
    "EXACTLY": str.__eq__,
}


@dataclass(frozen=True)
class PathMatch:
    """A ByteMatchStatement on the URI path, the only scope-down the local stack plays."""

    constraint: str
    search: str
    transformations: tuple[str, ...]

    def matches(self, path: str) -> bool:
        for name in self.transformations:
            path = TRANSFORMATIONS[name](path)
        return bool(MATCHES[self.constraint](path, self.search))


@dataclass(frozen=True)
class AnyPathMatch:
    """The scope-down as the template writes it: one ByteMatchStatement, or an OrStatement of them."""

    matches_any: tuple[PathMatch, ...]

    def matches(self, path: str) -> bool:
        return any(match.matches(path) for match in self.matches_any)


@dataclass(frozen=True)
class RateRule:
    limit: int
    window_seconds: int
    scope: AnyPathMatch
    refusal: HttpResponse


def rate_rule(template: Template) -> RateRule | None:
    """The ACL's rate rule with the template's parameters, or None when the template makes no ACL. A rule the
    local stack cannot play fails the start, naming what it cannot, rather than letting requests through."""
    resource = template.resources.get(ACL)
    if resource is None or ("Condition" in resource and not template.condition(resource["Condition"])):
        return None
    properties: dict[str, Any] = resource["Properties"]
    (rule,) = [rule for rule in properties["Rules"] if "RateBasedStatement" in rule["Statement"]]
    # Only what the rule uses is resolved: the other rule names resources the local stack does not make.
    rule = template.resolve(rule)
    statement = rule["Statement"]["RateBasedStatement"]
    scope_down = statement["ScopeDownStatement"]
    if "OrStatement" in scope_down:
        statements = [inner["ByteMatchStatement"] for inner in scope_down["OrStatement"]["Statements"]]
    else:
        statements = [scope_down["ByteMatchStatement"]]
    return RateRule(
        limit=int(statement["Limit"]),
        window_seconds=int(statement.get("EvaluationWindowSec", DEFAULT_WINDOW_SECONDS)),
        scope=AnyPathMatch(tuple(_path_match(byte_match) for byte_match in statements)),
        refusal=_custom_response(rule["Action"], template.resolve(properties.get("CustomResponseBodies", {}))),
    )


def _path_match(byte_match: dict[str, Any]) -> PathMatch:
    if "UriPath" not in byte_match["FieldToMatch"]:
        raise ValueError(f"{ACL}: the local stack plays a scope-down on the URI path only")
    transformations = tuple(t["Type"] for t in sorted(byte_match["TextTransformations"], key=lambda t: t["Priority"]))
    unknown = sorted(set(transformations) - set(TRANSFORMATIONS)) + sorted(
        {byte_match["PositionalConstraint"]} - set(MATCHES)
    )
    if unknown:
        raise ValueError(f"{ACL}: the local stack cannot play {', '.join(unknown)}")
    return PathMatch(byte_match["PositionalConstraint"], byte_match["SearchString"], transformations)


def _custom_response(action: dict[str, Any], bodies: dict[str, Any]) -> HttpResponse:
    response = action.get("Block", {}).get("CustomResponse")
    if response is None:
        raise ValueError(f"{ACL}: the rate rule's action is no Block with a custom response")
    body = bodies[response["CustomResponseBodyKey"]]
    headers = [("Content-Type", CONTENT_TYPES[body["ContentType"]])]
    headers += [(header["Name"], str(header["Value"])) for header in response.get("ResponseHeaders", [])]
    return HttpResponse(int(response["ResponseCode"]), headers, str(body["Content"]).encode("utf-8"))


class EdgeGuard:
    """The rate rule's count, per source address over a sliding window. Thread-safe: the server answers each
    connection in a thread of its own, and a refusal never waits for the lock the functions are served under."""

    def __init__(self, rule: RateRule, clock: Clock | None = None) -> None:
        self.rule = rule
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        """WAF's answer in the API's place, or None to let the request through."""
        if not self.rule.scope.matches(request.path):
            return None
        now = self._clock.now()
        with self._lock:
            seen = self._seen.setdefault(request.source_ip, deque())
            while seen and seen[0] <= now - self.rule.window_seconds:
                seen.popleft()
            # WAF counts every request its rule sees, refused ones too: a client that keeps trying stays refused.
            seen.append(now)
            over = len(seen) > self.rule.limit
        return self.rule.refusal if over else None
