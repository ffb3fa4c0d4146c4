"""The absolute URLs the service builds start at configuration (WebOrigin, PublicApiUrl), which is checked
where it is read: by CloudFormation (the parameters' AllowedPattern, which the local stack's template reader
applies too) and by Settings, in the same words (issue 8, item 1)."""

from __future__ import annotations

import re

import pytest
from migris.config import Settings, origin_of
from pydantic import ValidationError

from devserver.template import Template
from tests.helpers import local_template

ORIGINS = ["https://www.migracija.lt", "https://w.example:8443", "http://127.0.0.1:3000", "http://localhost:3000"]
BASE_URLS = ["https://api.migracija.lt/v1", "https://a.example/stage/v1", "http://[::1]:3000/v1"]
NOT_BASE_URLS = [
    "http://evil.example",  # http only on a loopback address
    "http://127.0.0.1.evil.example",
    "javascript:alert(1)//",
    "javascript://evil.example/%0aalert(1)",
    "data:text/html,x",
    "//evil.example",
    "evil.example",
    "https://",
    "https://www.migracija.lt/",  # no trailing slash
    "https://www.migracija.lt/v1/",
    "https://www.migracija.lt?x=1",
    "https://www.migracija.lt/v1?",
    "https://www.migracija.lt#top",
    "https://user@www.migracija.lt",
    "https://www.migracija.lt:443",  # as browsers write it: no default port (*)
    "HTTPS://www.migracija.lt",
    "https://WWW.migracija.lt",
    "https://www.migracija.lt:99999",  # (*)
    "https://www.migracija.lt/../v1",  # (*)
    "https://www.migracija.lt/v 1",
    "https://www.migracija.lt\\@evil.example",
    " https://www.migracija.lt",
    "https://www.migracija.lt\n",
    "ftp://www.migracija.lt",
]


# (*) The template's pattern stays readable and lets these through; Settings refuses them at the first request.
ONLY_SETTINGS_REFUSE = {
    "https://www.migracija.lt:443",
    "https://www.migracija.lt:99999",
    "https://www.migracija.lt/../v1",
}


def settings(**env: str) -> Settings:
    base = local_template().function_environment()
    return Settings.from_env({**base, **env})


@pytest.mark.parametrize("value", ORIGINS + BASE_URLS)
def test_a_public_api_url_is_an_https_or_loopback_base_url(value):
    assert settings(PUBLIC_API_URL=value).api_base_url == value


@pytest.mark.parametrize("value", NOT_BASE_URLS)
def test_anything_else_is_refused_as_a_public_api_url(value):
    with pytest.raises(ValidationError, match="public_api_url"):
        settings(PUBLIC_API_URL=value)


@pytest.mark.parametrize("value", NOT_BASE_URLS + BASE_URLS)
def test_the_web_origin_is_a_bare_origin(value):
    with pytest.raises(ValidationError, match="web_origin"):
        settings(WEB_ORIGIN=value)


def test_an_unset_public_api_url_is_the_web_origin():
    assert settings(WEB_ORIGIN="https://www.migracija.lt").api_base_url == "https://www.migracija.lt"
    assert settings(WEB_ORIGIN="https://www.migracija.lt", PUBLIC_API_URL="").public_api_url is None


@pytest.mark.parametrize("value", ["", *ORIGINS, *BASE_URLS, *NOT_BASE_URLS])
def test_the_template_and_the_settings_agree(value):
    parameters = local_template().document["Parameters"]
    template_accepts = re.fullmatch(parameters["PublicApiUrl"]["AllowedPattern"], value) is not None
    try:
        settings(PUBLIC_API_URL=value)
        settings_accept = True
    except ValidationError:
        settings_accept = False
    assert template_accepts == settings_accept or (value in ONLY_SETTINGS_REFUSE and not settings_accept)
    origin_pattern = parameters["WebOrigin"]["AllowedPattern"]
    if value in ORIGINS:
        assert re.fullmatch(origin_pattern, value)
    if value in NOT_BASE_URLS + BASE_URLS and value not in ONLY_SETTINGS_REFUSE:
        assert not re.fullmatch(origin_pattern, value)


def test_the_template_reader_applies_allowed_patterns_and_passes_the_url_on():
    with pytest.raises(ValueError, match="PublicApiUrl"):
        Template.load({"PublicApiUrl": "http://evil.example"})
    with pytest.raises(ValueError, match="WebOrigin"):
        Template.load({"WebOrigin": "https://www.migracija.lt/"})
    assert Template.load().function_environment()["PUBLIC_API_URL"] == ""
    env = Template.load({"PublicApiUrl": "https://api.migracija.lt/v1"}).function_environment()
    assert env["PUBLIC_API_URL"] == "https://api.migracija.lt/v1"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://www.epaslaugos.lt/portal/external/services/authentication/v2", "https://www.epaslaugos.lt"),
        ("https://WWW.Epaslaugos.LT:443/portal?x=1", "https://www.epaslaugos.lt"),
        ("http://127.0.0.1:3000/_local/viisp/portal", "http://127.0.0.1:3000"),
        ("https://portal.example:8443/a", "https://portal.example:8443"),
        ("http://[::1]:80/a", "http://[::1]"),
    ],
)
def test_the_origin_of_a_url_is_as_browsers_write_it(url, origin):
    assert origin_of(url) == origin


CONTACT_URLS = ["https://migracija.lrv.lt/lt/kontaktai", "https://www.migracija.lt/kontaktai?kalba=uk", "https://a.lt"]
NOT_CONTACT_URLS = [
    "http://migracija.lrv.lt/lt/kontaktai",
    "https://migracija.lrv.lt/lt/kontaktų",  # not ASCII: write it percent-encoded
    "https://migracija.lrv.lt/lt/kontaktai\x7f",
    "https://migracija.lrv.lt/lt/kontaktai#top",
    "https://user@migracija.lrv.lt/",
    "https://migracija.lrv.lt/lt/kontaktai page",
    'https://migracija.lrv.lt/"><script>',
    "javascript:alert(1)",
]


@pytest.mark.parametrize("value", CONTACT_URLS + NOT_CONTACT_URLS)
def test_the_template_and_the_settings_agree_on_the_contact_page(value):
    """A ContactUrl CloudFormation accepts is one every function starts with: none that deploys and then fails
    each request."""
    pattern = local_template().document["Parameters"]["ContactUrl"]["AllowedPattern"]
    template_accepts = re.fullmatch(pattern, value) is not None
    try:
        settings(CONTACT_URL=value)
        settings_accept = True
    except ValidationError:
        settings_accept = False
    assert template_accepts == settings_accept == (value in CONTACT_URLS)
