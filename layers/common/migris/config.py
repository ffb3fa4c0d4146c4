"""Settings read from the environment that template.yaml sets (the dev server sets the same names)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

PositiveSeconds = Annotated[int, Field(ge=1)]


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    codes_table: str
    sessions_table: str
    accounts_table: str
    audit_table: str
    viisp_tickets_table: str
    # VIISP's pid, endpoints, pinned certificate and signing algorithm live under this SSM path; the service's
    # private key in this Secrets Manager secret.
    viisp_parameter_path: str
    viisp_key_secret: str
    viisp_ticket_seconds: PositiveSeconds = 900
    code_pepper_secret: str
    sender_email: str
    ses_configuration_set: str | None = None
    # The origin of the web pages: cookie-authenticated state changes must come from it.
    web_origin: str

    code_ttl_seconds: PositiveSeconds = 3600
    code_length: Annotated[int, Field(ge=1)] = 8
    code_max_attempts: Annotated[int, Field(ge=1)] = 5
    resend_cooldown_seconds: Annotated[int, Field(ge=0)] = 60
    max_codes_per_hour: Annotated[int, Field(ge=1)] = 5
    max_codes_per_day: Annotated[int, Field(ge=1)] = 10
    lockout_threshold: Annotated[int, Field(ge=1)] = 10
    lockout_seconds: PositiveSeconds = 900
    session_idle_seconds: PositiveSeconds = 1800
    session_max_seconds: PositiveSeconds = 43200

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values = {name: env[name.upper()] for name in cls.model_fields if env.get(name.upper()) not in (None, "")}
        return cls.model_validate(values)
