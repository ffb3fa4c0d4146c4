"""The local stack's API docs (issue 9, item 5): /openapi.json is Powertools' merge of every function's
document, and /docs is Powertools' Swagger UI page with its script and style served from the same origin, so it
works with no network."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from devserver.edge import rate_rule
from devserver.template import Template

CDN_HOSTS = ("unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com")


class AssetLinks(HTMLParser):
    """The URLs a page loads: script src and stylesheet href."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.scripts.append(str(values["src"]))
        if tag == "link" and (values.get("rel") or "").lower() == "stylesheet":
            self.styles.append(str(values["href"]))


def asset_links(page: str) -> AssetLinks:
    parser = AssetLinks()
    parser.feed(page)
    return parser


def test_the_openapi_document_lists_every_route_of_the_template(client):
    answer = client.get("/openapi.json")
    assert answer.status == 200
    assert answer.header("Content-Type") == "application/json"
    document = answer.json
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "MIGRIS sign-in API"
    listed = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    expected = {(route.method, route.path) for route in Template.load().routes()}
    assert expected <= listed, f"routes missing from /openapi.json: {sorted(expected - listed)}"


def test_the_document_keeps_the_body_schemas(client):
    paths = client.get("/openapi.json").json["paths"]
    assert paths["/profile"]["patch"]["requestBody"]["content"]["application/json"]["schema"]["properties"]


def test_the_document_says_which_form_fields_viisp_posts_to_the_callback(client):
    """A client that keeps to the document sends the form VIISP's page sends: both fields, each within the
    lengths the callback takes (anything else is invalid_ticket)."""
    from migris.domain.viisp_login import MAX_STATE_LENGTH, MAX_TICKET_LENGTH

    body = client.get("/openapi.json").json["paths"]["/login/viisp/callback"]["post"]["requestBody"]
    assert body["required"] is True
    (media_type,) = body["content"]
    schema = body["content"][media_type]["schema"]
    assert media_type == "application/x-www-form-urlencoded"
    assert sorted(schema["required"]) == ["customData", "ticket"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["ticket"]["maxLength"] == MAX_TICKET_LENGTH
    assert schema["properties"]["customData"]["maxLength"] == MAX_STATE_LENGTH


def test_every_path_the_edge_rate_rule_counts_documents_its_429(client):
    """The WAF rate rule (template.yaml, LoginWebAcl) answers any path it counts with 429 edge_rate_limited and
    Retry-After, before a function runs: each such operation lists that answer (schemathesis' ST103 otherwise)."""
    rule = rate_rule(Template.load())
    assert rule is not None
    paths = client.get("/openapi.json").json["paths"]
    counted = [(method, path) for path, item in paths.items() if rule.scope.matches(path) for method in item]
    assert len(counted) >= 5  # /login/email, its verify, /login/viisp, the callback and the link
    for method, path in counted:
        answer = paths[path][method]["responses"].get("429")
        assert answer, f"{method.upper()} {path} does not list 429"
        assert "edge_rate_limited" in answer["description"]
        assert "Retry-After" in answer["headers"]


def test_swagger_ui_asks_for_the_same_document(client):
    """The page shows its document's address as /docs?format=json, as Powertools' swagger route answers it."""
    assert client.get("/docs?format=json").json == client.get("/openapi.json").json


def test_the_docs_page_loads_its_assets_from_this_origin_only(client):
    answer = client.get("/docs")
    assert answer.status == 200
    assert answer.header("Content-Type") == "text/html; charset=utf-8"
    page = answer.raw.decode()
    links = asset_links(page)
    assert links.scripts, "no script src: the page would inline or lack Swagger UI"
    assert links.styles, "no stylesheet link"
    for url in links.scripts + links.styles:
        assert url.startswith("/") and not url.startswith("//"), f"{url} is not on this origin"
    assert not any(host in page for host in CDN_HOSTS)
    assert "SwaggerUIBundle(" in page  # Powertools' page, which starts Swagger UI over the document
    assert '"/login/email"' in page  # ... embedded in it


@pytest.mark.parametrize(("kind", "content_type"), [("scripts", "text/javascript"), ("styles", "text/css")])
def test_the_docs_assets_answer_with_their_content_type(client, kind, content_type):
    urls = getattr(asset_links(client.get("/docs").raw.decode()), kind)
    for url in urls:
        answer = client.get(url)
        assert answer.status == 200, url
        assert answer.header("Content-Type").split(";")[0] == content_type
        assert len(answer.raw) > 10_000  # the real file, not an error page


def test_swagger_ui_can_render_openapi_3_1(client):
    """Swagger UI reads OpenAPI 3.1 (what Powertools writes) only from version 5 on."""
    assert client.get("/openapi.json").json["openapi"].startswith("3.1")
    (script,) = asset_links(client.get("/docs").raw.decode()).scripts
    version = re.search(rb'PACKAGE_VERSION:"(\d+)\.(\d+)\.(\d+)"', client.get(script).raw)
    assert version and int(version.group(1)) >= 5


@pytest.mark.parametrize(
    "path",
    ["/_local/swagger-ui/", "/_local/swagger-ui/html.py", "/_local/swagger-ui/../swagger_ui/html.py", "/_local/x.js"],
)
def test_nothing_else_is_served_from_the_asset_folder(client, path):
    assert client.get(path).status == 404
