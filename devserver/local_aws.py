"""moto-backed AWS for the local stack and the tests, built from template.yaml.

Where moto falls short (checked with moto 5.2.5), this is the one place that fills in:
- moto never expires TTL items: nothing to fill, the code checks every expiry itself.
- moto's SES keeps no readable record of a message's two body parts, and has no account-level suppression
  list: a botocore hook on SendEmail records the whole message (text and HTML) in `outbox` once SES took it,
  except for addresses in `suppressed`, which SES takes and drops (as SES does, with a bounce event).
- moto checks IAM actions but not resources or conditions: the template tests prove IAM instead.
- moto's SQS does not encrypt and has no event source mappings: devserver.mail_pump plays the mappings, and the
  queues' key policy is proven by the template tests.

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
import time
from collections.abc import Callable
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
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.sqs.models import sqs_backends

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
        self._kept: dict[tuple[str, str, str], Any] = {}
        self._kept_lock = threading.RLock()  # a resource makes its client through client()

    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any:
        return self._keep("client", service_name, args, kwargs)

    def resource(self, service_name: str, *args: Any, **kwargs: Any) -> Any:
        return self._keep("resource", service_name, args, kwargs)

    def kept_clients(self) -> list[Any]:
        """Every client made so far (for a hook meant for calls already under way)."""
        with self._kept_lock:
            return [made for (kind, _, _), made in self._kept.items() if kind == "client"]

    def _keep(self, kind: str, service_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        make = super().client if kind == "client" else super().resource
        settings = _config_key(kwargs)
        if args or settings is None:
            return make(service_name, *args, **kwargs)
        with self._kept_lock:
            key = (kind, service_name, settings)
            if key not in self._kept:
                self._kept[key] = make(service_name, **kwargs)
            return self._kept[key]


def _config_key(kwargs: dict[str, Any]) -> str | None:
    """What tells apart the clients a function makes of one service: none, or only a botocore Config (timeouts,
    retries), kept per its settings as a container keeps its clients. Anything else is made anew."""
    if not kwargs:
        return ""
    if set(kwargs) != {"config"}:
        return None
    options = getattr(kwargs["config"], "_user_provided_options", None)
    return None if options is None else repr(sorted(options.items()))


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
    session.events.register("before-call.ses.SendEmail", _ses_as_told)
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
        self._letters: list[dict[str, Any]] = []
        # The mail pump's drain (devserver.mail_pump): run before the outbox is read, so a test or a person
        # reading it sees every mail the queues held (the pump also runs by itself on the served stack).
        self.before_reading_outbox: Callable[[], object] | None = None
        self.suppressed: set[str] = set()
        # SES as a test or the load bench wants it: every Nth SendEmail throttled (0: none), each answered late.
        self.ses_throttle_every = 0
        self.ses_delay_seconds = 0.0
        self.pause: Callable[[float], None] = time.sleep  # how a late SES waits (the stack lets others run)
        self._ses_calls = 0
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
        self._create_queues()
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

    def services(
        self,
        clock: Clock | None = None,
        viisp_transport: SoapTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> Services:
        # The local rule for domains that cannot receive mail (no DNS): a domain starting with no-mail. cannot.
        return Services(
            self.settings,
            clock=clock,
            boto_session=self.function_session,
            viisp_transport=viisp_transport,
            sleep=sleep,
            mail_domains=LocalMailDomains(),
        )

    @property
    def function_session(self) -> _KeptClients:
        """The functions' session: each client made once, as a Lambda container keeps its own."""
        return _function_session(self.region)

    # --- set-up from the template ---

    def client(self, service: str) -> Any:
        """The process's client for the service (made once)."""
        return self.session.client(service)

    def _create_tables(self) -> None:
        for logical_id in self.template.tables():
            create_table(self.client("dynamodb"), self.template, logical_id)

    def _create_queues(self) -> None:
        """The queues as the template declares them (visibility, retention, redrive); a dead-letter target first.
        Not their KMS key: moto's SQS does not encrypt, and who may use the key is proven by tests/template."""
        queues = self.template.queues()
        targets = {
            str(self.template.resolve(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]))
            for q in queues.values()
            if "RedrivePolicy" in q.get("Properties", {})
        }
        sqs = self.client("sqs")
        for logical_id in sorted(queues, key=lambda name: name not in targets):
            properties = queues[logical_id].get("Properties", {})
            attributes = {
                name: str(properties[name])
                for name in ("VisibilityTimeout", "MessageRetentionPeriod")
                if name in properties
            }
            redrive = properties.get("RedrivePolicy")
            if redrive is not None:
                target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
                attributes["RedrivePolicy"] = json.dumps(
                    {"deadLetterTargetArn": self.queue_arn(target), "maxReceiveCount": int(redrive["maxReceiveCount"])}
                )
            sqs.create_queue(QueueName=self.template.physical_name(logical_id), Attributes=attributes)

    def queue_depth(self, logical_id: str) -> tuple[int, int]:
        """The queue's messages a receive would return now, and those in flight (received, neither deleted nor
        visible again), read from moto's state without an SQS call: the mail pump looks after every request."""
        queue = sqs_backends[DEFAULT_ACCOUNT_ID][self.region].queues[self.template.physical_name(logical_id)]
        return len(queue.messages), queue.approximate_number_of_messages_not_visible

    def queue_arn(self, logical_id: str) -> str:
        return f"arn:aws:sqs:{self.region}:123456789012:{self.template.physical_name(logical_id)}"

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
        for configuration_set in (settings.ses_configuration_set, settings.code_mail_configuration_set):
            self.client("sesv2").create_configuration_set(ConfigurationSetName=configuration_set)

    def record(self, mails: list[dict[str, Any]]) -> None:
        """Put mails SES took into the outbox (the SendEmail hook calls this for the live LocalAws)."""
        sent_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self._lock:
            self._letters.extend(mail | {"sent_at": sent_at} for mail in mails)

    @property
    def outbox(self) -> list[dict[str, Any]]:
        """Every mail SES took, oldest first, once what was queued has been handed to the mail function."""
        if self.before_reading_outbox is not None:
            self.before_reading_outbox()
        with self._lock:
            return list(self._letters)

    def mails_to(self, address: str) -> list[dict[str, Any]]:
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


class _Refused:
    """The HTTP side of a refusal botocore is handed instead of calling SES."""

    status_code = 400
    content = b""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}


def _ses_as_told(**_: Any) -> tuple[_Refused, dict[str, Any]] | None:
    """SES late or throttling, as the live LocalAws was told (ses_delay_seconds, ses_throttle_every): a
    throttled call is answered as SES answers one over the account's sending rate, and sends nothing."""
    live = _live
    if live is None:
        return None
    if live.ses_delay_seconds:
        live.pause(live.ses_delay_seconds)
    with live._lock:
        live._ses_calls += 1
        throttled = bool(live.ses_throttle_every) and live._ses_calls % live.ses_throttle_every == 0
    if not throttled:
        return None
    error = {"Code": "Throttling", "Message": "Maximum sending rate exceeded.", "Type": "Sender"}
    return _Refused(), {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}


def _record_mail(http_response: Any, context: dict[str, Any], **_: Any) -> None:
    """Into the outbox goes only what SES took and delivers: a call refused or failed on the way sent nothing,
    and a message to a suppressed address is taken and dropped."""
    live = _live
    if live is None or not 200 <= getattr(http_response, "status_code", 0) < 300:
        return
    live.record([mail for mail in context.get("local_outbox", []) if mail["to"].lower() not in live.suppressed])
