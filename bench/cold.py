"""Cold starts, honestly: each function's first request in a fresh process, every AWS call over loopback HTTP.

The parent (this module) runs the local stack in process (devserver.server.LocalStack on moto, tables, secrets
and parameters made from template.yaml, the VIISP stand-in served over HTTP) and a moto server
(`moto.server.ThreadedMotoServer`) on 127.0.0.1 in the same process, so the server answers from the same moto
state: what the parent seeds through the real handlers (a code to verify, a session, a VIISP ticket), the
children find over HTTP.

A sample is a pair of fresh interpreters (bench/cold_child.py), started one after the other:
- the function's: the environment a Lambda container gets (the function's variables from template.yaml, the
  Lambda runtime's own, X-Ray's with a sampled trace id as under active tracing, credentials,
  AWS_REGION and AWS_ENDPOINT_URL at the moto server); it imports the handler and serves its sample event
  (events/*.json, with the values that must be live filled in: a fresh address, a code, a token, a ticket),
  on the packages the layer ships: the same versions, botocore's data cut as the layer's (sdk_trim);
- the bare one: the same environment; it imports boto3, makes a DynamoDB client and does one GetItem, on the
  stock SDK, as a function without our layer gets it from the runtime (so does the reference handler).
Each child times itself from its very first line to the answer (time.perf_counter) and reports its peak RSS;
the parent also times it from spawn to exit (wall, which adds the interpreter's own start). The ratio of a
pair is function time / bare time, both from inside; the order within a pair alternates from run to run."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

from sdk_trim import copy_trimmed_botocore

from bench.dns_standin import DnsStandIn
from devserver.template import ROOT, Template

BENCH = Path(__file__).resolve().parent
CHILD = BENCH / "cold_child.py"
EVENTS = ROOT / "events"
LAYER = ROOT / "layers" / "common"
REGION = "eu-north-1"
LOOPBACK = "127.0.0.1"


# Issue 11's budget: a function's first request at most 1.8x the bare client's.
RATIO_BUDGET = 1.8
# The VIISP callback's own (issue 24, item 9): it checks VIISP's XML signature with signxml, lxml and cryptography
# (no home-made XML-DSig), whose imports alone cost about 0.22x of the bare time (docs/performance.md).
VIISP_RATIO_BUDGET = 2.0


@dataclass(frozen=True)
class Subject:
    """What one cold start serves: a function of template.yaml (or the reference handler) and its event."""

    name: str
    event: str  # a file in events/
    status: int  # the answer a successful first request gets
    function: str | None = None  # the template's logical id; None for the reference handler
    budget: float = RATIO_BUDGET  # its first request / the bare client's, at most


SUBJECTS = (
    Subject("StartLogin", "start_login.json", 202, "StartLoginFunction"),
    Subject("VerifyCode", "verify_code.json", 200, "VerifyCodeFunction"),
    Subject("SaveProfile", "get_profile.json", 200, "SaveProfileFunction"),
    Subject("FirstFill", "fill_in_profile.json", 200, "FirstFillFunction"),
    Subject("Staff", "staff_search.json", 200, "StaffFunction"),
    # On the real signature path: the stand-in signs the ticket's answer, the function verifies it (viisp.md).
    Subject("ViispCallback", "viisp_callback.json", 303, "ViispCallbackFunction", VIISP_RATIO_BUDGET),
    Subject("Passkeys", "passkey_sign_in_options.json", 200, "PasskeysFunction"),
    Subject("Reference", "start_login.json", 202),
)
REFERENCE = "Reference"


@dataclass
class Sample:
    ms: float  # inside the child, first line to answer
    wall_ms: float  # spawn to exit, seen from the parent
    rss_kb: int


@dataclass
class Pairs:
    """The paired samples of one subject."""

    handler: list[Sample] = field(default_factory=list)
    bare: list[Sample] = field(default_factory=list)

    def ratios(self) -> list[float]:
        return [h.ms / b.ms for h, b in zip(self.handler, self.bare, strict=True)]

    @staticmethod
    def median(samples: list[Sample], what: str) -> float:
        return float(statistics.median(getattr(sample, what) for sample in samples))


class ColdStartFailed(RuntimeError):
    """A child did not answer as a successful first request does: its time would be of an error path."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _link_layer_packages(folder: Path) -> Path:
    """A folder with only the packages the layer ships (layers/common/requirements.txt), linked from this
    environment's: a function's child imports from it in place of site-packages, which has the test tools too (an
    optional import such as ua_parser's of yaml would be paid here and not on Lambda)."""
    from importlib.metadata import distribution, packages_distributions

    def normal(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    lines = (LAYER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    shipped = {normal(line.split("==")[0]) for line in lines if line.strip() and not line.startswith("#")}
    folder.mkdir()
    for top, names in packages_distributions().items():
        if not shipped & {normal(name) for name in names}:
            continue
        spec = importlib.util.find_spec(top)
        if spec is None:
            continue
        where = Path(spec.submodule_search_locations[0]) if spec.submodule_search_locations else Path(str(spec.origin))
        (folder / where.name).symlink_to(where)
    for name in shipped:  # their metadata too: some read their own version through importlib.metadata
        metadata = Path(str(distribution(name)._path))  # type: ignore[attr-defined]
        (folder / metadata.name).symlink_to(metadata)
    return folder


def _set_header(event: dict[str, Any], name: str, value: str) -> None:
    event.setdefault("headers", {})[name] = value
    if event.get("multiValueHeaders") is not None:
        event["multiValueHeaders"][name] = [value]


class ColdBench:
    """The parent's side: the stack, the moto server, the seeding, and the children."""

    def __init__(self, runs: int, *, log_level: str | None = None) -> None:
        self.runs = runs
        self.port = _free_port()
        self.origin = f"http://{LOOPBACK}:{self.port}"
        self.template = Template.load({"WebOrigin": self.origin, "PublicApiUrl": self.origin})
        self.template.apply_process_environment()
        if log_level:  # of the functions run in this process (the seeding); the children log as the template says
            os.environ["POWERTOOLS_LOG_LEVEL"] = log_level
        # Imported only now: the loggers read their settings from the environment when they are made.
        from moto.server import ThreadedMotoServer

        from devserver.server import LocalStack, make_server
        from tests.helpers import Client, ViispBrowser

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the moto server's access log
        self.stack = LocalStack(self.template, self.origin, viisp_over_http=True)
        self.stack.start()
        self.http = make_server(self.stack, LOOPBACK, self.port)
        cast(Any, self.http.RequestHandlerClass).log_message = lambda *_: None  # no access log here
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.moto = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
        with contextlib.redirect_stdout(sys.stderr):  # it announces itself on standard output
            self.moto.start()
        self.endpoint = "http://{}:{}".format(*self.moto.get_host_and_port())
        # X-Ray's daemon address, as Lambda gives one (the functions carry no X-Ray SDK: nothing is sent here).
        self.xray = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.xray.bind((LOOPBACK, 0))
        # The name server the functions' address checks ask (on loopback: every domain takes mail).
        self.dns = DnsStandIn()
        self.client = Client(self.stack)
        self.browser = ViispBrowser(self.client)
        self.folder = Path(tempfile.mkdtemp(prefix="migris-bench-"))
        # The layer's AWS SDK: this boto3's botocore (the version the layer pins), its data cut as the layer's is.
        self.sdk = copy_trimmed_botocore(self.folder / "sdk")
        self.layer_packages = _link_layer_packages(self.folder / "packages")
        self.serial = 0
        # The person the staff search finds.
        self._sign_in("ona@example.lt", filled=True)

    def close(self) -> None:
        self.moto.stop()
        self.http.shutdown()
        self.http.server_close()
        self.stack.stop()
        self.xray.close()
        self.dns.close()
        shutil.rmtree(self.folder)

    # --- seeding, through the real handlers in this process ---

    def _address(self, what: str) -> str:
        self.serial += 1
        return f"cold.{what}.{self.serial}.{uuid.uuid4().hex[:6]}@example.lt"

    def _code(self, address: str) -> str:
        return self.client.last_code(address)

    def _start(self, address: str) -> str:
        answer = self.client.start(address)
        if answer.status != 202:
            raise ColdStartFailed(f"seeding: start for {address} answered {answer.status}: {answer.raw[:300]!r}")
        return str(answer.json["login_id"])

    def _sign_in(self, address: str, *, filled: bool = False) -> str:
        return self.client.signed_in(address, filled=filled)

    def prepare(self, subject: Subject, event: dict[str, Any]) -> None:
        """Fill the sample event's placeholders with live values (each first request is a successful one)."""
        if subject.name in {"StartLogin", REFERENCE}:
            event["body"] = json.dumps({"email": self._address("start"), "language": "lt"})
        elif subject.name == "VerifyCode":
            address = self._address("verify")
            login_id = self._start(address)
            event["body"] = json.dumps({"email": address, "login_id": login_id, "code": self._code(address)})
        elif subject.name in {"SaveProfile", "FirstFill"}:
            _set_header(event, "Authorization", f"Bearer {self._sign_in(self._address('profile'))}")
        elif subject.name == "ViispCallback":
            _, ticket, nonce, _ = self.browser.start()
            _, fields = self.browser.authenticate(ticket)
            event["body"] = urlencode(fields)
            _set_header(event, "Cookie", f"__Host-viisp={nonce}")
            _set_header(event, "Origin", self.origin)  # the portal's origin: the stand-in's, on this stack

    # --- the children ---

    def environment(self, subject: Subject) -> dict[str, str]:
        """A Lambda container's environment for the subject's function (the reference: StartLogin's)."""
        logical_id = subject.function or "StartLoginFunction"
        resource = self.template.functions()[logical_id]
        properties = resource.get("Properties", {})
        globals_ = self.template.document.get("Globals", {}).get("Function", {})
        variables: dict[str, str] = {}
        for source in (globals_, properties):
            own = self.template.resolve(source.get("Environment", {})).get("Variables", {})
            variables.update({name: str(value) for name, value in own.items()})
        code_dir, handler = self.code(subject)
        trace = f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Parent={secrets.token_hex(8)};Sampled=1"
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            **variables,
            # What the Lambda runtime sets.
            "AWS_LAMBDA_FUNCTION_NAME": subject.function or "ReferenceFunction",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(properties.get("MemorySize", globals_.get("MemorySize", 128))),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
            "LAMBDA_TASK_ROOT": str(code_dir),
            "_HANDLER": handler,
            "_X_AMZN_TRACE_ID": trace,
            "AWS_XRAY_DAEMON_ADDRESS": "{}:{}".format(*self.xray.getsockname()),
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            "BENCH_DNS_ADDRESS": self.dns.address,
            "BENCH_LAYER_PACKAGES": str(self.layer_packages),
            # Credentials and the region as Lambda gives them; every AWS call to the moto server.
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }

    def code(self, subject: Subject) -> tuple[Path, str]:
        """The function's code folder and handler (module.function)."""
        if subject.function is None:
            return BENCH, "reference_app.lambda_handler"
        properties = self.template.functions()[subject.function]["Properties"]
        return ROOT / str(properties["CodeUri"]), str(properties["Handler"])

    def _child(self, arguments: list[str], env: dict[str, str], expected: int, what: str) -> Sample:
        self.serial += 1
        result = self.folder / f"result-{self.serial}.json"
        started = time.perf_counter()
        process = subprocess.run(
            [sys.executable, str(CHILD), arguments[0], str(result), *arguments[1:]],
            env=env,
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )
        wall_ms = (time.perf_counter() - started) * 1000
        if process.returncode != 0 or not result.exists():
            raise ColdStartFailed(f"{what}: the child failed ({process.returncode}):\n{process.stderr[-3000:]}")
        outcome = json.loads(result.read_text())
        result.unlink()
        if outcome["status"] != expected:
            raise ColdStartFailed(f"{what}: answered {outcome['status']}, not {expected}: {outcome['body']}")
        return Sample(ms=float(outcome["ms"]), wall_ms=wall_ms, rss_kb=int(outcome["rss_kb"]))

    def handler_sample(self, subject: Subject) -> Sample:
        event = json.loads((EVENTS / subject.event).read_text(encoding="utf-8"))
        self.prepare(subject, event)
        self.serial += 1
        event_path = self.folder / f"event-{self.serial}.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        code_dir, handler = self.code(subject)
        module, _, function = handler.rpartition(".")
        # A minimal handler has no layer of ours: it runs on the SDK the runtime gives (here: this environment's).
        sdk = "" if subject.function is None else str(self.sdk)
        arguments = ["handler", str(code_dir), module, function, str(event_path), str(LAYER), sdk]
        try:
            return self._child(arguments, self.environment(subject), subject.status, subject.name)
        finally:
            event_path.unlink()

    def bare_sample(self, subject: Subject) -> Sample:
        table = self.template.physical_name("AccountsTable")
        return self._child(["bare", table], self.environment(subject), 200, "bare boto3")

    def measure(self, progress: Callable[[str], None] = lambda _: None) -> dict[str, Pairs]:
        """One unrecorded round first (the moto server builds each service's app on its first request), then
        `runs` pairs per subject, subjects interleaved so drift on the machine hits them alike."""
        for subject in SUBJECTS:
            self.handler_sample(subject)
            self.bare_sample(subject)
        results = {subject.name: Pairs() for subject in SUBJECTS}
        for run in range(self.runs):
            progress(f"cold starts: pair {run + 1} of {self.runs}")
            for subject in SUBJECTS:
                pairs = results[subject.name]
                if run % 2 == 0:
                    pairs.handler.append(self.handler_sample(subject))
                    pairs.bare.append(self.bare_sample(subject))
                else:
                    pairs.bare.append(self.bare_sample(subject))
                    pairs.handler.append(self.handler_sample(subject))
        return results
