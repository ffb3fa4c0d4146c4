"""One send is one attempt at SES: botocore's own retries would try a throttled send again within one send slot
(past MailSendRate, with backoff the 10 s function may not live through, leaving a claim never sent nor burned),
and send again a mail whose connection broke after the request left (a second mail: not "at most once"). The
mail function owns the retries (the queue)."""

from __future__ import annotations

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from migris.domain.mail import CodeMailRef, MailMessage
from migris.domain.mail_delivery import SesRefused
from migris.domain.queued_mail import QueuedMail
from migris.wiring import Services

THROTTLED = (
    b'<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>'
    b"<Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error>"
    b"<RequestId>r</RequestId></ErrorResponse>"
)


def test_one_send_is_one_attempt_at_ses(stack, monkeypatch):
    session = boto3.session.Session(
        region_name="eu-north-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    services = Services(stack.aws.settings, boto_session=session)
    sender = services.mail_delivery._sender  # the SesMailer, as a Lambda container builds it
    attempts: list[str] = []

    def ses_throttles(request, **_):
        attempts.append(request.url)
        return _Raw(request.url)

    client = sender._ses
    client.meta.events.register_first("before-send.ses.SendEmail", ses_throttles)
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda seconds: None)
    code = CodeMailRef(box="b", login_id="l", source="s", expires_at=2_000_000_000)
    mail = QueuedMail.of(
        "ona@example.lt",
        MailMessage("s", "t", "h"),
        email_ref="r",
        kind="code",
        code=code,
        lane="bulk",
        now=1_900_000_000,
    )
    with pytest.raises(SesRefused):
        sender.send(mail)
    assert len(attempts) == 1, f"{len(attempts)} SendEmail attempts for one send"


class _Raw(AWSResponse):
    def __init__(self, url: str) -> None:
        super().__init__(url, 400, {"Content-Type": "text/xml"}, None)

    @property
    def content(self) -> bytes:  # type: ignore[override]
        return THROTTLED
