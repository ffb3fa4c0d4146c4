"""What the tests share: a movable clock, the template read once, an HTTP-shaped client that sends API Gateway
events through the real handlers (the local stack's dispatch, without a socket), and the checks and steps
several test modules use. Fixtures live in conftest.py; everything a test imports comes from here."""

from __future__ import annotations

import contextlib
import functools
import html
import json
import os
import pickle
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlencode, urlsplit

from devserver.template import Template, load_template

_TEMPLATE_DOCUMENT = pickle.dumps(load_template())


def local_template(**overrides: str) -> Template:
    """Template.load(overrides) without reading template.yaml again: the file does not change during a run (each
    Template gets its own copy of the document)."""
    return Template(pickle.loads(_TEMPLATE_DOCUMENT), overrides)


# Lambda sets the Powertools settings before any code loads; do the same before migris is imported.
local_template().apply_process_environment()

from botocore.credentials import ReadOnlyCredentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from migris.dal.accounts import personal_code_key, user_key  # noqa: E402
from migris.dal.base import python_values  # noqa: E402
from migris.dal.codes import CodeRepository  # noqa: E402
from migris.domain.codes import CodePolicy, Codes  # noqa: E402
from migris.domain.mail import CodeMailRef, Lane, MailKind, MailMessage  # noqa: E402
from migris.domain.mail_domains import LocalMailDomains  # noqa: E402
from moto import mock_aws  # noqa: E402

from devserver.apigw import HttpRequest  # noqa: E402
from devserver.iam import LocalPrincipal  # noqa: E402
from devserver.local_aws import create_table, new_session  # noqa: E402
from devserver.server import LocalStack  # noqa: E402
from staff.client import signed_headers  # noqa: E402

HOST = "127.0.0.1:3000"
ORIGIN = f"http://{HOST}"
START = 1_800_000_000
FIRST_FILL = {"given_name": "Ona", "family_name": "Petraitienė", "phone_number": "+370 612 34567"}


class FakeClock:
    def __init__(self, start: float = START) -> None:
        self.current = float(start)

    def now(self) -> float:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += seconds


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return values[-1] if values else None

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def set_cookie(self, name: str) -> str | None:
        """The Set-Cookie header that sets the cookie `name`, whole (flags too); None when none sets it."""
        return next((value for value in self.all("Set-Cookie") if value.startswith(f"{name}=")), None)

    def cookie_value(self, name: str) -> str | None:
        header = self.set_cookie(name)
        return None if header is None else header.split(";", 1)[0].partition("=")[2]

    @property
    def error_code(self) -> str:
        return str(self.json["error"]["code"])


class Client:
    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.source_ip = "198.51.100.7"

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        all_headers = {"Host": HOST, **(headers or {})}
        data = b""
        if json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        elif body is not None:
            data = body.encode() if isinstance(body, str) else body
            all_headers.setdefault("Content-Type", "application/json")
        path, _, query = path.partition("?")
        request = HttpRequest(
            method, path, parse_qs(query, keep_blank_values=True), list(all_headers.items()), data, self.source_ip
        )
        response = self.stack.dispatch(request)
        return Answer(response.status, response.headers, response.body)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> Answer:
        return self.request("POST", path, json_body=json_body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    # --- a signed-in person (Bearer) ---

    def as_person(self, token: str, method: str, path: str, json_body: Any = None, **kwargs: Any) -> Answer:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return self.request(method, path, json_body=json_body, headers=headers, **kwargs)

    # --- staff: SigV4-signed as API Gateway demands, with the local staff key unless told otherwise ---

    def as_staff(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        *,
        principal: LocalPrincipal | None = None,
        region: str | None = None,
        raw_body: bytes | None = None,
        content_type: str = "application/json",
    ) -> Answer:
        signer = principal or self.stack.staff
        data = json.dumps(json_body).encode() if json_body is not None else (raw_body or b"")
        credentials = ReadOnlyCredentials(signer.access_key_id, signer.secret_access_key, None)
        headers = signed_headers(method, f"http://{HOST}{path}", data, credentials, region or self.stack.region)
        headers["Host"] = HOST
        headers["Content-Type"] = content_type
        return self.request(method, path, body=data or None, headers=headers)

    # --- the e-mail sign-in, step by step ---

    def last_code(self, address: str) -> str:
        mails = self.stack.aws.mails_to(address)
        assert mails, f"no mail to {address}"
        match = re.search(r"\b(\d{4,})\b", mails[-1]["text"])
        assert match
        return match.group(1)

    def start(self, address: str, **extra: Any) -> Answer:
        return self.post("/login/email", {"email": address, **extra})

    def signed_in(self, address: str, *, filled: bool = False) -> str:
        """Sign in and return the session token; with `filled`, fill in the contact data first."""
        token = str(self.sign_in(address)["token"])
        if filled:
            answer = self.as_person(token, "PUT", "/profile", FIRST_FILL)
            assert answer.status == 200, answer.raw
        return token

    def sign_in(self, address: str) -> dict[str, Any]:
        started = self.start(address)
        assert started.status == 202, started.raw
        login_id = started.json["login_id"]
        answer = self.post(
            "/login/email/verify",
            {"email": address, "login_id": login_id, "code": self.last_code(address)},
        )
        assert answer.status == 200, answer.raw
        return dict(answer.json)


def handler_client_hooks(service: str) -> Any:
    """The event hooks of the boto client the handlers use for `service` ("dynamodb", "sqs" or the mail function's
    "ses"). A botocore client copies its session's hooks when it is made, so a hook meant for calls already under
    way goes here. (The functions share one client per service, as they share one session: devserver.local_aws.)"""
    from migris.wiring import services

    domain = services()
    clients = {
        "dynamodb": lambda: domain._dynamodb,
        "sqs": lambda: domain.mailer._sqs,
        "ses": lambda: cast(Any, domain.mail_delivery._sender)._ses,  # the SesMailer a container builds
    }
    return clients[service]().meta.events


@contextlib.contextmanager
def mail_queue_down() -> Iterator[None]:
    """Meanwhile SQS refuses every SendMessage the functions make (an outage of the mail queue)."""

    def refuse(model: Any, **_: Any) -> None:
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "try later"}}, model.name)

    events = handler_client_hooks("sqs")
    events.register("before-call.sqs.SendMessage", refuse)
    try:
        yield
    finally:
        events.unregister("before-call.sqs.SendMessage", refuse)


# --- through the distribution ---

CLOUDFRONT_SERVER = "130.176.0.15"


def origin_proof(stack: LocalStack) -> str:
    """The x-origin-verify value only our distribution adds (OriginVerifySecret), as the stack made it."""
    secrets = stack.aws.session.client("secretsmanager")
    return str(secrets.get_secret_value(SecretId=stack.template.physical_name("OriginVerifySecret"))["SecretString"])


def through_cdn(stack: LocalStack, client_address: str, proof: str | None) -> Client:
    """A client whose requests come as the distribution forwards them: from a CloudFront server, with the
    client's address in True-Client-IP and, unless `proof` is None, the origin proof."""
    client = Client(stack)
    client.source_ip = CLOUDFRONT_SERVER
    headers = {"True-Client-IP": client_address}
    if proof is not None:
        headers["x-origin-verify"] = proof
    original = client.request

    def request(method: str, path: str, *, headers_in: dict[str, str] = headers, **kwargs: Any) -> Answer:
        kwargs["headers"] = {**headers_in, **(kwargs.get("headers") or {})}
        return original(method, path, **kwargs)

    client.request = request  # type: ignore[method-assign]
    return client


# --- checks ---


def clerk_of(client: Client) -> LocalPrincipal:
    """A correctly signed principal of the account that is not the staff role: the resource policy denies it."""
    clerk = LocalPrincipal(
        access_key_id="AKIACLERK00000000000",
        secret_access_key="clerk-secret",
        principal_arn="arn:aws:iam::123456789012:user/clerk",
        user_arn="arn:aws:iam::123456789012:user/clerk",
        caller="AIDACLERK",
    )
    client.stack.iam.add(clerk)
    return clerk


def assert_error(answer: Answer, status: int, code: str) -> dict[str, Any]:
    """The answer is the API's error shape with this status and code, and is not cached."""
    assert answer.status == status, answer.raw
    body = answer.json
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert answer.header("Cache-Control") == "no-store"
    return dict(body["error"])


def wrong(code: str) -> str:
    """Another code of the same length: every digit moved by one."""
    return "".join(str((int(c) + 1) % 10) for c in code)


def code_in(mail: dict[str, Any]) -> str:
    match = re.search(r"\b(\d{8})\b", mail["text"])
    assert match, mail["text"]
    return match.group(1)


# --- what is stored ---


def table(stack: LocalStack, logical_id: str) -> Any:
    return stack.aws.session.resource("dynamodb").Table(stack.template.physical_name(logical_id))


def session_items(stack: LocalStack) -> list[dict[str, Any]]:
    """The sessions table's sessions, keyed by their token's hash (it keeps other items too, under a prefix such
    as `device#` or `notme#`)."""
    items = table(stack, "SessionsTable").scan()["Items"]
    return [item for item in items if "#" not in str(item["pk"])]


def device_items(stack: LocalStack) -> list[dict[str, Any]]:
    """The known devices the sessions table keeps."""
    items = table(stack, "SessionsTable").scan()["Items"]
    return [item for item in items if str(item["pk"]).startswith("device#")]


def everything_stored(stack: LocalStack) -> dict[str, list[dict[str, Any]]]:
    """Every item of every table the template declares, by logical id: what a refused request must leave as it
    found it."""
    return {
        logical_id: sorted(table(stack, logical_id).scan()["Items"], key=repr)
        for logical_id in sorted(stack.template.tables())
    }


def accounts_item(stack: LocalStack, key: str) -> dict[str, Any] | None:
    item = table(stack, "AccountsTable").get_item(Key={"pk": key}).get("Item")
    return None if item is None else dict(item)


def viisp_account(
    stack: LocalStack, user_id: str = "3b0f1c9e-1d7c-4a53-9a56-2f1e1f0b9c11", email: str | None = None
) -> tuple[str, str]:
    """A level 3 account as a VIISP sign-in leaves it, put straight into the table, and a session for it."""
    from migris.wiring import services

    item: dict[str, Any] = {
        "pk": user_key(user_id),
        "user_id": user_id,
        "given_name": "JONAS",
        "family_name": "JONAITIS",
        "personal_code": "33309240064",
        "level": 3,
        "login_method": "viisp",
        "profile_complete": False,
        "created_at": 1_800_000_000,
        "updated_at": 1_800_000_000,
        "version": 1,
    }
    if email:
        item["email"] = email
    accounts = table(stack, "AccountsTable")
    accounts.put_item(Item=item)
    accounts.put_item(Item={"pk": personal_code_key(item["personal_code"]), "user_id": user_id})
    return user_id, services().sessions.open(item, "viisp").token


# --- template.yaml as CloudFormation (the SAM translator's output) ---


def resources_of(cfn: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in cfn["Resources"].items() if v["Type"] == kind}


def api_paths(cfn: dict[str, Any]) -> dict[str, Any]:
    return dict(cfn["Resources"]["MigrisApi"]["Properties"]["Body"]["paths"])


# --- VIISP, as a browser meets it ---

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PERSON = ("33309240064", "Jonas", "Jonaitis")


def cookie_value(answer: Answer, name: str) -> tuple[str | None, str | None]:
    """The cookie's value and its whole Set-Cookie header (Answer.set_cookie)."""
    return answer.cookie_value(name), answer.set_cookie(name)


EIDAS_PERSON = {
    "eidas_eid": "DE/LT/7d3f9a2c41b84e0f",
    "given_name": "Erika",
    "family_name": "Mustermann",
    "nationality": "DE",
}
# Who signs in on the stand-in's page: (personal code, given name, family name), or an eIDAS person's fields.
StandInPerson = tuple[str, str, str] | dict[str, str]


class ViispBrowser:
    """What a browser does: follows our redirect to the portal, signs in there, posts VIISP's form back."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def start(self, path: str = "/login/viisp", headers: dict[str, str] | None = None) -> tuple[str, str, str, str]:
        answer = self.client.get(path, headers=headers or {})
        assert answer.status == 302, answer.raw
        location = answer.header("Location")
        nonce, header = cookie_value(answer, "__Host-viisp")
        assert location and nonce and header
        ticket = parse_qs(urlsplit(location).query)["ticket"][0]
        return location, ticket, nonce, header

    def ask_link(self, token: str | None, headers: dict[str, str] | None = None) -> Answer:
        """The account page asks to link VIISP: POST /login/viisp/link with `{}`, signed in by `token` (Bearer)
        unless None. The answer as it comes."""
        bearer = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return self.client.post("/login/viisp/link", {}, headers={**bearer, **(headers or {})})

    def start_link(self, token: str | None, headers: dict[str, str] | None = None) -> tuple[str, str, str, str]:
        """A link started as the account page starts it: the portal address the answer names (where the page
        goes), its ticket, and the binding cookie's value and header."""
        answer = self.ask_link(token, headers)
        assert answer.status == 200, answer.raw
        location = answer.json["location"]
        nonce, header = cookie_value(answer, "__Host-viisp")
        assert isinstance(location, str) and nonce and header
        ticket = parse_qs(urlsplit(location).query)["ticket"][0]
        return location, ticket, nonce, header

    def authenticate(self, ticket: str, person: StandInPerson = PERSON) -> tuple[str, dict[str, str]]:
        if isinstance(person, dict):
            fields = {"ticket": ticket, **person}
        else:
            code, given, family = person
            fields = {"ticket": ticket, "personal_code": code, "given_name": given, "family_name": family}
        answer = self.client.request("POST", "/_local/viisp/authenticate", body=urlencode(fields), headers=FORM)
        assert answer.status == 200, answer.raw
        page = answer.raw.decode()
        form = re.search(r'<form method="post" action="([^"]+)"', page)
        assert form, page
        fields = {name: html.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page)}
        return html.unescape(form.group(1)), fields

    def post_back(self, fields: dict[str, str], nonce: str | None, headers: dict[str, str] | None = None) -> Answer:
        # VIISP's page posts the form, so the Origin is the portal's: the stand-in's, on the local stack.
        all_headers = {**FORM, "Origin": ORIGIN, **(headers or {})}
        if nonce is not None:
            all_headers["Cookie"] = "; ".join(filter(None, [all_headers.get("Cookie"), f"__Host-viisp={nonce}"]))
        return self.client.request("POST", "/login/viisp/callback", body=urlencode(fields), headers=all_headers)

    def sign_in(self, person: StandInPerson = PERSON) -> str:
        _, ticket, nonce, _ = self.start()
        _, fields = self.authenticate(ticket, person)
        answer = self.post_back(fields, nonce)
        assert answer.status == 303, answer.raw
        token, _ = cookie_value(answer, "__Host-session")
        assert token
        return token

    def link(self, token: str, person: StandInPerson = PERSON, **post_back: Any) -> Answer:
        """A person signed in by e-mail (session `token`) links VIISP: the account page starts it (POST
        /login/viisp/link), the person signs in on the portal, and VIISP's page posts back (cross-site: the session
        cookie does not come along)."""
        _, ticket, nonce, _ = self.start_link(token)
        _, fields = self.authenticate(ticket, person)
        return self.post_back(fields, nonce, **post_back)


# --- the local stack as a server ---


ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def devserver_running(
    directory: Path, arguments: list[str], env: dict[str, str] | None = None
) -> Iterator[tuple[int, Path]]:
    """`python -m devserver` with these arguments on a free loopback port while the block runs: the port, and
    the file its standard output goes to (the access log and the functions' logs). Files, not pipes: nobody
    reads the logs while the tests run; standard error apart, so that it cannot cut a log line."""
    port = free_port()
    log_path, errors_path = directory / "out.log", directory / "err.log"
    with log_path.open("w") as log, errors_path.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "devserver", "--port", str(port), *arguments],
            cwd=ROOT,
            stdout=log,
            stderr=errors,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if process.poll() is not None:
                        raise RuntimeError(errors_path.read_text()) from None
                    if time.monotonic() > deadline:
                        raise RuntimeError("devserver did not start") from None
                    time.sleep(0.05)
            yield port, log_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


# --- the code rules on their own: the domain over the codes table, with a mailer that only records ---


class FakeMailer:
    """What the code rules mail, recorded instead of sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, MailMessage]] = []
        self.refusing = False  # the queue refuses every mail (an SQS outage)

    def deliver(
        self,
        address: str,
        message: MailMessage,
        *,
        email_ref: str,
        kind: MailKind = "code",
        code: CodeMailRef | None = None,
        lane: Lane | None = None,
    ) -> bool:
        if self.refusing:
            return False
        self.sent.append((address, message))
        return True

    def to(self, address: str) -> list[MailMessage]:
        return [message for to, message in self.sent if to == address]

    def last_code(self, address: str) -> str:
        messages = self.to(address)
        assert messages, f"no mail to {address}"
        match = re.search(r"\b(\d{4,})\b", messages[-1].text)
        assert match, messages[-1].text
        return match.group(1)


def code_policy(**parameters: str) -> CodePolicy:
    """The code rules' numbers as template.yaml gives them (its defaults, or these parameter values)."""
    values = {name: int(value) for name, value in local_template(**parameters).parameters.items() if value.isdigit()}
    return CodePolicy(
        ttl_seconds=values["CodeTtlSeconds"],
        length=values["CodeLength"],
        max_attempts=values["CodeMaxAttempts"],
        resend_cooldown_seconds=values["ResendCooldownSeconds"],
        max_per_hour=values["MaxCodesPerHour"],
        max_per_day=values["MaxCodesPerDay"],
        max_per_address_per_day=values["MaxCodesPerAddressPerDay"],
        lockout_threshold=values["LockoutThreshold"],
        lockout_seconds=values["LockoutSeconds"],
        device_reserve=values["DeviceReserveCodes"],
    )


@functools.cache
def local_dynamodb() -> Any:
    """A DynamoDB resource for the domain tests (made once; moto answers it while a mock is on)."""
    return new_session().resource("dynamodb")


@functools.cache
def local_dynamodb_client() -> Any:
    """A DynamoDB client as the functions make theirs (migris.dal.base.python_values), for the domain tests."""
    return python_values(new_session().client("dynamodb"))


@dataclass
class CodeDesk:
    """The code rules (migris.domain.codes.Codes) over a fresh codes table, with their mailer and clock."""

    codes: Codes
    mailer: FakeMailer
    clock: FakeClock
    table: Any
    pepper: bytes

    def send(self, email: str, source_ip: str) -> tuple[str, str]:
        """Ask for a sign-in code; the login id and the code as mailed."""
        sent = self.codes.send_sign_in_code(email, "lt", source_ip)
        return sent.login_id, self.mailer.last_code(email)

    def items(self) -> list[dict[str, Any]]:
        return list(self.table.scan()["Items"])


@contextlib.contextmanager
def codes_table_alone() -> Iterator[Any]:
    """The codes table alone, made as template.yaml declares it, on fresh moto backends."""
    template = local_template()
    with mock_aws():
        create_table(local_dynamodb().meta.client, template, "CodesTable")
        yield local_dynamodb().Table(template.physical_name("CodesTable"))


def code_desk(codes_table: Any, clock: FakeClock, **parameters: str) -> CodeDesk:
    """The code rules over the table, with the template's numbers (or these parameter values), a fresh pepper
    and a mailer that records."""
    mailer, pepper = FakeMailer(), secrets.token_hex(32).encode()
    records = CodeRepository(local_dynamodb_client(), codes_table.name)
    codes = Codes(records, mailer, code_policy(**parameters), pepper, clock, LocalMailDomains())
    return CodeDesk(codes=codes, mailer=mailer, clock=clock, table=codes_table, pepper=pepper)
