"""What the distribution adds to the web pages, as far as the local stack can play it: the security headers of the
response headers policy the pages' cache behaviour names (template.yaml, WebSecurityHeaders), read from the
template so the local pages cannot drift from the deployed ones (a page that may be framed locally would hide a
clickjacking hole that only shows once deployed, or the other way round). The API's behaviours name no policy:
its answers carry their own headers (migris.http.responses.ALWAYS_HEADERS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devserver.apigw import HttpResponse
from devserver.template import Template

DISTRIBUTION = "WebDistribution"


def _strict_transport_security(config: dict[str, Any]) -> str:
    value = f"max-age={int(config['AccessControlMaxAgeSec'])}"
    if config.get("IncludeSubdomains"):
        value += "; includeSubDomains"
    if config.get("Preload"):
        value += "; preload"
    return value


def _xss_protection(config: dict[str, Any]) -> str:
    if not config["Protection"]:
        return "0"
    value = "1"
    if config.get("ModeBlock"):
        value += "; mode=block"
    if config.get("ReportUri"):
        value += f"; report={config['ReportUri']}"
    return value


# SecurityHeadersConfig's entries: the header each one sends, and its value from the entry's settings.
SECURITY_HEADERS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "ContentSecurityPolicy": ("Content-Security-Policy", lambda config: str(config["ContentSecurityPolicy"])),
    "ContentTypeOptions": ("X-Content-Type-Options", lambda _: "nosniff"),
    "FrameOptions": ("X-Frame-Options", lambda config: str(config["FrameOption"])),
    "ReferrerPolicy": ("Referrer-Policy", lambda config: str(config["ReferrerPolicy"])),
    "StrictTransportSecurity": ("Strict-Transport-Security", _strict_transport_security),
    "XSSProtection": ("X-XSS-Protection", _xss_protection),
}


class PageHeaders:
    """The headers CloudFront puts on every answer of the pages' behaviour: (name, value, override) each, where
    override says that it replaces one the origin sent (else the origin's stays)."""

    def __init__(self, headers: list[tuple[str, str, bool]]) -> None:
        self.headers = headers

    @classmethod
    def from_template(cls, template: Template) -> PageHeaders:
        """The policy of the distribution's default behaviour (the pages), or none when the template serves no
        pages. A setting the local stack cannot play fails the start, naming it, rather than being left out."""
        distribution = template.resources.get(DISTRIBUTION)
        if distribution is None:
            return cls([])
        behaviour = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
        reference = behaviour.get("ResponseHeadersPolicyId")
        if reference is None:
            return cls([])
        if not (isinstance(reference, dict) and set(reference) == {"Ref"}):
            raise ValueError(f"{DISTRIBUTION}: the local stack plays a response headers policy of this template only")
        policy = template.resources[reference["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]
        unknown = sorted(set(policy) - {"Name", "Comment", "SecurityHeadersConfig", "CustomHeadersConfig"})
        security = template.resolve(policy.get("SecurityHeadersConfig", {}))
        unknown += sorted(set(security) - set(SECURITY_HEADERS))
        if unknown:
            raise ValueError(f"{reference['Ref']}: the local stack cannot play {', '.join(unknown)}")
        headers = [
            (SECURITY_HEADERS[key][0], SECURITY_HEADERS[key][1](config), bool(config["Override"]))
            for key, config in security.items()
        ]
        custom = template.resolve(policy.get("CustomHeadersConfig", {})).get("Items", [])
        headers += [(item["Header"], str(item["Value"]), bool(item["Override"])) for item in custom]
        return cls(headers)

    def put_on(self, response: HttpResponse) -> HttpResponse:
        """The response as CloudFront hands it on: each header of the policy added, over the origin's own when
        the policy overrides it."""
        headers = list(response.headers)
        for name, value, override in self.headers:
            sent = any(key.lower() == name.lower() for key, _ in headers)
            if sent and not override:
                continue
            headers = [(key, kept) for key, kept in headers if key.lower() != name.lower()] + [(name, value)]
        return HttpResponse(response.status, headers, response.body)
