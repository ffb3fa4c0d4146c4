"""moto-backed AWS for the local stack and the tests, built from template.yaml.

Where moto falls short (checked with moto 5.2.5), this is the one place that fills in:
- moto never expires TTL items: nothing to fill, the code checks every expiry itself.
- moto keeps only one body part of an SES v2 message: a botocore hook on SendEmail records the whole
  message (text and HTML) in `outbox` before moto sees it.
- moto has no SES suppression-list calls (GetSuppressedDestination raises NotImplementedError): a hook
  answers them from `suppressed`, as SES would (NotFoundException when the address is not listed).
- moto checks IAM actions but not resources or conditions: the template tests prove IAM instead.
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import boto3
from migris.clock import Clock
from migris.config import Settings
from migris.viisp.transport import SoapTransport
from migris.wiring import Services
from moto import mock_aws

from devserver.template import Template

REGION = "eu-north-1"


class _HookResponse:
    """The little of an HTTP response that botocore reads from a before-call hook's answer."""

    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self.headers: dict[str, str] = {}
        self.content = b""
        self.text = ""


class LocalAws:
    def __init__(self, template: Template, region: str = REGION) -> None:
        self.template = template
        self.region = region
        self.outbox: list[dict[str, Any]] = []
        self.suppressed: set[str] = set()
        self._lock = threading.Lock()
        self._mock = mock_aws()
        self.session = boto3.session.Session(
            aws_access_key_id="local",
            aws_secret_access_key="local",
            region_name=region,
        )

    def __enter__(self) -> LocalAws:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        self._mock.start()
        self.session.events.register("before-parameter-build.sesv2.SendEmail", self._read_mail)
        self.session.events.register("after-call.sesv2.SendEmail", self._record_mail)
        self.session.events.register("before-call.sesv2.GetSuppressedDestination", self._suppression_lookup)
        self._create_tables()
        self._create_secrets()
        self._create_parameters()
        self._create_mail_identity()

    def stop(self) -> None:
        self._mock.stop()

    @property
    def environment(self) -> dict[str, str]:
        return self.template.function_environment()

    @property
    def settings(self) -> Settings:
        return Settings.from_env(self.environment)

    def services(self, clock: Clock | None = None, viisp_transport: SoapTransport | None = None) -> Services:
        return Services(self.settings, clock=clock, boto_session=self.session, viisp_transport=viisp_transport)

    # --- set-up from the template ---

    def _create_tables(self) -> None:
        client = self.session.client("dynamodb")
        for logical_id, resource in self.template.tables().items():
            properties = resource["Properties"]
            request: dict[str, Any] = {
                "TableName": self.template.physical_name(logical_id),
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

    def _create_secrets(self) -> None:
        client = self.session.client("secretsmanager")
        for logical_id, resource in self.template.resources.items():
            if resource.get("Type") == "AWS::SecretsManager::Secret":
                # Made fresh at every start, as CloudFormation's GenerateSecretString does at deploy.
                client.create_secret(Name=self.template.physical_name(logical_id), SecretString=secrets.token_hex(32))

    def _create_parameters(self) -> None:
        client = self.session.client("ssm")
        for resource in self.template.resources.values():
            if resource.get("Type") == "AWS::SSM::Parameter":
                properties = self.template.resolve(resource["Properties"])
                client.put_parameter(Name=properties["Name"], Value=properties["Value"], Type=properties["Type"])

    def put_parameter(self, name: str, value: str) -> None:
        self.session.client("ssm").put_parameter(Name=name, Value=value, Type="String", Overwrite=True)

    def put_secret(self, logical_id: str, value: str) -> None:
        name = self.template.physical_name(logical_id)
        self.session.client("secretsmanager").put_secret_value(SecretId=name, SecretString=value)

    def _create_mail_identity(self) -> None:
        settings = self.settings
        ses = self.session.client("ses")
        ses.verify_email_identity(EmailAddress=settings.sender_email)
        if settings.ses_configuration_set:
            self.session.client("sesv2").create_configuration_set(ConfigurationSetName=settings.ses_configuration_set)

    # --- the gaps ---

    def _read_mail(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        simple = params.get("Content", {}).get("Simple", {})
        body = simple.get("Body", {})
        context["local_outbox"] = [
            {
                "to": address,
                "subject": simple.get("Subject", {}).get("Data", ""),
                "text": body.get("Text", {}).get("Data", ""),
                "html": body.get("Html", {}).get("Data", ""),
            }
            for address in params.get("Destination", {}).get("ToAddresses", [])
        ]

    def _record_mail(self, http_response: Any, context: dict[str, Any], **_: Any) -> None:
        """Into the outbox goes only what SES took: a call refused or failed on the way sent nothing."""
        if not 200 <= getattr(http_response, "status_code", 0) < 300:
            return
        sent_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self._lock:
            self.outbox.extend(mail | {"sent_at": sent_at} for mail in context.get("local_outbox", []))

    def _suppression_lookup(self, params: dict[str, Any], **_: Any) -> tuple[_HookResponse, dict[str, Any]]:
        address = unquote(str(params.get("url_path", "")).rsplit("/", 1)[-1]).lower()
        if address in self.suppressed:
            return _HookResponse(200), {
                "SuppressedDestination": {"EmailAddress": address, "Reason": "BOUNCE"},
                "ResponseMetadata": {"HTTPStatusCode": 200},
            }
        return _HookResponse(404), {
            "Error": {"Code": "NotFoundException", "Message": f"{address} is not on the suppression list"},
            "ResponseMetadata": {"HTTPStatusCode": 404},
        }

    def mails_to(self, address: str) -> list[dict[str, Any]]:
        with self._lock:
            return [mail for mail in self.outbox if mail["to"] == address]
