"""A mail on its way to SES, as the request that causes it puts it on the queue and the mail function reads it
back (DESIGN.md, Mail). The body is composed by the request, in the person's language, so the mail function
needs no account, pepper or language of its own; a code mail names its code (CodeMailRef) so that the mail
function can refuse to send a code that expired, was used or was replaced meanwhile."""

from __future__ import annotations

import secrets
from typing import Literal

from pydantic import BaseModel, ConfigDict

from migris.clock import DAY_SECONDS
from migris.domain.mail import CodeMailRef, Lane, MailKind, MailMessage

# A notice without a code of its own is worth sending for a day; after that it is a dead letter. (Its links, once
# notices carry any, live longer: the notice configuration set retries for SES's longest.)
NOTICE_MAIL_SECONDS = DAY_SECONDS


class QueuedMail(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    v: Literal[1] = 1
    id: str  # sent at most once: the mail function's ledger is keyed by it
    to: str
    subject: str
    text: str
    html: str
    kind: MailKind
    lane: Lane
    email_ref: str  # the address as logs know it (a keyed hash), never the address
    queued_at: int
    expires_at: int  # a code's own expiry; for a notice, NOTICE_MAIL_SECONDS after it was queued
    code: CodeMailRef | None = None

    @classmethod
    def of(
        cls,
        address: str,
        message: MailMessage,
        *,
        email_ref: str,
        kind: MailKind,
        code: CodeMailRef | None,
        lane: Lane | None,
        now: int,
    ) -> QueuedMail:
        return cls(
            id=f"code-{code.login_id}" if code is not None else f"notice-{secrets.token_urlsafe(16)}",
            to=address,
            subject=message.subject,
            text=message.text,
            html=message.html,
            kind=kind,
            lane=lane or ("priority" if kind == "notice" else "bulk"),
            email_ref=email_ref,
            queued_at=now,
            expires_at=code.expires_at if code is not None else now + NOTICE_MAIL_SECONDS,
            code=code,
        )
