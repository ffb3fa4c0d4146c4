"""Mail through SES. An address on the account's suppression list gets no mail: SES itself takes the message and
drops it (a bounce event of subtype OnAccountSuppressionList), so a send needs no lookup of its own.

The client is SES's first API (`ses`), not SES v2: both send the same message under the same IAM action
(`ses:SendEmail`) through the same identity and configuration set, and the first API's model is a third the
size, which a cold start reads and builds (about 7 ms against 20 ms)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from botocore.exceptions import ClientError

from migris.domain.mail import MailMessage
from migris.observability import log_event


class Mailer:
    def __init__(self, ses: Callable[[], Any], sender: str, configuration_set: str | None) -> None:
        """`ses` makes the SES client, on the first mail: a request that sends none never loads SES's model."""
        self._make_ses = ses
        self._sender = sender
        self._configuration_set = configuration_set

    @cached_property
    def _ses(self) -> Any:
        return self._make_ses()

    def deliver(self, address: str, message: MailMessage, *, email_ref: str, kind: str = "code") -> bool:
        """Hand the message to SES. A failure at SES is logged and counted, not shown to the person: the answer
        must not depend on the address."""
        request: dict[str, Any] = {
            "Source": self._sender,
            "Destination": {"ToAddresses": [address]},
            "Message": {
                "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": message.text, "Charset": "UTF-8"},
                    "Html": {"Data": message.html, "Charset": "UTF-8"},
                },
            },
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            self._ses.send_email(**request)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "unknown")
            log_event("mail_send_failed", level="error", email_ref=email_ref, kind=kind, error_code=code)
            return False
        log_event(f"{kind}_sent", email_ref=email_ref)
        return True
