"""The AWS requests each flow makes on a warm local stack, counted in process through the real handlers.

`aws_calls_per_flow(stack)` drives the routes with tests.helpers' Client (API Gateway events through the
handlers, moto behind them) and records every API call the handlers' boto3 clients make: one entry per call
(retries are not counted again), as `service:Operation`. "Warm" means one full sign-in, first fill, profile
read, e-mail change, VIISP sign-in and staff search ran first, so each function has read what it caches (the
pepper, VIISP's settings and key) as a container that has served before (the local stack keeps one set of
caches per function, as Lambda does).

Every flow is measured with the stack's clock moved on by a minute and a second first, so nothing is fresh
enough to be skipped (a session's idle clock, say): the counts are each flow's worst warm case. The stack
therefore needs a movable clock (tests' FakeClock, or bench.run's).

The hook is `before-parameter-build`: a hook on `before-call` that answers in place of AWS (as tests may
register, to make a service fail) ends that event's chain, and a `before-call` recorder would miss a request
that AWS does receive."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

# First: it puts the template's Powertools settings into the environment before migris loads (as Lambda does).
from tests.helpers import FIRST_FILL, FORM, Answer, Client, ViispBrowser

if TYPE_CHECKING:
    from devserver.server import LocalStack

# The flows, in the order they run and are shown.
START = "POST /login/email"
VERIFY_FIRST = "POST /login/email/verify (first sign-in)"
VERIFY_RETURNING = "POST /login/email/verify (returning person)"
GET_PROFILE = "GET /profile"
PUT_PROFILE = "PUT /profile"
PATCH_PHONE = "PATCH /profile (phone)"
PATCH_EMAIL = "PATCH /profile (email)"
CONFIRM_EMAIL = "POST /profile/email/verify"
VIISP_START = "GET /login/viisp"
VIISP_CALLBACK = "POST /login/viisp/callback"
LIST_SESSIONS = "GET /sessions"
END_SESSION = "DELETE /sessions/{id}"
LINK_START = "POST /login/viisp/link"
LINK_CALLBACK = "POST /login/viisp/callback (link)"
STAFF_SEARCH = "POST /staff/users/search"
STAFF_CHANGE = "PATCH /staff/users/{id}"
STAFF_AUDIT = "GET /staff/users/{id}/audit"
STAFF_REVOKE = "POST /staff/users/{id}/sessions/revoke"
STAFF_UNLINK = "POST /staff/users/{id}/identity/unlink"
FLOWS = (
    START,
    VERIFY_FIRST,
    VERIFY_RETURNING,
    GET_PROFILE,
    PUT_PROFILE,
    PATCH_PHONE,
    PATCH_EMAIL,
    CONFIRM_EMAIL,
    LIST_SESSIONS,
    END_SESSION,
    VIISP_START,
    VIISP_CALLBACK,
    LINK_START,
    LINK_CALLBACK,
    STAFF_SEARCH,
    STAFF_CHANGE,
    STAFF_AUDIT,
    STAFF_REVOKE,
    STAFF_UNLINK,
)

# Issue 11's budgets: AWS requests per flow (all services: DynamoDB, SQS, Secrets Manager, SSM), and no Scan. A
# flow's mail is queued (sqs:SendMessage) and counted there; the mail function's sending is not the request's.
BUDGETS: dict[str, int] = {
    START: 2,
    VERIFY_FIRST: 3,
    # A returning person on a browser that is not a known device yet: the new device lists the account's devices
    # (a Query and a BatchGetItem) to end the least recently used beyond MaxDevicesPerAccount, and the account's
    # address is told of the sign-in (the day's notice count, the "not me" link's token, the queued mail).
    VERIFY_RETURNING: 8,
    GET_PROFILE: 2,
    PUT_PROFILE: 3,
}
SCAN = "dynamodb:Scan"

STEP_SECONDS = 61  # between flows: past the one-minute window within which a session's idle clock may stand
# The services the handlers use; their clients get the recorder (a client copies its session's hooks only when
# it is made, so the ones already made are hooked one by one).
SERVICES = ("dynamodb", "ses", "secretsmanager", "ssm", "sqs")
HOOK = "before-parameter-build"
HOOK_ID = "bench-aws-calls-per-flow"


class UnexpectedAnswer(AssertionError):
    """A route did not answer as a successful flow does: its count would be of an error path."""


def scans(calls: dict[str, list[str]]) -> dict[str, int]:
    """The flows that made a Scan, and how many."""
    return {flow: made.count(SCAN) for flow, made in calls.items() if SCAN in made}


class _Recorder:
    def __init__(self, stack: LocalStack) -> None:
        self.calls: list[str] = []
        self._emitters: list[Any] = []
        self._stack = stack

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls.append(f"{model.service_model.service_name}:{model.name}")

    def attach(self, session: Any) -> None:
        emitters = [session.events]  # clients made from now on
        emitters += [session.client(service).meta.events for service in SERVICES]
        # And every client the functions made already, those with a Config of their own too (devserver.local_aws
        # keeps one per service and settings).
        emitters += [client.meta.events for client in session.kept_clients()]
        for events in emitters:
            events.register(HOOK, self, unique_id=HOOK_ID)
        self._emitters = emitters

    def detach(self) -> None:
        for events in self._emitters:
            events.unregister(HOOK, unique_id=HOOK_ID)
        self._emitters = []

    @contextmanager
    def flow(self, into: dict[str, list[str]], name: str) -> Iterator[None]:
        """The requests of the route's own function: the mail it queues is sent after (by the mail function)."""
        self.calls = []
        with self._stack.mail.held():
            yield
        into[name] = list(self.calls)


def _expect(answer: Answer, status: int, what: str) -> Answer:
    if answer.status != status:
        raise UnexpectedAnswer(f"{what}: {answer.status} (expected {status}): {answer.raw[:300]!r}")
    return answer


def _mailed_code(client: Client, address: str) -> str:
    mails = client.stack.aws.mails_to(address)
    if not mails:
        raise UnexpectedAnswer(f"no mail to {address}")
    match = re.search(r"\b(\d{4,})\b", mails[-1]["text"])
    if not match:
        raise UnexpectedAnswer(f"no code in the mail to {address}")
    return match.group(1)


def _sign_in(client: Client, address: str) -> str:
    login_id = _expect(client.start(address), 202, "start").json["login_id"]
    body = {"email": address, "login_id": login_id, "code": _mailed_code(client, address)}
    return str(_expect(client.post("/login/email/verify", body), 200, "verify").json["token"])


def _viisp_post_back(client: Client, fields: dict[str, str], nonce: str) -> Answer:
    """VIISP's page posting the ticket back, from the stack's own origin (the stand-in's portal is there)."""
    headers = {**FORM, "Origin": client.stack.origin, "Cookie": f"__Host-viisp={nonce}"}
    return client.request("POST", "/login/viisp/callback", body=urlencode(fields), headers=headers)


def aws_calls_per_flow(stack: LocalStack) -> dict[str, list[str]]:
    """Every AWS request of each flow in FLOWS, as `service:Operation` in the order made, on a warm stack (see
    the module's docstring). Raises UnexpectedAnswer if a route does not answer as the flow expects."""
    advance = getattr(stack.clock, "advance", None)
    if advance is None:
        raise ValueError("aws_calls_per_flow needs a stack with a movable clock (one with advance(seconds))")
    client = Client(stack)
    browser = ViispBrowser(client)
    run = uuid.uuid4().hex[:8]

    def address(name: str) -> str:
        return f"{name}.{run}@example.lt"

    # Warm: every function has served, and each has cached the pepper, VIISP's settings and key it reads.
    warm = _sign_in(client, address("warm"))
    _expect(client.as_person(warm, "PUT", "/profile", FIRST_FILL), 200, "warm-up first fill")
    _expect(client.as_person(warm, "GET", "/profile"), 200, "warm-up profile")
    _expect(client.as_person(warm, "PATCH", "/profile", {"email": address("warm-new")}), 200, "warm-up change")
    _, ticket, nonce, _ = browser.start()
    _, fields = browser.authenticate(ticket)
    _expect(_viisp_post_back(client, fields, nonce), 303, "warm-up VIISP sign-in")
    _expect(client.as_staff("POST", "/staff/users/search", {"email": address("warm")}), 200, "warm-up staff")

    from devserver.local_aws import _function_session  # the session the handlers' clients come from

    recorder = _Recorder(stack)
    recorder.attach(_function_session(stack.aws.region))
    calls: dict[str, list[str]] = {}
    try:
        ona, new_address = address("ona"), address("ona.new")
        advance(STEP_SECONDS)
        with recorder.flow(calls, START):
            login_id = _expect(client.start(ona), 202, START).json["login_id"]
        code = _mailed_code(client, ona)
        advance(STEP_SECONDS)
        with recorder.flow(calls, VERIFY_FIRST):
            answer = client.post("/login/email/verify", {"email": ona, "login_id": login_id, "code": code})
        token = str(_expect(answer, 200, VERIFY_FIRST).json["token"])

        advance(STEP_SECONDS)
        with recorder.flow(calls, GET_PROFILE):
            _expect(client.as_person(token, "GET", "/profile"), 200, GET_PROFILE)
        advance(STEP_SECONDS)
        with recorder.flow(calls, PUT_PROFILE):
            answer = _expect(client.as_person(token, "PUT", "/profile", FIRST_FILL), 200, PUT_PROFILE)
        user_id = str(answer.json["user_id"])
        advance(STEP_SECONDS)
        with recorder.flow(calls, PATCH_PHONE):
            _expect(client.as_person(token, "PATCH", "/profile", {"phone_number": "+370 699 99999"}), 200, PATCH_PHONE)

        # The same person again, from another network address (the first one's cooldown would answer 429).
        client.source_ip = "198.51.100.8"
        advance(STEP_SECONDS)
        login_id = _expect(client.start(ona), 202, "start (returning person)").json["login_id"]
        code = _mailed_code(client, ona)
        advance(STEP_SECONDS)
        with recorder.flow(calls, VERIFY_RETURNING):
            answer = client.post("/login/email/verify", {"email": ona, "login_id": login_id, "code": code})
        token = str(_expect(answer, 200, VERIFY_RETURNING).json["token"])

        advance(STEP_SECONDS)
        with recorder.flow(calls, PATCH_EMAIL):
            _expect(client.as_person(token, "PATCH", "/profile", {"email": new_address}), 200, PATCH_EMAIL)
        code = _mailed_code(client, new_address)
        advance(STEP_SECONDS)
        with recorder.flow(calls, CONFIRM_EMAIL):
            _expect(client.as_person(token, "POST", "/profile/email/verify", {"code": code}), 200, CONFIRM_EMAIL)

        # The person's sessions: a second one opened elsewhere, listed, and ended from this one.
        client.source_ip = "198.51.100.9"
        other = _sign_in(client, new_address)
        advance(STEP_SECONDS)
        with recorder.flow(calls, LIST_SESSIONS):
            listed = _expect(client.as_person(token, "GET", "/sessions"), 200, LIST_SESSIONS).json["sessions"]
        other_id = next(entry["id"] for entry in listed if not entry["current"])
        advance(STEP_SECONDS)
        with recorder.flow(calls, END_SESSION):
            _expect(client.as_person(token, "DELETE", f"/sessions/{other_id}"), 204, END_SESSION)
        _expect(client.as_person(other, "GET", "/profile"), 401, "the ended session")

        advance(STEP_SECONDS)
        with recorder.flow(calls, VIISP_START):
            _, ticket, nonce, _ = browser.start()  # 302 to the portal with the ticket and the browser's cookie
        _, fields = browser.authenticate(ticket)
        advance(STEP_SECONDS)
        with recorder.flow(calls, VIISP_CALLBACK):
            _expect(_viisp_post_back(client, fields, nonce), 303, VIISP_CALLBACK)

        # The e-mail person links VIISP (another person than the sign-in above: that identity has its account).
        advance(STEP_SECONDS)
        with recorder.flow(calls, LINK_START):
            _, ticket, nonce, _ = browser.start_link(token)  # the portal address, and the browser's cookie
        _, fields = browser.authenticate(ticket, ("48504140959", "Ona", "Žemaitytė"))
        advance(STEP_SECONDS)
        with recorder.flow(calls, LINK_CALLBACK):
            _expect(_viisp_post_back(client, fields, nonce), 303, LINK_CALLBACK)

        advance(STEP_SECONDS)
        with recorder.flow(calls, STAFF_SEARCH):
            _expect(client.as_staff("POST", "/staff/users/search", {"email": new_address}), 200, STAFF_SEARCH)
        advance(STEP_SECONDS)
        change = {"given_name": "Ona Marija", "reason": "Passport checked at the desk"}
        with recorder.flow(calls, STAFF_CHANGE):
            _expect(client.as_staff("PATCH", f"/staff/users/{user_id}", change), 200, STAFF_CHANGE)
        advance(STEP_SECONDS)
        with recorder.flow(calls, STAFF_AUDIT):
            _expect(client.as_staff("GET", f"/staff/users/{user_id}/audit"), 200, STAFF_AUDIT)
        advance(STEP_SECONDS)
        revoke = {"reason": "Phone reported stolen"}
        with recorder.flow(calls, STAFF_REVOKE):
            _expect(client.as_staff("POST", f"/staff/users/{user_id}/sessions/revoke", revoke), 200, STAFF_REVOKE)
        advance(STEP_SECONDS)
        unlink = {"reason": "The person did not make this link"}
        with recorder.flow(calls, STAFF_UNLINK):
            _expect(client.as_staff("POST", f"/staff/users/{user_id}/identity/unlink", unlink), 200, STAFF_UNLINK)
    finally:
        recorder.detach()
    return {flow: calls[flow] for flow in FLOWS}
