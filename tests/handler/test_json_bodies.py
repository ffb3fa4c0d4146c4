"""A body is a JSON object (DESIGN.md, Rules): an array, even one holding a valid body, or any other JSON value
is 422 validation_error on every route that takes a JSON body, and nothing is written or mailed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.authenticator import SoftAuthenticator
from tests.helpers import FIRST_FILL, ORIGIN, Client, ViispBrowser, assert_error, everything_stored, local_template

NOT_OBJECTS = ("[]", "[{valid}]", '"x"', "1", "null")


@dataclass
class World:
    """What the routes' valid bodies need: a person before the first fill, one with an e-mail change pending, a
    sign-in under way (its code not yet used), and user ids for the staff routes (one of them linked to VIISP)."""

    unfilled_token: str
    filled_token: str
    user_id: str
    linked_user_id: str
    change_code: str
    login_id: str
    sign_in_code: str
    new_passkey: dict[str, Any]  # a registration answering the filled person's latest options
    passkey_id: str  # the filled person's passkey
    passkey_assertion: dict[str, Any]  # a sign-in with it, answering `passkey_nonce`'s challenge
    passkey_nonce: str
    not_me_token: str  # from the mail that told of the filled person's passkey
    identified_user_id: str  # level 2, no recovery: staff may start one
    recovering_user_id: str  # level 2, a recovery pending: staff may cancel it, its links confirm and cancel
    confirm_token: str
    cancel_token: str


def _not_me_token(client: Client, address: str) -> str:
    """The token of the newest "not me" link mailed to the address."""
    texts = [mail["text"] for mail in client.stack.aws.mails_to(address) if "/#/not-me?t=" in mail["text"]]
    return texts[-1].split("/#/not-me?t=")[1].split()[0]


def _link_token(client: Client, address: str, screen: str) -> str:
    marker = f"/#/{screen}?t="
    texts = [mail["text"] for mail in client.stack.aws.mails_to(address) if marker in mail["text"]]
    return texts[-1].split(marker)[1].split()[0]


def _identified(client: Client, address: str) -> str:
    token = client.signed_in(address, filled=True)
    user_id = str(client.as_person(token, "GET", "/profile").json["user_id"])
    assert client.as_staff("PATCH", f"/staff/users/{user_id}", {"level": 2, "reason": "passport"}).status == 200
    return user_id


def make_world(client: Client) -> World:
    unfilled = client.signed_in("ona@example.lt")
    filled = client.signed_in("jonas@example.lt", filled=True)
    changed = client.as_person(filled, "PATCH", "/profile", {"email": "jonas.naujas@example.lt"})
    assert changed.status == 200, changed.raw
    linked = ViispBrowser(client).link(client.signed_in("linas@example.lt", filled=True))
    assert linked.status == 303, linked.raw
    started = client.start("petras@example.lt")
    assert started.status == 202, started.raw
    authenticator = SoftAuthenticator(origin=ORIGIN, rp_id=urlsplit(ORIGIN).hostname or "")
    bearer = {"Authorization": f"Bearer {filled}"}
    options = client.post("/passkeys/registration/options", {}, headers=bearer).json
    created = client.post("/passkeys", {"credential": authenticator.create(options)}, headers=bearer)
    assert created.status == 201, created.raw
    new_passkey = authenticator.create(client.post("/passkeys/registration/options", {}, headers=bearer).json)
    sign_in_options = client.post("/login/passkey/options", {})
    identified = _identified(client, "rasa@example.lt")
    recovering = _identified(client, "vida@example.lt")
    recovery = {"email": "vida.nauja@example.lt", "reason": "lost mailbox"}
    assert client.as_staff("POST", f"/staff/users/{recovering}/email", recovery).status == 202
    return World(
        identified_user_id=identified,
        recovering_user_id=recovering,
        confirm_token=_link_token(client, "vida.nauja@example.lt", "confirm-recovery"),
        cancel_token=_link_token(client, "vida@example.lt", "cancel-recovery"),
        new_passkey=new_passkey,
        passkey_id=created.json["id"],
        passkey_assertion=authenticator.get(sign_in_options.json, authenticator.passkeys[0]),
        passkey_nonce=str(sign_in_options.cookie_value("__Host-passkey")),
        not_me_token=_not_me_token(client, "jonas@example.lt"),
        unfilled_token=unfilled,
        filled_token=filled,
        user_id=client.as_person(unfilled, "GET", "/profile").json["user_id"],
        linked_user_id=client.as_staff("POST", "/staff/users/search", {"email": "linas@example.lt"}).json["users"][0][
            "user_id"
        ],
        change_code=client.last_code("jonas.naujas@example.lt"),
        login_id=started.json["login_id"],
        sign_in_code=client.last_code("petras@example.lt"),
    )


# A body each route takes as it is, and who sends it: "staff", or the session the request comes with.
VALID: dict[tuple[str, str], tuple[str | None, Any]] = {
    ("POST", "/login/email"): (None, lambda w: {"email": "marija@example.lt"}),
    ("POST", "/login/email/verify"): (
        None,
        lambda w: {"email": "petras@example.lt", "login_id": w.login_id, "code": w.sign_in_code},
    ),
    ("POST", "/login/viisp/link"): ("filled", lambda w: {}),
    ("PUT", "/profile"): ("unfilled", lambda w: FIRST_FILL),
    ("PATCH", "/profile"): ("filled", lambda w: {"phone_number": "+37061111111"}),
    ("POST", "/profile/email/verify"): ("filled", lambda w: {"code": w.change_code}),
    ("POST", "/logout"): ("filled", lambda w: {"forget_device": False}),
    ("DELETE", "/profile"): ("filled", lambda w: {}),
    ("POST", "/passkeys/registration/options"): ("filled", lambda w: {}),
    ("POST", "/passkeys"): ("filled", lambda w: {"credential": w.new_passkey}),
    ("PATCH", "/passkeys/{passkey_id}"): ("filled", lambda w: {"name": "Mano telefonas"}),
    ("POST", "/login/passkey/options"): (None, lambda w: {}),
    ("POST", "/login/passkey"): (None, lambda w: {"credential": w.passkey_assertion}),
    ("POST", "/activity/not-me"): (None, lambda w: {"token": w.not_me_token}),
    ("POST", "/recovery/confirm"): (None, lambda w: {"token": w.confirm_token}),
    ("POST", "/recovery/cancel"): (None, lambda w: {"token": w.cancel_token}),
    ("POST", "/staff/users/{user_id}/email"): ("staff", lambda w: {"email": "rasa.nauja@example.lt", "reason": "lost"}),
    ("POST", "/staff/users/{user_id}/email/cancel"): ("staff", lambda w: {"reason": "the person asked"}),
    ("POST", "/staff/users/search"): ("staff", lambda w: {"email": "ona@example.lt"}),
    ("PATCH", "/staff/users/{user_id}"): ("staff", lambda w: {"level": 2, "reason": "Identified at the desk"}),
    ("POST", "/staff/users/{user_id}/sessions/revoke"): ("staff", lambda w: {"reason": "Phone stolen"}),
    ("POST", "/staff/users/{user_id}/identity/unlink"): ("staff", lambda w: {"reason": "Not their link"}),
}


def routes_with_a_json_body() -> list[tuple[str, str]]:
    """Every route of the template whose OpenAPI operation takes application/json (the handlers' own word)."""
    from devserver.server import LocalStack

    document = LocalStack(local_template(), "http://127.0.0.1:3000").openapi()
    return sorted(
        (route.method, route.path)
        for route in local_template().routes()
        if "application/json"
        in document["paths"].get(route.path, {}).get(route.method.lower(), {}).get("requestBody", {}).get("content", {})
    )


def test_every_route_with_a_json_body_is_tried_here():
    assert sorted(VALID) == routes_with_a_json_body()


def send(client: Client, world: World, method: str, path: str, body: str) -> Any:
    who, _ = VALID[(method, path)]
    staff_user = {"/unlink": world.linked_user_id, "/email": world.identified_user_id}
    staff_user["/cancel"] = world.recovering_user_id
    owner = next((user for end, user in staff_user.items() if path.endswith(end)), world.user_id)
    url = path.replace("{user_id}", owner)
    url = url.replace("{passkey_id}", world.passkey_id)
    if who == "staff":
        return client.as_staff(method, url, raw_body=body.encode())
    headers = {"Content-Type": "application/json"}
    if path == "/login/passkey":
        headers["Cookie"] = f"__Host-passkey={world.passkey_nonce}"  # the browser that asked for the options
    if who is not None:
        headers["Authorization"] = f"Bearer {world.unfilled_token if who == 'unfilled' else world.filled_token}"
    return client.request(method, url, body=body, headers=headers)


@pytest.mark.parametrize(("method", "path"), sorted(VALID))
def test_a_body_that_is_not_a_json_object_is_422_and_changes_nothing(client, method, path):
    world = make_world(client)
    valid = json.dumps(VALID[(method, path)][1](world))
    stored, mails = everything_stored(client.stack), len(client.stack.aws.outbox)
    for shape in NOT_OBJECTS:
        answer = send(client, world, method, path, shape.replace("{valid}", valid))
        error = assert_error(answer, 422, "validation_error")
        assert error["fields"] == {"body": "the body must be a JSON object"}, shape
        assert everything_stored(client.stack) == stored, shape
        assert len(client.stack.aws.outbox) == mails, shape
    # The same body as an object is taken: the refusals above were for the shape alone.
    assert send(client, world, method, path, valid).status in {200, 201, 202, 204}
