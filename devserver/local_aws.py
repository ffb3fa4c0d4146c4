"""moto-backed AWS for the local stack and the tests, built from template.yaml.

Where moto falls short (checked with moto 5.2.5), this is the one place that fills in:
- moto never expires TTL items: nothing to fill, the code checks every expiry itself.
- moto's SES keeps no readable record of a message's two body parts, and has no account-level suppression
  list: a botocore hook on SendEmail records the whole message (text and HTML) in `outbox` once SES took it,
  except for addresses in `suppressed`, which SES takes and drops (as SES does, with a bounce event).
- moto checks IAM actions but not resources or conditions: the template tests prove IAM instead.

The boto3 sessions and clients here are made once per process and region, and every session shares one
botocore data loader, so the service models (large JSON files) are read and parsed once per process. The
functions' clients too are made once and kept, as a Lambda container keeps its clients across invocations;
each `services()` is new (its caches start empty), and the local stack keeps one per function
(devserver.server). moto's state is the process's anyway: one LocalAws is live at a time (the last started),
and the mail hooks act for it. The tests start a stack per test, and each start
begins from nothing: fresh moto backends, tables, secrets and parameters made again from the template.
"""

from __future__ import annotations

import json
import secrets
import threading
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.session
from botocore.loaders import Loader, create_loader
from migris.clock import Clock
from migris.config import Settings
from migris.domain.mail_domains import LocalMailDomains
from migris.viisp.transport import SoapTransport
from migris.wiring import Services
from moto import mock_aws

from devserver.template import Template

REGION = "eu-north-1"

_loader: Loader | None = None
_shared_lock = threading.Lock()
_sessions: dict[str, _KeptClients] = {}
_function_sessions: dict[str, _KeptClients] = {}
_live: LocalAws | None = None


def _shared_loader(core: botocore.session.Session) -> Loader:
    global _loader
    if _loader is None:
        _loader = create_loader(core.get_config_variable("data_path"))  # AWS_DATA_PATH, as botocore reads it
    return _loader


class _KeptClients(boto3.session.Session):  # type: ignore[misc]  # boto3 has no types
    """A session that makes each client and resource once and hands out the same one after."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kept: dict[tuple[str, str], Any] = {}
        self._kept_lock = threading.RLock()  # a resource makes its client through client()

    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:
        return self._keep("client", service_name, args, kwargs)

    def resource(self, service_name: str, *args: Any, **kwargs: Any) -> Any:
        return self._keep("resource", service_name, args, kwargs)

    def _keep(self, kind: str, service_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        make = super().client if kind == "client" else super().resource
        if args or kwargs:
            return make(service_name, *args, **kwargs)
        with self._kept_lock:
            if (kind, service_name) not in self._kept:
                self._kept[(kind, service_name)] = make(service_name)
            return self._kept[(kind, service_name)]


def new_session(
    region: str = REGION, kind: type[boto3.session.Session] = boto3.session.Session
) -> boto3.session.Session:
    """A boto3 session with local credentials whose service models come from the process's one loader."""
    with _shared_lock:
        core = botocore.session.get_session()
        loader = _shared_loader(core)
        core.register_component("data_loader", loader)
        session = kind(
            aws_access_key_id="local", aws_secret_access_key="local", region_name=region, botocore_session=core
        )
        # Each boto3 session adds its resource models' folder to the loader's search paths: keep one of each.
        loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
        return session


def _with_mail_hooks(session: boto3.session.Session) -> boto3.session.Session:
    """A client copies its session's hooks when it is made: every client made from this session records mail."""
    session.events.register("before-parameter-build.ses.SendEmail", _read_mail)
    session.events.register("after-call.ses.SendEmail", _record_mail)
    return session


def _kept_session(kept: dict[str, _KeptClients], region: str) -> _KeptClients:
    """The session `kept` holds for the region, made (with the mail hooks) on first use."""
    session = kept.get(region)
    if session is None:
        session = _with_mail_hooks(new_session(region, _KeptClients))
        with _shared_lock:
            session = kept.setdefault(region, session)
    return session


def _session(region: str) -> _KeptClients:
    """The process's session for the region: the local stack's own calls, and the tests' looks into tables."""
    return _kept_session(_sessions, region)


def _function_session(region: str) -> _KeptClients:
    """The functions' session for the region: each client made once, as a Lambda container keeps its own."""
    return _kept_session(_function_sessions, region)


class LocalAws:
    def __init__(self, template: Template, region: str = REGION) -> None:
        self.template = template
        self.region = region
        self.outbox: list[dict[str, Any]] = []
        self.suppressed: set[str] = set()
        self._lock = threading.Lock()
        self._mock = mock_aws()
        self.session = _session(region)

    def __enter__(self) -> LocalAws:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        global _live
        self._mock.start()
        _live = self
        self._create_tables()
        self._create_secrets()
        self._create_mail_identity()

    def stop(self) -> None:
        global _live
        if _live is self:
            _live = None
        self._mock.stop()

    @property
    def environment(self) -> dict[str, str]:
        return self.template.function_environment()

    @property
    def settings(self) -> Settings:
        return Settings.from_env(self.environment)

    def services(self, clock: Clock | None = None, viisp_transport: SoapTransport | None = None) -> Services:
        session = _function_session(self.region)
        # The local rule for domains that cannot receive mail (no DNS): a domain starting with no-mail. cannot.
        return Services(
            self.settings,
            clock=clock,
            boto_session=session,
            viisp_transport=viisp_transport,
            mail_domains=LocalMailDomains(),
        )

    # --- set-up from the template ---

    def client(self, service: str) -> Any:
        """The process's client for the service (made once)."""
        return self.session.client(service)

    def _create_tables(self) -> None:
        for logical_id in self.template.tables():
            create_table(self.client("dynamodb"), self.template, logical_id)

    def _create_secrets(self) -> None:
        client = self.client("secretsmanager")
        for logical_id, resource in self.template.resources.items():
            if resource.get("Type") == "AWS::SecretsManager::Secret":
                # A value the template gives (VIISP's settings) as it gives it; any other made fresh at every
                # start, as CloudFormation's GenerateSecretString does at deploy.
                given = resource.get("Properties", {}).get("SecretString")
                value = str(self.template.resolve(given)) if given is not None else secrets.token_hex(32)
                client.create_secret(Name=self.template.physical_name(logical_id), SecretString=value)

    def change_viisp_settings(self, **changes: str) -> None:
        """Change fields of ViispSettingsSecret (names with - as in the secret: portal_url is portal-url)."""
        name = self.template.physical_name("ViispSettingsSecret")
        client = self.client("secretsmanager")
        settings = json.loads(client.get_secret_value(SecretId=name)["SecretString"])
        settings.update({field.replace("_", "-"): value for field, value in changes.items()})
        client.put_secret_value(SecretId=name, SecretString=json.dumps(settings))

    def put_secret(self, logical_id: str, value: str) -> None:
        name = self.template.physical_name(logical_id)
        self.client("secretsmanager").put_secret_value(SecretId=name, SecretString=value)

    def _create_mail_identity(self) -> None:
        settings = self.settings
        ses = self.client("ses")
        ses.verify_email_identity(EmailAddress=settings.sender_email)
        if settings.ses_configuration_set:
            self.client("sesv2").create_configuration_set(ConfigurationSetName=settings.ses_configuration_set)

    def record(self, mails: list[dict[str, Any]]) -> None:
        """Put mails SES took into the outbox (the SendEmail hook calls this for the live LocalAws)."""
        sent_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self._lock:
            self.outbox.extend(mail | {"sent_at": sent_at} for mail in mails)

    def mails_to(self, address: str) -> list[dict[str, Any]]:
        with self._lock:
            return [mail for mail in self.outbox if mail["to"] == address]


def create_table(client: Any, template: Template, logical_id: str) -> None:
    """Create the table as the template declares it (keys, indexes, billing, TTL)."""
    properties = template.tables()[logical_id]["Properties"]
    request: dict[str, Any] = {
        "TableName": template.physical_name(logical_id),
        "KeySchema": properties["KeySchema"],
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "BillingMode": properties.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if "GlobalSecondaryIndexes" in properties:
        request["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
    client.create_table(**request)
    ttl = properties.get("TimeToLiveSpecification")
    if ttl:
        client.update_time_to_live(TableName=request["TableName"], TimeToLiveSpecification=ttl)


# --- the gaps ---


def _read_mail(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    message = params.get("Message", {})
    body = message.get("Body", {})
    context["local_outbox"] = [
        {
            "to": address,
            "subject": message.get("Subject", {}).get("Data", ""),
            "text": body.get("Text", {}).get("Data", ""),
            "html": body.get("Html", {}).get("Data", ""),
        }
        for address in params.get("Destination", {}).get("ToAddresses", [])
    ]


def _record_mail(http_response: Any, context: dict[str, Any], **_: Any) -> None:
    """Into the outbox goes only what SES took and delivers: a call refused or failed on the way sent nothing,
    and a message to a suppressed address is taken and dropped."""
    live = _live
    if live is None or not 200 <= getattr(http_response, "status_code", 0) < 300:
        return
    live.record([mail for mail in context.get("local_outbox", []) if mail["to"].lower() not in live.suppressed])
