"""How long `POST /login/email` takes when SES answers late (issue 19): the request queues the mail and answers,
so SES's delay must not reach the person's wait. Against `python -m devserver --ses-delay-ms N` on a free
loopback port, one keep-alive connection, distinct addresses one after another (bounded in count and time);
the mails are checked to have gone out all the same.

    python -m bench.mail_latency [--requests N] [--ses-delay-ms MS]"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import devserver_running

HOST = "127.0.0.1"
REQUESTS = 60
SES_DELAY_MS = 200
WARM_UP = 5
MAIL_WAIT_SECONDS = 60
OVERRIDES = ["ResendCooldownSeconds=0", "MailSendRate=100"]


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float
    requests: int
    mailed: int


def _post(connection: http.client.HTTPConnection, address: str) -> int:
    body = json.dumps({"email": address})
    connection.request("POST", "/login/email", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status


def _mailed(connection: http.client.HTTPConnection, addresses: set[str]) -> int:
    connection.request("GET", "/_local/outbox")
    response = connection.getresponse()
    mails = json.loads(response.read())
    return len({mail["to"] for mail in mails} & addresses)


def measure(requests: int = REQUESTS, ses_delay_ms: int = SES_DELAY_MS) -> Latency:
    run = uuid.uuid4().hex[:8]
    arguments = ["--ses-delay-ms", str(ses_delay_ms), "--parameter-overrides", *OVERRIDES]
    with (
        tempfile.TemporaryDirectory(prefix="migris-mail-latency-") as folder,
        devserver_running(Path(folder), arguments) as (port, _),
    ):
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            for n in range(WARM_UP):  # every function's container warm, the pepper cached
                if _post(connection, f"warm.{run}.{n}@example.lt") != 202:
                    raise RuntimeError("the warm-up sign-in was refused")
            times: list[float] = []
            addresses = {f"latency.{run}.{n}@example.lt" for n in range(requests)}
            for address in sorted(addresses):
                began = time.perf_counter()
                status = _post(connection, address)
                times.append((time.perf_counter() - began) * 1000)
                if status != 202:
                    raise RuntimeError(f"POST /login/email answered {status}")
            deadline = time.monotonic() + MAIL_WAIT_SECONDS
            mailed = _mailed(connection, addresses)
            while mailed < requests and time.monotonic() < deadline:
                time.sleep(0.2)
                mailed = _mailed(connection, addresses)
        finally:
            connection.close()
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return Latency(p50_ms=cuts[49], p99_ms=cuts[98], requests=requests, mailed=mailed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mail_latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--ses-delay-ms", type=int, default=SES_DELAY_MS)
    args = parser.parse_args(argv)
    if not 2 <= args.requests <= 1000:
        parser.error("--requests must be 2 to 1000")
    result = measure(args.requests, args.ses_delay_ms)
    print(
        f"POST /login/email with SES {args.ses_delay_ms} ms late: p50 {result.p50_ms:.0f} ms, "
        f"p99 {result.p99_ms:.0f} ms over {result.requests} requests; {result.mailed} of them mailed"
    )
    return 0 if result.mailed == result.requests else 1


if __name__ == "__main__":
    sys.exit(main())
