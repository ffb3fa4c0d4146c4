"""`make load`: 200 simultaneous e-mail sign-ins against the local stack (`python -m devserver` on a free
loopback port), bounded in count and time.

Each person is a thread with its own keep-alive connection, released together by a barrier: POST /login/email,
the code from the mail (GET /_local/outbox, read for everyone by one poller thread, so the harness's reading
stays small beside the load), POST /login/email/verify, GET /profile with the token. Checked: every step
answered as it should, no errors; every person got one token, no two the same, and the profile it opens is
the person's own (its e-mail, a user id nobody else has); a second verify with the same code opens no second
session (401). Printed: sign-ins per second (verified sign-ins over the time from the barrier to the last
verify) and p50/p95/p99 latency per step.

SES throttles every second send (`--ses-throttle-every 2`, as a wave over the account's rate would; issue 19):
every mail must still arrive, once. After signing in, each person asks twice more: with two codes an hour per
address and network address, the first is answered 202 and the second 429, so a send charged twice (the
throttled try counted as well as the one that went) would show as a 429 on the first. At the end every address
has exactly two mails.

Loopback only. The stack runs with no resend cooldown and a raised daily limit (200 distinct addresses stay
clear of the limits anyway).

    python -m bench.load [--people N] [--seconds S]"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import devserver_running, local_template

HOST = "127.0.0.1"
PEOPLE = 200
SECONDS = 120  # the whole crowd; every socket operation times out well within it
# Two codes an hour per address and network: the charge check below asks for exactly one more than the first.
OVERRIDES = ["ResendCooldownSeconds=0", "MaxCodesPerHour=2", "MaxCodesPerDay=100"]
SES_THROTTLE_EVERY = 2
STEPS = ("start", "verify", "profile", "again")
# start, verify, the two asks after, and the second verify: all to /login/*
LOGIN_REQUESTS_PER_PERSON = 5
CODE = re.compile(r"\b(\d{8})\b")
POLL_SECONDS = 0.2
MAIL_WAIT_SECONDS = 30  # for the last throttled mails, after the crowd is through


@dataclass
class Person:
    email: str
    latency: dict[str, float] = field(default_factory=dict)  # step -> ms
    login_id: str | None = None
    code: str | None = None
    token: str | None = None
    user_id: str | None = None
    profile_email: str | None = None
    verified_at: float | None = None
    error: str | None = None


class Failed(Exception):
    """A step did not answer as it should."""


def _call(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = connection.getresponse()
    raw = response.read()
    return response.status, json.loads(raw) if raw else None


class Mailbox:
    """One thread reads the outbox and hands each waiting person the code mailed to them."""

    def __init__(self, port: int, deadline: float) -> None:
        self.port = port
        self.deadline = deadline
        self.codes: dict[str, str] = {}
        self.arrived = threading.Condition()
        self.stopped = False
        self.reads = 0
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            while not self.stopped and time.monotonic() < self.deadline:
                try:
                    status, mails = _call(connection, "GET", "/_local/outbox")
                except (OSError, http.client.HTTPException):
                    connection.close()  # reconnects on the next request
                    time.sleep(POLL_SECONDS)
                    continue
                self.reads += 1
                if status == 200:
                    found = {}
                    for mail in mails:
                        match = CODE.search(mail["text"])
                        if match:
                            found[mail["to"]] = match.group(1)  # the newest mail to an address wins
                    with self.arrived:
                        self.codes.update(found)
                        self.arrived.notify_all()
                time.sleep(POLL_SECONDS)
        finally:
            connection.close()

    def code_for(self, address: str) -> str:
        with self.arrived:
            while address not in self.codes:
                left = self.deadline - time.monotonic()
                if left <= 0 or self.stopped:
                    raise Failed(f"no mail to {address}")
                self.arrived.wait(timeout=min(left, 1.0))
            return self.codes[address]


def _sign_in(port: int, person: Person, barrier: threading.Barrier, mailbox: Mailbox) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        barrier.wait(timeout=60)  # the connection is made by the first request, right after the barrier

        began = time.perf_counter()
        status, body = _call(connection, "POST", "/login/email", {"email": person.email})
        person.latency["start"] = (time.perf_counter() - began) * 1000
        if status != 202:
            raise Failed(f"start answered {status}: {body}")
        person.login_id = str(body["login_id"])

        person.code = mailbox.code_for(person.email)
        # The wait for a mail can outlast the server's keep-alive (a wave waits in the queue): a new connection,
        # as a phone that waited would make.
        connection.close()
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        began = time.perf_counter()
        verify = {"email": person.email, "login_id": person.login_id, "code": person.code}
        status, body = _call(connection, "POST", "/login/email/verify", verify)
        person.latency["verify"] = (time.perf_counter() - began) * 1000
        if status != 200:
            raise Failed(f"verify answered {status}: {body}")
        person.verified_at = time.perf_counter()
        person.token = str(body["token"])

        began = time.perf_counter()
        status, body = _call(connection, "GET", "/profile", token=person.token)
        person.latency["profile"] = (time.perf_counter() - began) * 1000
        if status != 200:
            raise Failed(f"profile answered {status}: {body}")
        person.user_id, person.profile_email = str(body["user_id"]), str(body["email"])

        # Charged once: the first send (however often SES throttled it) left one of the hour's two codes.
        began = time.perf_counter()
        status, body = _call(connection, "POST", "/login/email", {"email": person.email})
        person.latency["again"] = (time.perf_counter() - began) * 1000
        if status != 202:
            raise Failed(f"the second code was refused ({status}: {body}): the first send was charged twice")
        status, body = _call(connection, "POST", "/login/email", {"email": person.email})
        if status != 429:
            raise Failed(f"a third code within the hour answered {status}: the sends are not counted")
    except Exception as error:
        person.error = f"{type(error).__name__}: {error}"
    finally:
        connection.close()


def _mails_per_address(port: int, addresses: set[str], expected: int, deadline: float) -> dict[str, int]:
    """How many mails reached each of the addresses, read again (a throttled mail comes back a second later)
    until each has `expected` or the deadline passed; then once more, so that a mail sent twice would show."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        while True:
            _, mails = _call(connection, "GET", "/_local/outbox")
            counts = dict.fromkeys(addresses, 0)
            for mail in mails:
                if mail["to"] in counts:
                    counts[mail["to"]] += 1
            if min(counts.values()) >= expected or time.monotonic() > deadline:
                return counts
            time.sleep(POLL_SECONDS)
    finally:
        connection.close()


def _replay(port: int, person: Person) -> str | None:
    """The same code once more: it must open no second session. A problem, or None."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        verify = {"email": person.email, "login_id": person.login_id, "code": person.code}
        status, body = _call(connection, "POST", "/login/email/verify", verify)
    finally:
        connection.close()
    if status == 401:
        return None
    return f"{person.email}: the same code again answered {status}: {body}"


def _percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {cuts[49]:.0f} / p95 {cuts[94]:.0f} / p99 {cuts[98]:.0f} ms"


def edge_override(people: int) -> str:
    """The edge's rate rule sees the whole crowd as one network address, as a reception centre behind one NAT:
    the template's default holds the default crowd; a bigger --people raises the limit rather than trip it."""
    default = int(local_template().parameters["LoginEdgeRequests"])
    return f"LoginEdgeRequests={max(default, LOGIN_REQUESTS_PER_PERSON * people)}"


def run(people: int, seconds: float, throttle_every: int = SES_THROTTLE_EVERY) -> int:
    run_id = uuid.uuid4().hex[:8]
    crowd = [Person(f"load.{run_id}.{i}@example.lt") for i in range(people)]
    overrides = ["--ses-throttle-every", str(throttle_every), "--parameter-overrides", *OVERRIDES]
    overrides.append(edge_override(people))
    with (
        tempfile.TemporaryDirectory(prefix="migris-load-") as folder,
        devserver_running(Path(folder), overrides) as (port, _),
    ):
        deadline = time.monotonic() + seconds
        mailbox = Mailbox(port, deadline)
        barrier = threading.Barrier(people + 1)
        threads = [
            threading.Thread(target=_sign_in, args=(port, person, barrier, mailbox), daemon=True) for person in crowd
        ]
        for thread in threads:
            thread.start()
        mailbox.thread.start()
        barrier.wait(timeout=60)
        released = time.perf_counter()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        mailbox.stopped = True
        unfinished = sum(thread.is_alive() for thread in threads)

        signed_in = [person for person in crowd if person.error is None and person.user_id]
        with ThreadPoolExecutor(max_workers=8) as pool:
            replays = [problem for problem in pool.map(lambda p: _replay(port, p), signed_in) if problem]
        mailed = _mails_per_address(port, {person.email for person in crowd}, 2, time.monotonic() + MAIL_WAIT_SECONDS)

    problems = [f"{person.email}: {person.error}" for person in crowd if person.error]
    if unfinished:
        problems.append(f"{unfinished} sign-ins did not finish within {seconds:.0f} s")
    tokens = [person.token for person in signed_in]
    if len(set(tokens)) != len(tokens):
        problems.append("two people got the same session token")
    user_ids = [person.user_id for person in signed_in]
    if len(set(user_ids)) != len(user_ids):
        problems.append("two people opened the same account")
    problems += [
        f"{person.email}: GET /profile showed {person.profile_email}"
        for person in signed_in
        if person.profile_email != person.email
    ]
    problems += replays
    problems += [f"{address}: {count} mails, not 2" for address, count in sorted(mailed.items()) if count != 2]

    last_verify = max((person.verified_at for person in signed_in if person.verified_at), default=released)
    verified = sum(person.verified_at is not None for person in crowd)
    rate = verified / (last_verify - released) if last_verify > released else 0.0
    steps = "; ".join(f"{step} {_percentiles([p.latency[step] for p in crowd if step in p.latency])}" for step in STEPS)
    own = sum(person.profile_email == person.email for person in signed_in)
    print(
        f"make load: {len(signed_in)} of {people} signed in, {len(set(tokens))} distinct sessions, "
        f"{own} saw their own profile, {len(problems)} errors; {rate:.1f} sign-ins/s "
        f"({verified} verified in {last_verify - released:.1f} s); {steps} "
        f"(outbox read {mailbox.reads} times by the harness); SES throttled every {throttle_every}. send; "
        f"{sum(count == 2 for count in mailed.values())} of {people} addresses got exactly their 2 mails"
    )
    for problem in problems[:20]:
        print(f"  {problem}", file=sys.stderr)
    return 1 if problems or len(signed_in) != people else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=PEOPLE, help=f"simultaneous sign-ins (default {PEOPLE})")
    parser.add_argument("--seconds", type=float, default=SECONDS, help=f"time limit (default {SECONDS})")
    parser.add_argument(
        "--ses-throttle-every",
        type=int,
        default=SES_THROTTLE_EVERY,
        help=f"local SES throttles every Nth send (default {SES_THROTTLE_EVERY}; 0: never)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.people <= 1000:
        parser.error("--people must be 1 to 1000")
    return run(args.people, args.seconds, args.ses_throttle_every)


if __name__ == "__main__":
    sys.exit(main())
