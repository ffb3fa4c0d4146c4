"""Behind our CloudFront distribution API Gateway's sourceIp is a CloudFront server, shared by many clients.
The client's own address then comes from True-Client-IP, which the distribution writes, but only on requests
that carry the distribution's x-origin-verify proof: a header a client writes is never its address."""

from __future__ import annotations

from tests.helpers import Client, assert_error

OWNER = "ona@example.lt"
CLOUDFRONT_SERVER = "130.176.0.15"


def origin_proof(stack) -> str:
    secrets = stack.aws.session.client("secretsmanager")
    return str(secrets.get_secret_value(SecretId=stack.template.physical_name("OriginVerifySecret"))["SecretString"])


def through_cdn(stack, client_address: str, proof: str | None) -> Client:
    client = Client(stack)
    client.source_ip = CLOUDFRONT_SERVER
    headers = {"True-Client-IP": client_address}
    if proof is not None:
        headers["x-origin-verify"] = proof
    original = client.request

    def request(method, path, *, headers_in=headers, **kwargs):
        kwargs["headers"] = {**headers_in, **(kwargs.get("headers") or {})}
        return original(method, path, **kwargs)

    client.request = request  # type: ignore[method-assign]
    return client


def lock_out(stranger: Client) -> None:
    assert stranger.start(OWNER).status == 202
    answers = [
        stranger.post("/login/email/verify", {"email": OWNER, "login_id": f"made-up-{n}", "code": "12345678"})
        for n in range(10)
    ]
    assert_error(answers[-1], 429, "too_many_attempts")


def test_behind_the_cdn_a_stranger_sharing_its_server_cannot_lock_out_the_owner(stack):
    proof = origin_proof(stack)
    lock_out(through_cdn(stack, "203.0.113.66", proof))

    owner = through_cdn(stack, "198.51.100.7", proof)
    started = owner.start(OWNER)
    assert started.status == 202, started.raw
    verified = owner.post(
        "/login/email/verify", {"email": OWNER, "login_id": started.json["login_id"], "code": owner.last_code(OWNER)}
    )
    assert verified.status == 200, verified.raw


def test_a_client_address_header_without_the_proof_is_not_the_clients_address(stack):
    # Each call claims a fresh address; without the distribution's proof all of them are the peer's.
    lock_out(through_cdn(stack, "203.0.113.66", None))
    assert_error(through_cdn(stack, "198.51.100.7", None).start(OWNER), 429, "rate_limited")
    assert_error(through_cdn(stack, "198.51.100.8", "not-the-proof").start(OWNER), 429, "rate_limited")


def test_a_proven_request_with_a_malformed_client_address_counts_against_the_peer(stack):
    proof = origin_proof(stack)
    lock_out(through_cdn(stack, "not an address", proof))
    assert_error(through_cdn(stack, "198.51.100.7", None).start(OWNER), 429, "rate_limited")
