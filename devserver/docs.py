"""The local stack's API docs: GET /openapi.json, every function's OpenAPI document merged by Powertools'
OpenAPIMerge, and GET /docs, Swagger UI as Powertools renders it (enable_swagger's page), its script and style
served from here out of the copy Powertools ships, so the page needs no network and no CDN."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files

from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

TITLE = "MIGRIS sign-in API"
API_VERSION = "1"
DOCS_PATH = "/docs"
OPENAPI_PATH = "/openapi.json"
ASSETS_PATH = "/_local/swagger-ui"
# The file names Powertools' page asks for under its swagger_base_url, which are the names it ships them under.
SWAGGER_JS = "swagger-ui-bundle.min.js"
SWAGGER_CSS = "swagger-ui.min.css"
ASSET_TYPES = {SWAGGER_JS: "text/javascript; charset=utf-8", SWAGGER_CSS: "text/css; charset=utf-8"}
_POWERTOOLS_SWAGGER_UI = files("aws_lambda_powertools.event_handler.openapi.swagger_ui")


def merged_openapi(resolvers: Iterable[ApiGatewayResolver]) -> str:
    """One OpenAPI document (JSON) from the functions' resolvers; a method and path two functions both
    declare is an error, not a silent pick (API Gateway would route it to one of them only)."""
    merge = OpenAPIMerge(title=TITLE, version=API_VERSION, on_conflict="error")
    for resolver in resolvers:
        merge.add_schema(resolver.get_openapi_schema().model_dump(mode="json", by_alias=True, exclude_none=True))
    return merge.get_openapi_json_schema()


def swagger_page(openapi_json: str) -> str:
    """Swagger UI over the document, as Powertools' enable_swagger renders it with a swagger_base_url."""
    # As enable_swagger does: the document sits in a <script>, so a "</" in it must not end that script.
    spec = openapi_json.replace("</", "<\\/")
    return generate_swagger_html(
        spec, f"{ASSETS_PATH}/{SWAGGER_JS}", f"{ASSETS_PATH}/{SWAGGER_CSS}", ASSETS_PATH, oauth2_config=None
    )


def swagger_asset(path: str) -> tuple[bytes, str] | None:
    """The body and content type of one of Swagger UI's files under ASSETS_PATH; None for anything else."""
    name = path.removeprefix(f"{ASSETS_PATH}/")
    if name not in ASSET_TYPES:  # only the named files: never a path built from the request
        return None
    return (_POWERTOOLS_SWAGGER_UI / name).read_bytes(), ASSET_TYPES[name]
