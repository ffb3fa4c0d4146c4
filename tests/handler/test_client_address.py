"""Behind our CloudFront distribution API Gateway's sourceIp is a CloudFront server, shared by many clients.
The client's own address then comes from True-Client-IP, which the distribution writes, but only on requests
that carry the distribution's x-origin-verify proof: a header a client writes is never its address."""

from __future__ import annotations

from tests.helpers import Client, assert_error, origin_proof, through_cdn

OWNER = "ona@example.lt"


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
