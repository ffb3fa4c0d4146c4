"""Mail through SES v2. An address on the SES account suppression list gets no mail."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from botocore.exceptions import ClientError

from migris.domain.mail import MailMessage
from migris.observability import log_event


class Mailer:
    def __init__(self, sesv2: Callable[[], Any], sender: str, configuration_set: str | None) -> None:
        """`sesv2` makes the SES v2 client, on the first mail: a request that sends none never loads SES's model."""
        self._make_ses = sesv2
        self._sender = sender
        self._configuration_set = configuration_set

    @cached_property
    def _ses(self) -> Any:
        return self._make_ses()

    def is_suppressed(self, address: str) -> bool:
        try:
            self._ses.get_suppressed_destination(EmailAddress=address)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NotFoundException":
                return False
            raise
        return True

    def deliver(self, address: str, message: MailMessage, *, email_ref: str, kind: str = "code") -> bool:
        """Send unless suppressed. A failure at SES is logged and counted, not shown to the person: the
        answer must not depend on the address."""
        try:
            if self.is_suppressed(address):
                log_event(f"{kind}_suppressed", email_ref=email_ref)
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
            log_event("mail_send_failed", level="error", email_ref=email_ref, kind=kind, error_code=code)
            return False
        log_event(f"{kind}_sent", email_ref=email_ref)
        return True
