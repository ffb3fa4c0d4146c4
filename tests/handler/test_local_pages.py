"""The local stack's web pages carry the security headers the distribution puts on the deployed ones
(template.yaml's response headers policy), so a page that could be framed, or one whose scripts the policy would
block, shows up locally as it would deployed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devserver.template import load_template
from tests.helpers import ORIGIN, Client, LocalStack, local_template

WEB = Path(__file__).resolve().parents[2] / "web"
PAGES = ["/", "/index.html", "/style.css", "/js/app.js", "/js/screens/account.js", "/i18n/uk.js"]


def deployed_policy() -> dict[str, Any]:
    """The response headers policy of the distribution's pages, as template.yaml writes it."""
    resources = load_template()["Resources"]
    name = resources["WebDistribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"][
        "ResponseHeadersPolicyId"
    ]["Ref"]
    return dict(resources[name]["Properties"]["ResponseHeadersPolicyConfig"])


@pytest.mark.parametrize("path", PAGES)
def test_a_local_page_may_not_be_framed_as_deployed(client, path):
    security = deployed_policy()["SecurityHeadersConfig"]
    answer = client.get(path)
    assert answer.status == 200, answer.raw
    csp = answer.all("Content-Security-Policy")
    assert csp == [security["ContentSecurityPolicy"]["ContentSecurityPolicy"]]
    assert "frame-ancestors 'none'" in csp[0].split("; ")
    assert answer.all("X-Frame-Options") == [security["FrameOptions"]["FrameOption"]] == ["DENY"]


def test_a_local_page_carries_every_header_of_the_deployed_policy(client):
    policy = deployed_policy()
    security = policy["SecurityHeadersConfig"]
    answer = client.get("/")
    assert answer.header("Referrer-Policy") == security["ReferrerPolicy"]["ReferrerPolicy"]
    assert answer.header("X-Content-Type-Options") == "nosniff"
    hsts = security["StrictTransportSecurity"]
    assert answer.header("Strict-Transport-Security") == f"max-age={hsts['AccessControlMaxAgeSec']}; includeSubDomains"
    assert answer.header("X-XSS-Protection") == "0"
    for item in policy["CustomHeadersConfig"]["Items"]:
        assert answer.all(item["Header"]) == [item["Value"]]


def test_a_missing_page_carries_them_too(client):
    answer = client.get("/no-such-page.html")
    assert answer.status == 404
    assert answer.header("X-Frame-Options") == "DENY"


def test_the_api_answers_keep_their_own_headers(client):
    """The API's behaviours name no policy: its answers are JSON with the API's headers, no page CSP."""
    answer = client.start("ona@example.lt")
    assert answer.status == 202
    assert answer.header("Content-Security-Policy") is None
    assert answer.header("Cache-Control") == "no-store"


# --- `make run`: WebOrigin http://localhost:PORT, and http://127.0.0.1:PORT beside it ---

LOCALHOST = "http://localhost:3000"


@pytest.fixture
def two_names(clock):
    """The local stack as `make run` serves it: the pages at localhost, the address it listens at beside."""
    template = local_template(WebOrigin=LOCALHOST, PublicApiUrl=LOCALHOST)
    stack = LocalStack(template, LOCALHOST, clock=clock, aliases=[ORIGIN])
    stack.start()
    yield Client(stack)  # its requests go to 127.0.0.1:3000 (tests.helpers.HOST)
    stack.stop()


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_page_at_the_address_is_sent_to_localhost(two_names, method):
    answer = two_names.request(method, "/js/app.js?v=2")
    assert (answer.status, answer.header("Location")) == (307, f"{LOCALHOST}/js/app.js?v=2")
    at_localhost = two_names.request(method, "/js/app.js", headers={"Host": "localhost:3000"})
    assert at_localhost.status == 200


@pytest.mark.parametrize(
    ("origin", "status"),
    [
        (ORIGIN, 200),
        (LOCALHOST, 200),
        (f"{ORIGIN}.evil.example", 403),
        ("http://127.0.0.1:3001", 403),
        ("http://[::1]:3000", 403),
    ],
)
def test_the_address_is_our_origin_exactly(two_names, origin, status):
    token = two_names.signed_in("ona@example.lt")
    headers = {"Cookie": f"__Host-session={token}", "Origin": origin}
    answer = two_names.request("PATCH", "/profile", json_body={"phone_number": "+370 612 34567"}, headers=headers)
    assert answer.status == status, answer.raw
