"""No grant a function never uses (issue 12): one pass through every route and its less travelled paths (a wrong
try before the right one, an ended session, a request through the distribution with its proof, a VIISP account's
first fill with an address, the staff desk) must use every action of every statement in every function's role,
as tests/iam_calls.py sees the calls. A grant nothing here uses is either dead or a path no test walks: both are
worth knowing."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.authenticator import SoftAuthenticator
from tests.helpers import (
    EIDAS_PERSON,
    FIRST_FILL,
    ORIGIN,
    Answer,
    Client,
    ViispBrowser,
    origin_proof,
    through_cdn,
    viisp_account,
    wrong,
)
from tests.iam_calls import CHECKER

pytestmark = pytest.mark.xdist_group("every-grant")

PERSON_ADDRESS = "ona@example.lt"
NEW_ADDRESS = "ona.nauja@example.lt"
VIISP_PERSON_ADDRESS = "jonas@example.lt"
LINKING_ADDRESS = "erika@example.de"


def _sign_in_with_a_wrong_try_first(client: Client, address: str) -> str:
    login_id = client.start(address).json["login_id"]
    code = client.last_code(address)
    refused = client.post("/login/email/verify", {"email": address, "login_id": login_id, "code": wrong(code)})
    assert refused.status == 401, refused.raw
    answer = client.post("/login/email/verify", {"email": address, "login_id": login_id, "code": code})
    assert answer.status == 200, answer.raw
    return str(answer.json["token"])


def _code_for(client: Client, address: str, headers: dict[str, str]) -> dict[str, str]:
    """A sign-in code asked with these headers (a device cookie, say): the verify body that uses it."""
    started = client.post("/login/email", {"email": address}, headers=headers)
    assert started.status == 202, started.raw
    return {"email": address, "login_id": started.json["login_id"], "code": client.last_code(address)}


# What Lambda's own SQS poller calls with a function's role (AWS: an SQS event source needs ReceiveMessage,
# DeleteMessage and GetQueueAttributes), which the local stack's pump does not: the erase function's code never
# reads its queue's attributes (the mail function's does: the priority lane's depth).
USED_BY_LAMBDA_ITSELF = {("EraseAccountFunction", "sqs:GetQueueAttributes")}


def test_every_grant_of_every_function_is_used(stack, clock):
    earlier, CHECKER.used = CHECKER.used, set()  # only this test's calls count
    try:
        walk_every_path(stack, clock)
        used = set(CHECKER.used)
    finally:
        CHECKER.used |= earlier
    unused = sorted(
        (function, index, action)
        for function, index, action in CHECKER.roles.grants() - used
        if (function, action) not in USED_BY_LAMBDA_ITSELF
    )
    statements = CHECKER.roles.statements
    described = [f"{function} {statements[function][index].get('Sid')} {action}" for function, index, action in unused]
    assert not unused, "grants no call used:\n" + "\n".join(described)


def walk_every_path(stack, clock) -> None:
    cdn = through_cdn(stack, "198.51.100.20", origin_proof(stack))  # the origin proof read on each route

    # E-mail: a first sign-in (with a wrong try, so the success forgets the failures), the first fill.
    token = _sign_in_with_a_wrong_try_first(cdn, PERSON_ADDRESS)
    assert cdn.as_person(token, "PUT", "/profile", FIRST_FILL).status == 200
    assert cdn.as_person(token, "GET", "/activity").json["events"]
    # Changes: the phone, then the address, confirmed after a wrong code.
    assert cdn.as_person(token, "PATCH", "/profile", {"phone_number": "+370 612 00000"}).status == 200
    assert cdn.as_person(token, "PATCH", "/profile", {"email": NEW_ADDRESS}).status == 200
    code = cdn.last_code(NEW_ADDRESS)
    assert cdn.as_person(token, "POST", "/profile/email/verify", {"code": wrong(code)}).status == 401
    assert cdn.as_person(token, "POST", "/profile/email/verify", {"code": code}).status == 200
    # A returning person lists their sessions and ends the older one; sessions that ended by idling, met by the
    # reads and by the first fill.
    clock.advance(61)
    token = cdn.signed_in(NEW_ADDRESS)
    listed = cdn.as_person(token, "GET", "/sessions").json["sessions"]
    (older,) = [entry for entry in listed if not entry["current"]]
    assert cdn.as_person(token, "DELETE", f"/sessions/{older['id']}").status == 204
    clock.advance(1800)
    assert cdn.as_person(token, "GET", "/profile").status == 401
    clock.advance(61)
    fresh = cdn.signed_in("kitas@example.lt")
    clock.advance(1800)
    assert cdn.as_person(fresh, "PUT", "/profile", FIRST_FILL).status == 401

    # VIISP: a sign-in, and the new account's first fill with an address (a change code is mailed).
    client = Client(stack)
    viisp_token = ViispBrowser(cdn).sign_in()  # through the distribution: the activity's network from its header
    filled = cdn.as_person(
        viisp_token, "PUT", "/profile", {"phone_number": "+370 612 11111", "email": VIISP_PERSON_ADDRESS}
    )
    assert filled.status == 200, filled.raw

    # A VIISP account whose address VIISP gave fills in another: the code to the new one, a notice to the old.
    _, given = viisp_account(stack, "5d2e8a61-7c1b-4f0e-8a3d-9b6c2e4f1a77", email="given.by.viisp@example.lt")
    moved = {"phone_number": "+370 612 22222", "email": "filled.in@example.lt"}
    assert cdn.as_person(given, "PUT", "/profile", moved).status == 200
    assert cdn.last_code("filled.in@example.lt") and stack.aws.mails_to("given.by.viisp@example.lt")

    # Known devices. An e-mail person's browser: a code asked with its cookie, a sign-in that keeps the device, the
    # sessions list that marks it. A VIISP person's browser: learnt at the start, kept at the callback; ten more
    # browsers end the least recently used beyond MaxDevicesPerAccount.
    device_address = "devices@example.lt"
    first = cdn.post("/login/email/verify", _code_for(cdn, device_address, {}))
    device = first.cookie_value("__Host-device")
    cookie = {"Cookie": f"__Host-device={device}"}
    clock.advance(61)
    again = cdn.post("/login/email/verify", _code_for(cdn, device_address, cookie), headers=cookie)
    assert again.cookie_value("__Host-device") == device, again.raw
    assert cdn.as_person(again.json["token"], "GET", "/sessions", headers=cookie).json["devices"][0]["current"]
    for n in range(10):  # ten more browsers of the e-mail person: the least recently used beyond the ten ends
        browser_of = Client(stack)
        browser_of.source_ip = f"198.51.100.{100 + n}"
        browser_of.signed_in(device_address)
    viisp_browser = ViispBrowser(client)
    _, ticket, nonce, _ = viisp_browser.start()
    viisp_device = viisp_browser.post_back(viisp_browser.authenticate(ticket)[1], nonce).cookie_value("__Host-device")
    _, ticket, nonce, _ = viisp_browser.start(headers={"Cookie": f"__Host-device={viisp_device}"})
    kept = viisp_browser.post_back(viisp_browser.authenticate(ticket)[1], nonce)
    assert kept.cookie_value("__Host-device") is None  # kept: the callback sets no new cookie
    for _ in range(10):
        viisp_browser.sign_in()

    # Passkeys: a person creates two (options, registration; the address told), lists and renames one, removes the
    # other; signs in with the first from eleven new browsers (the devices beyond the cap end) and again from the
    # last one (its device kept); a session that idled out is met by the passkeys function; a staff revoke
    # removes the passkeys in its write.
    passkey_token = cdn.signed_in("passkeys@example.lt", filled=True)
    soft = SoftAuthenticator(origin=ORIGIN, rp_id=urlsplit(ORIGIN).hostname or "")
    as_owner = {"Authorization": f"Bearer {passkey_token}"}
    added = []
    for _ in range(2):
        options = cdn.post("/passkeys/registration/options", {}, headers=as_owner).json
        created = cdn.post("/passkeys", {"credential": soft.create(options)}, headers=as_owner)
        assert created.status == 201
        added.append(created.json)
    # The list's order is not the order they were added in (the by_user index has no sort key): the one removed
    # must be the second added, since the sign-ins below use the authenticator's first.
    listed = cdn.as_person(passkey_token, "GET", "/passkeys").json["passkeys"]
    assert {entry["id"] for entry in listed} == {entry["id"] for entry in added}
    first, second = added
    assert cdn.as_person(passkey_token, "PATCH", f"/passkeys/{first['id']}", {"name": "Telefonas"}).status == 200
    assert cdn.as_person(passkey_token, "DELETE", f"/passkeys/{second['id']}").status == 204

    def passkey_sign_in(cookie: str = "") -> Answer:
        options = cdn.post("/login/passkey/options", {})
        nonce = f"__Host-passkey={options.cookie_value('__Host-passkey')}"
        credential = soft.get(options.json, soft.passkeys[0])
        return cdn.post("/login/passkey", {"credential": credential}, headers={"Cookie": f"{nonce}; {cookie}"})

    for _ in range(11):
        signed = passkey_sign_in()
        assert signed.status == 200, signed.raw
    assert passkey_sign_in(f"__Host-device={signed.cookie_value('__Host-device')}").status == 200
    clock.advance(1800)
    assert cdn.as_person(passkey_token, "GET", "/passkeys").status == 401
    revoke_passkeys = {"reason": "phone stolen", "passkeys": True}
    revoked = client.as_staff(
        "POST", f"/staff/users/{signed.json['profile']['user_id']}/sessions/revoke", revoke_passkeys
    )
    assert revoked.status == 200, revoked.raw
    # "Not me" from the mail that told of a new passkey: the token read and spent, the passkey removed.
    clock.advance(61)
    again = {"Authorization": f"Bearer {cdn.signed_in('passkeys@example.lt')}"}
    options = cdn.post("/passkeys/registration/options", {}, headers=again).json
    assert cdn.post("/passkeys", {"credential": soft.create(options)}, headers=again).status == 201
    mailed = [mail["text"] for mail in stack.aws.mails_to("passkeys@example.lt") if "/#/not-me?t=" in mail["text"]]
    reported = client.post("/activity/not-me", {"token": mailed[-1].split("/#/not-me?t=")[1].split()[0]})
    assert reported.status == 200, reported.raw

    # A link: an e-mail person links an eIDAS identity; a link started by a session that has idled out.
    linker = cdn.signed_in(LINKING_ADDRESS, filled=True)
    browser = ViispBrowser(client)
    assert browser.link(linker, EIDAS_PERSON).status == 303
    linker_id = client.as_staff("POST", "/staff/users/search", {"email": LINKING_ADDRESS}).json["users"][0]["user_id"]
    clock.advance(61)
    idle = cdn.signed_in(LINKING_ADDRESS)
    clock.advance(1800)
    assert browser.ask_link(idle).status == 401

    # Staff: find by address, personal code and eIDAS identifier, change a name, end the person's sessions, read
    # the audit.
    found = client.as_staff("POST", "/staff/users/search", {"email": NEW_ADDRESS}).json["users"]
    user_id = found[0]["user_id"]
    assert client.as_staff("POST", "/staff/users/search", {"personal_code": "33309240064"}).status == 200
    by_eidas = {"eidas_id": EIDAS_PERSON["eidas_eid"]}
    assert client.as_staff("POST", "/staff/users/search", by_eidas).json["users"][0]["level"] == 3
    change = {"given_name": "Rūta", "reason": "passport"}
    assert client.as_staff("PATCH", f"/staff/users/{user_id}", change).status == 200
    signed_in_again = cdn.signed_in(NEW_ADDRESS)  # a session for the revoke to count (and end)
    revoke = {"reason": "phone stolen"}
    assert client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", revoke).json == {"ended": 1}
    assert cdn.as_person(signed_in_again, "GET", "/profile").status == 401
    assert client.as_staff("GET", f"/staff/users/{user_id}/audit").status == 200
    # And take the link off again.
    unlinked = client.as_staff("POST", f"/staff/users/{linker_id}/identity/unlink", {"reason": "not their link"})
    assert unlinked.status == 200, unlinked.raw

    # Mail: SES throttles a code mail (its claim released, the mail tried again and sent), and a code whose mail
    # waited past its expiry is buried with its code burned and its send given back.
    stack.aws.ses_throttle_every = 1
    assert cdn.start("throttled@example.lt").status == 202
    stack.aws.ses_throttle_every = 0
    assert cdn.last_code("throttled@example.lt")
    with stack.mail.held():
        assert cdn.start("late@example.lt").status == 202
        clock.advance(3600)
    assert stack.aws.mails_to("late@example.lt") == []

    # The person's export and erasure: a person with a passkey downloads their data and erases the account (its
    # session touched a minute on, its sessions, devices and passkey deleted, the address released), a VIISP
    # person erases theirs (the identity released), the ended session is met by the erase function, and the
    # erasure queue's message (no delay here) is read and finds nothing left to do.
    from migris.domain import erasure

    delay, erasure.ERASURE_RETRY_DELAY_SECONDS = erasure.ERASURE_RETRY_DELAY_SECONDS, 0
    try:
        leaving = cdn.signed_in("leaving@example.lt", filled=True)
        as_leaving = {"Authorization": f"Bearer {leaving}"}
        options = cdn.post("/passkeys/registration/options", {}, headers=as_leaving).json
        assert cdn.post("/passkeys", {"credential": soft.create(options)}, headers=as_leaving).status == 201
        assert cdn.as_person(leaving, "GET", "/profile/export").status == 200
        clock.advance(61)
        assert cdn.as_person(leaving, "DELETE", "/profile", {}).status == 204
        assert cdn.as_person(leaving, "DELETE", "/profile", {}).status == 401
        viisp_leaving = ViispBrowser(client).sign_in()
        assert cdn.as_person(viisp_leaving, "DELETE", "/profile", {}).status == 204
        assert stack.aws.mails_to("leaving@example.lt")  # the notice; reading the outbox drains the queues
    finally:
        erasure.ERASURE_RETRY_DELAY_SECONDS = delay

    # Recovery of a lost mailbox: staff start one for a level 2 account with a passkey and a known device, the new
    # address confirms it and the scheduled function completes it after the hold; the old address's link cancels
    # another, staff cancel a third, and a fourth lapses unconfirmed.
    walk_recoveries(stack, clock, client, soft)


def _recovery_link(stack, address: str, screen: str) -> str:
    marker = f"/#/{screen}?t="
    mailed = [mail["text"] for mail in stack.aws.mails_to(address) if marker in mail["text"]]
    return mailed[-1].split(marker)[1].split()[0]


def _recovering(client: Client, address: str, new: str) -> tuple[str, str]:
    clock_free = client.signed_in(address, filled=True)
    user_id = client.as_person(clock_free, "GET", "/profile").json["user_id"]
    assert client.as_staff("PATCH", f"/staff/users/{user_id}", {"level": 2, "reason": "passport"}).status == 200
    started = client.as_staff("POST", f"/staff/users/{user_id}/email", {"email": new, "reason": "lost mailbox"})
    assert started.status == 202, started.raw
    return user_id, clock_free


def walk_recoveries(stack, clock, client: Client, soft: SoftAuthenticator) -> None:
    clock.advance(61)
    user_id, token = _recovering(client, "lost@example.lt", "found@example.lt")
    as_owner = {"Authorization": f"Bearer {token}"}
    options = client.post("/passkeys/registration/options", {}, headers=as_owner).json
    assert client.post("/passkeys", {"credential": soft.create(options)}, headers=as_owner).status == 201
    confirm = _recovery_link(stack, "found@example.lt", "confirm-recovery")
    assert client.post("/recovery/confirm", {"token": confirm}).status == 200
    cancelled_by_link, _ = _recovering(client, "second@example.lt", "second.new@example.lt")
    cancel = _recovery_link(stack, "second@example.lt", "cancel-recovery")
    assert client.post("/recovery/cancel", {"token": cancel}).status == 200
    by_staff, _ = _recovering(client, "third@example.lt", "third.new@example.lt")
    assert client.as_staff("POST", f"/staff/users/{by_staff}/email/cancel", {"reason": "asked"}).status == 200
    _recovering(client, "fourth@example.lt", "fourth.new@example.lt")
    clock.advance(int(stack.template.parameters["RecoveryHoldSeconds"]))
    assert stack.run_schedules()["CompleteRecoveriesFunction"] == {"completed": 1}
    clock.advance(7 * 86400)
    assert stack.run_schedules()["CompleteRecoveriesFunction"] == {"completed": 0}  # the fourth lapsed
    (found,) = client.as_staff("POST", "/staff/users/search", {"email": "found@example.lt"}).json["users"]
    assert found["user_id"] == user_id
    del cancelled_by_link
