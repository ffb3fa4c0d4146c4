"""Mail through SES v2: the sign-in code message in Lithuanian or English, and the sender.

The message holds no text the user typed; an address on the SES account suppression list gets no mail."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from migris.observability import log_event
from migris.validation import Language


@dataclass(frozen=True)
class MailMessage:
    subject: str
    text: str
    html: str


def _lt_minutes(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} minutę"
    if 2 <= n % 10 <= 9 and not 12 <= n % 100 <= 19:
        return f"{n} minutes"
    return f"{n} minučių"


def _en_minutes(n: int) -> str:
    return "1 minute" if n == 1 else f"{n} minutes"


def _validity_minutes(ttl_seconds: int) -> int:
    return max(1, ttl_seconds // 60)


_TEXTS: dict[Language, dict[str, str]] = {
    "lt": {
        "subject": "MIGRIS prisijungimo kodas",
        "intro": "Jūsų MIGRIS prisijungimo kodas:",
        "valid": "Kodas galioja {duration}. Kiekvieną kartą jungiantis siunčiamas naujas kodas, "
        "o ankstesnis nebegalioja.",
        "ignore": "Jei prisijungti neprašėte, nieko nedarykite: be šio kodo niekas negali prisijungti. "
        "Kodo niekam nesakykite; MIGRIS darbuotojai jo niekada neklaus.",
        "signature": "Migracijos departamentas",
    },
    "en": {
        "subject": "Your MIGRIS sign-in code",
        "intro": "Your MIGRIS sign-in code:",
        "valid": "The code is valid for {duration}. Every new sign-in sends a new code, "
        "and the previous one stops working.",
        "ignore": "If you did not ask to sign in, do nothing: nobody can sign in without this code. "
        "Do not share the code; MIGRIS staff will never ask for it.",
        "signature": "Migration Department",
    },
}


def login_code_message(language: Language, code: str, ttl_seconds: int) -> MailMessage:
    texts = _TEXTS[language]
    minutes = _validity_minutes(ttl_seconds)
    duration = _lt_minutes(minutes) if language == "lt" else _en_minutes(minutes)
    valid = texts["valid"].format(duration=duration)
    text = f"{texts['intro']}\n\n    {code}\n\n{valid}\n\n{texts['ignore']}\n\n{texts['signature']}\n"
    body = (
        f'<!doctype html><html lang="{language}"><body>'
        f"<p>{html.escape(texts['intro'])}</p>"
        f'<p style="font-size:28px;font-weight:bold;letter-spacing:4px">{html.escape(code)}</p>'
        f"<p>{html.escape(valid)}</p><p>{html.escape(texts['ignore'])}</p>"
        f"<p>{html.escape(texts['signature'])}</p></body></html>"
    )
    return MailMessage(subject=texts["subject"], text=text, html=body)


class Mailer:
    def __init__(self, sesv2: Any, sender: str, configuration_set: str | None) -> None:
        self._ses = sesv2
        self._sender = sender
        self._configuration_set = configuration_set

    def is_suppressed(self, address: str) -> bool:
        try:
            self._ses.get_suppressed_destination(EmailAddress=address)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NotFoundException":
                return False
            raise
        return True

    def deliver(self, address: str, message: MailMessage, *, email_ref: str) -> bool:
        """Send unless suppressed. A failure at SES is logged and counted, not shown to the person: the
        answer must not depend on the address."""
        try:
            if self.is_suppressed(address):
                log_event("code_suppressed", email_ref=email_ref)
                return False
            request: dict[str, Any] = {
                "FromEmailAddress": self._sender,
                "Destination": {"ToAddresses": [address]},
                "Content": {
                    "Simple": {
                        "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                        "Body": {
                            "Text": {"Data": message.text, "Charset": "UTF-8"},
                            "Html": {"Data": message.html, "Charset": "UTF-8"},
                        },
                    }
                },
            }
            if self._configuration_set:
                request["ConfigurationSetName"] = self._configuration_set
            self._ses.send_email(**request)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "unknown")
            log_event("mail_send_failed", level="error", email_ref=email_ref, error_code=code)
            return False
        log_event("code_sent", email_ref=email_ref)
        return True
