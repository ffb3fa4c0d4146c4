"""The local stack's API Gateway IAM: the resource policy evaluator and the local staff key."""

from __future__ import annotations

import hashlib

import pytest

from devserver.iam import LocalPrincipal, Refusal, ResourcePolicy, staff_principal
from devserver.template import Template

STAFF_ROLE = "arn:aws:iam::123456789012:role/migris-local-StaffRole"


def principal(arn: str) -> LocalPrincipal:
    return LocalPrincipal("AKIA", "secret", arn, arn, "caller")


@pytest.fixture
def policy() -> ResourcePolicy:
    return ResourcePolicy.from_template(Template.load())


def test_the_template_policy_lets_the_staff_role_reach_staff_routes(policy):
    policy.check(principal(STAFF_ROLE), "v1/PATCH/staff/users/abc", "eu-north-1")


@pytest.mark.parametrize(
    "arn", ["arn:aws:iam::123456789012:user/clerk", "arn:aws:iam::123456789012:role/migris-local-StaffRole-2", None]
)
def test_the_template_policy_denies_staff_routes_to_anyone_else(policy, arn):
    with pytest.raises(Refusal) as refused:
        policy.check(principal(arn) if arn else None, "v1/GET/staff/users/abc/audit", "eu-north-1")
    assert "explicit deny" in refused.value.body["Message"]


@pytest.mark.parametrize("method_arn", ["v1/POST/login/email", "v1/GET/profile", "v1/PUT/profile"])
def test_the_template_policy_lets_anyone_reach_the_other_routes(policy, method_arn):
    policy.check(None, method_arn, "eu-north-1")


def test_without_an_allow_the_policy_refuses():
    policy = ResourcePolicy(
        [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*/GET/profile",
            }
        ]
    )
    policy.check(None, "v1/GET/profile", "eu-north-1")
    with pytest.raises(Refusal):
        policy.check(None, "v1/POST/logout", "eu-north-1")


def test_a_condition_the_local_stack_cannot_evaluate_stops_it_at_start():
    with pytest.raises(ValueError, match="IpAddress"):
        ResourcePolicy(
            [
                {
                    "Effect": "Deny",
                    "Action": "execute-api:Invoke",
                    "Resource": "execute-api:/*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
                }
            ]
        )


def test_the_staff_key_comes_from_the_environment_or_is_made_fresh():
    template = Template.load()
    given = staff_principal(
        template, {"LOCAL_STAFF_ACCESS_KEY_ID": "AKIAGIVEN", "LOCAL_STAFF_SECRET_ACCESS_KEY": "given-secret"}
    )
    assert (given.access_key_id, given.secret_access_key) == ("AKIAGIVEN", "given-secret")
    assert given.principal_arn == STAFF_ROLE
    first, second = staff_principal(template, {}), staff_principal(template, {})
    assert first.access_key_id != second.access_key_id
    assert first.secret_access_key != second.secret_access_key
    assert len(first.secret_access_key) >= 32


def test_the_gate_hashes_the_body_itself_and_refuses_a_content_sha256_that_is_not_the_bodys():
    """Even an X-Amz-Content-SHA256 outside the signed headers must be the body's own hash."""
    from botocore.credentials import ReadOnlyCredentials

    from devserver.apigw import HttpRequest
    from devserver.iam import IamGate
    from staff.client import signed_headers

    template = Template.load()
    staff = staff_principal(template, {})
    gate = IamGate(template, "eu-north-1", [staff])
    route = next(r for r in template.routes() if r.iam_auth and r.method == "POST")
    body = b'{"email": "ona@example.lt"}'
    credentials = ReadOnlyCredentials(staff.access_key_id, staff.secret_access_key, None)
    headers = signed_headers("POST", f"http://127.0.0.1:3000{route.path}", body, credentials, "eu-north-1")
    headers["Host"] = "127.0.0.1:3000"

    def call(extra: dict[str, str]) -> HttpRequest:
        return HttpRequest("POST", route.path, {}, list({**headers, **extra}.items()), body, "127.0.0.1")

    assert gate.identity(route, call({}))["userArn"] == staff.user_arn
    own = hashlib.sha256(body).hexdigest()
    assert gate.identity(route, call({"X-Amz-Content-SHA256": own}))["userArn"] == staff.user_arn
    for claimed in ["UNSIGNED-PAYLOAD", hashlib.sha256(b"{}").hexdigest(), own.upper(), ""]:
        with pytest.raises(Refusal) as refused:
            gate.identity(route, call({"X-Amz-Content-SHA256": claimed}))
        assert refused.value.error_type == "InvalidSignatureException"
        assert refused.value.response().status == 403
