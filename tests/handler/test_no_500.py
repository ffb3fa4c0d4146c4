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
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=60)


@pytest.mark.parametrize("path", ["/login/email", "/login/email/verify", "/logout"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=bodies,
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
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
