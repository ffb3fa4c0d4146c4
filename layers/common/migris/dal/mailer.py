"""Mail through SES, for the mail function (functions/send_mail). An address on the account's suppression list
gets no mail: SES itself takes the message and drops it (a bounce event of subtype OnAccountSuppressionList), so a
send needs no lookup of its own. Code mails go through the code configuration set, whose delivery cap ends SES's
own retries when the code is near its end; notices through the notice set (template.yaml, DESIGN.md Mail).

The client is SES's first API (`ses`), not SES v2: both send the same message under the same IAM action
(`ses:SendEmail`) through the same identity and configuration set, and the first API's model is a third the
size, which a cold start reads and builds (about 7 ms against 20 ms)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError

from migris.domain.mail import MailKind
from migris.domain.mail_delivery import SesRefused
from migris.domain.queued_mail import QueuedMail


class SesMailer:
    def __init__(self, ses: Callable[[], Any], sender: str, configuration_sets: dict[MailKind, str]) -> None:
        self._make_ses = ses
        self._sender = sender
        self._configuration_sets = configuration_sets

    @cached_property
    def _ses(self) -> Any:
        return self._make_ses()

    def send(self, mail: QueuedMail) -> None:
        """Hand the mail to SES; SesRefused when SES answered no or could not be reached (nothing went out). A
        failure after the request left (a read timeout) is raised as it is: SES may have taken the mail."""
        request: dict[str, Any] = {
            "Source": self._sender,
            "Destination": {"ToAddresses": [mail.to]},
            "Message": {
                "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": mail.text, "Charset": "UTF-8"},
                    "Html": {"Data": mail.html, "Charset": "UTF-8"},
                },
            },
        }
        configuration_set = self._configuration_sets.get(mail.kind)
        if configuration_set:
            request["ConfigurationSetName"] = configuration_set
        try:
            self._ses.send_email(**request)
        except ClientError as error:
            raise SesRefused(str(error.response.get("Error", {}).get("Code", "unknown"))) from None
        except EndpointConnectionError:
            raise SesRefused("endpoint_unreachable") from None
