"""Nothing a client can send makes the service answer 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {},
        optional={
            "email": json_values | st.emails(),
            "language": json_values,
            "login_id": json_values,
            "code": json_values,
        },
    ).map(lambda v: json.dumps(v).encode()),
)
profile_bodies = st.one_of(
    bodies,
    st.fixed_dictionaries(
        {},
        optional={
            name: json_values | st.text(max_size=40)
            for name in ("given_name", "family_name", "phone_number", "email", "code", "level", "reason")
        }
        | {"personal_code": json_values | st.from_regex(r"[0-9]{11}", fullmatch=True)},
    ).map(lambda v: json.dumps(v).encode()),
)
content_types = st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"])
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=60)


@pytest.mark.parametrize("path", ["/login/email", "/login/email/verify", "/logout"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=bodies,
    content_type=content_types,
    cookie=header_values,
    authorization=header_values,
    language=header_values,
)
def test_any_post_gets_a_4xx_or_success_never_500(client, path, body, content_type, cookie, authorization, language):
    answer = client.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": content_type,
            "Cookie": cookie,
            "Authorization": authorization,
            "Accept-Language": language,
        },
    )
    assert answer.status < 500, answer.raw
    assert answer.header("Cache-Control") == "no-store"
    if answer.status >= 400:
        assert answer.json["error"]["code"]


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", "/profile"), ("PATCH", "/profile"), ("POST", "/profile/email/verify")]
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=profile_bodies, content_type=content_types)
def test_any_profile_write_by_a_signed_in_person_never_500(client, method, path, body, content_type):
    if not hasattr(client, "token"):
        client.token = client.signed_in("ona@example.lt")
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {client.token}"}
    answer = client.request(method, path, body=body, headers=headers)
    assert answer.status < 500, answer.raw
    assert answer.header("Cache-Control") == "no-store"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/staff/users/search"),
        ("PATCH", "/staff/users/00000000-0000-4000-8000-000000000000"),
        ("POST", "/staff/users/00000000-0000-4000-8000-000000000000/sessions/revoke"),
        ("POST", "/staff/users/00000000-0000-4000-8000-000000000000/identity/unlink"),
    ],
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=profile_bodies, content_type=content_types)
def test_any_signed_staff_body_never_500(client, method, path, body, content_type):
    answer = client.as_staff(method, path, raw_body=body, content_type=content_type)
    assert answer.status < 500, answer.raw


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    content_type=content_types,
    cookie=header_values,
)
def test_any_viisp_callback_post_never_500(client, body, content_type, cookie):
    answer = client.request(
        "POST", "/login/viisp/callback", body=body, headers={"Content-Type": content_type, "Cookie": cookie}
    )
    assert answer.status < 500, answer.raw


# --- JSON that strains the parser, on every route of the template (issue 8, item 6) ---

NUMBER_NAMES = ("NaN", "Infinity", "-Infinity")
straining_json = st.one_of(
    st.integers(min_value=1_000, max_value=100_000).map(lambda n: "[" * n),  # deeper than the parser recurses
    st.integers(min_value=1_000, max_value=100_000).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=1_000, max_value=20_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(min_value=33, max_value=900).map(lambda n: "[" * n + "]" * n),  # parses; deeper than ours go
    st.integers(min_value=4_301, max_value=6_000).map(lambda n: "9" * n),  # more digits than int() converts
    st.integers(min_value=4_301, max_value=6_000).map(lambda n: "-1" + "0" * n),
    st.integers(min_value=309, max_value=10**12).map(lambda n: f"1e{n}"),  # beyond a float
    st.integers(min_value=310, max_value=6_000).map(lambda n: "7" * n + ".5"),
    st.sampled_from(["1e999999", "-1E+999999", "1.5e400", *NUMBER_NAMES]),
)
field_names = st.sampled_from(
    [None, "email", "code", "login_id", "language", "phone_number", "given_name", "level", "reason"]
)


@st.composite
def straining_bodies(draw):
    """The straining value as the whole body, as a field of an object, or inside a list."""
    value, field, wrapper = draw(straining_json), draw(field_names), draw(st.sampled_from(["", "[]", "{}"]))
    if field is None:
        body = value if not wrapper else f"[{value}]"
    else:
        body = f'{{"email": "ona@example.lt", "{field}": {value}}}'
    return body.encode()


def template_routes():
    from devserver.template import Template

    return sorted((r.method, r.path, r.iam_auth) for r in Template.load().routes())


def reads_a_json_body(client, method, path):
    """Whether the route takes a JSON body, as the OpenAPI document (from the handlers themselves) says."""
    if not hasattr(client, "openapi"):
        client.openapi = client.stack.openapi()
    operation = client.openapi["paths"].get(path, {}).get(method.lower(), {})
    return "application/json" in operation.get("requestBody", {}).get("content", {})


@pytest.mark.parametrize("signed_in", [True, False], ids=["with-session", "without-session"])
@pytest.mark.parametrize(("method", "path", "iam_auth"), template_routes())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=straining_bodies())
def test_json_that_strains_the_parser_is_422_on_every_route(client, method, path, iam_auth, signed_in, body):
    url = path.replace("{user_id}", "00000000-0000-4000-8000-000000000000").replace("{id}", "0" * 32)
    if iam_auth and signed_in:
        answer = client.as_staff(method, url, raw_body=body)
    else:
        headers = {"Content-Type": "application/json"}
        if signed_in:
            if not hasattr(client, "token"):
                client.token = client.signed_in("ona@example.lt")
            headers["Authorization"] = f"Bearer {client.token}"
        answer = client.request(method, url, body=body, headers=headers)
    assert answer.status < 500, answer.raw
    if not answer.header("x-amzn-ErrorType"):  # API Gateway's own refusal of an unsigned staff call is not ours
        assert answer.header("Cache-Control") == "no-store"
    if reads_a_json_body(client, method, path) and not (not signed_in and answer.status in {401, 403}):
        assert answer.status == 422, answer.raw
        assert answer.error_code == "validation_error"
        assert "body" in answer.json["error"]["fields"], answer.raw
