"""Settings read from the environment that template.yaml sets (the local stack sets the same from the template).

Nothing here has a default: template.yaml's parameters are the one place a default lives, and a variable the
template sets but the environment lacks is a deployment fault, reported by name rather than papered over."""

from __future__ import annotations

import ipaddress
import os
import re
import types
from collections.abc import Mapping
from typing import Annotated, Union, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

PositiveSeconds = Annotated[int, Field(ge=1)]
DEFAULT_PORTS = {"http": 80, "https": 443}
_BASE_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]+)*")


def origin_of(url: str) -> str:
    """The origin of a URL as a browser writes it in `Origin`: lower-case scheme and host, the port only when
    it is not the scheme's default."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    shown_port = f":{port}" if port is not None and port != DEFAULT_PORTS.get(parts.scheme) else ""
    return f"{parts.scheme}://{host}{shown_port}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checked_base_url(value: str, *, base_path: bool) -> str:
    """`value` if browsers may be sent to it: https (http only on a loopback host, for the local stack), a
    host, no user, query or fragment, written as a browser writes it; with `base_path`, a path such as `/v1`
    may follow (no trailing slash), else it must be a bare origin. ValueError saying what is wrong otherwise."""
    if not value.isascii() or not value.isprintable() or any(c in value for c in " ?#\\@"):
        raise ValueError("must be a plain URL: no spaces, user, query or fragment")
    parts = urlsplit(value)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError("must be an https URL with a host")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError("must be https (http only on a loopback address)")
    if parts.path and not (base_path and _BASE_PATH.fullmatch(parts.path)):
        raise ValueError("must be a base URL with no trailing slash" if base_path else "must be an origin, no path")
    if any(segment in {".", ".."} for segment in parts.path.split("/")):
        raise ValueError("must not hold . or .. segments")
    canonical = origin_of(value) + parts.path
    if value != canonical:
        raise ValueError(f"must be written {canonical}")
    return value


def checked_contact_url(value: str) -> str:
    """`value` if a mail may link to it: an https page (a path and a query allowed, as on a department's site),
    no spaces, no user, no fragment. ValueError saying what is wrong otherwise."""
    if not value.isascii() or not value.isprintable() or any(c in value for c in ' "<>\\@#'):
        raise ValueError("must be a plain URL: no spaces, quotes, user or fragment")
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("must be an https URL with a host")
    return value


class MissingEnvironmentError(RuntimeError):
    """Variables the template sets are missing from the environment (or empty where empty means nothing)."""

    def __init__(self, names: list[str]) -> None:
        self.names = tuple(names)
        super().__init__(
            f"environment variable{'s' if len(names) > 1 else ''} {', '.join(names)} not set: "
            "template.yaml sets every one (see its Globals Environment); outside Lambda, take them from "
            "devserver.template.Template.function_environment()"
        )


def _may_be_empty(annotation: object) -> bool:
    """A field that admits None is one the template may leave empty (an empty parameter means: not set)."""
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


class Settings(BaseModel):
    """One value per variable of the template's environment, named as the variable in lower case."""

    model_config = ConfigDict(frozen=True)

    codes_table: str
    sessions_table: str
    passkeys_table: str
    accounts_table: str
    audit_table: str
    activity_table: str
    viisp_tickets_table: str
    # VIISP's pid, endpoints, pinned certificate and signing algorithm are one JSON secret; the service's private
    # key is another (both in Secrets Manager: one client for the two).
    viisp_settings_secret: str
    viisp_key_secret: str
    viisp_ticket_seconds: PositiveSeconds
    code_pepper_secret: str
    # The x-origin-verify value our CloudFront distribution adds to API requests: the proof that lets the
    # service take the client's address from True-Client-IP (migris.http.body.source_ip).
    origin_verify_secret: str
    sender_email: str
    # Notices go through this configuration set, code mails through the code one (its delivery cap ends SES's
    # retries when a code is near its end).
    ses_configuration_set: str
    code_mail_configuration_set: str
    # The mail queues (SQS URLs): the priority lane, the bulk lane and the dead letters; the mail ledger table.
    priority_mail_queue_url: str
    bulk_mail_queue_url: str
    dead_mail_queue_url: str
    mail_ledger_table: str
    # The erasure queue (SQS URL): what an erasure's request leaves undone, the erase function finishes from it.
    erasure_queue_url: str
    mail_send_rate: Annotated[int, Field(ge=1)]
    # The origin of the web pages: cookie-authenticated state changes must come from it.
    web_origin: str
    # The base URL browsers reach this API at (a base path such as /v1 allowed); empty, the web origin (the
    # pages and the API share one origin behind the CDN). Every absolute URL the service builds starts at one
    # of these two, never at a request header.
    public_api_url: str | None
    # The Migration Department's contact page (ContactUrl): where a notice sends a person it was not about.
    contact_url: str

    code_ttl_seconds: PositiveSeconds
    code_length: Annotated[int, Field(ge=1)]
    code_max_attempts: Annotated[int, Field(ge=1)]
    resend_cooldown_seconds: Annotated[int, Field(ge=0)]
    max_codes_per_hour: Annotated[int, Field(ge=1)]
    max_codes_per_day: Annotated[int, Field(ge=1)]
    max_codes_per_address_per_day: Annotated[int, Field(ge=1)]
    lockout_threshold: Annotated[int, Field(ge=1)]
    lockout_seconds: PositiveSeconds
    session_idle_seconds: PositiveSeconds
    session_max_seconds: PositiveSeconds
    device_seconds: PositiveSeconds
    max_devices_per_account: Annotated[int, Field(ge=1)]
    device_reserve_codes: Annotated[int, Field(ge=1)]
    max_passkeys: Annotated[int, Field(ge=1)]
    passkey_challenge_seconds: PositiveSeconds
    not_me_token_seconds: PositiveSeconds
    # A recovery of a lost mailbox completes this long after the new address confirmed it (the old one may cancel).
    recovery_hold_seconds: PositiveSeconds
    # How recent a sign-in must be for a passkey's creation or removal, a link, the export and the erasure.
    fresh_sign_in_seconds: PositiveSeconds
    # The time one check of an address's domain in public DNS may take, all its queries together.
    mx_lookup_millis: Annotated[int, Field(ge=1)]

    @field_validator("web_origin")
    @classmethod
    def _web_origin(cls, value: str) -> str:
        return checked_base_url(value, base_path=False)

    @field_validator("public_api_url")
    @classmethod
    def _public_api_url(cls, value: str | None) -> str | None:
        return None if value is None else checked_base_url(value, base_path=True)

    @field_validator("contact_url")
    @classmethod
    def _contact_url(cls, value: str) -> str:
        return checked_contact_url(value)

    @property
    def api_base_url(self) -> str:
        """Where this API's routes hang, for the absolute URLs the service builds (VIISP's postbackUrl)."""
        return self.public_api_url or self.web_origin

    @staticmethod
    def variable(field: str) -> str:
        """The environment variable a field is read from."""
        return field.upper()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Every variable must be present; empty counts as absent, except where the field admits None (then
        it is None). MissingEnvironmentError names all that are missing; a value of the wrong form is
        pydantic's ValidationError, naming the field."""
        env = os.environ if environ is None else environ
        values: dict[str, str | None] = {}
        missing: list[str] = []
        for name, field in cls.model_fields.items():
            value = env.get(cls.variable(name), "")
            if value:
                values[name] = value
            elif _may_be_empty(field.annotation) and cls.variable(name) in env:
                values[name] = None
            else:
                missing.append(cls.variable(name))
        if missing:
            raise MissingEnvironmentError(missing)
        return cls.model_validate(values)
