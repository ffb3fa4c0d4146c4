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
    [("POST", "/staff/users/search"), ("PATCH", "/staff/users/00000000-0000-4000-8000-000000000000")],
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
