"""The mail function's rules (migris.domain.mail_delivery) at the edges of time: no send past the copy's deadline,
no code mailed after it ended while its mail waited for a slot, no claim left behind by a failure before SES."""

from __future__ import annotations

import contextlib

from migris.domain.mail import CodeMailRef
from migris.domain.mail_delivery import MailDelivery, Outcome, Pace, SendLater
from migris.domain.queued_mail import QueuedMail

from tests.domain.test_mail_delivery import MESSAGE, Boxes, Ses, WallClock, ledger  # noqa: F401 (fixture)
from tests.helpers import FakeClock


def _mail(n: int, *, now: int, expires_at: int) -> str:
    code = CodeMailRef(box=f"box-{n}", login_id=str(n), source="s", expires_at=expires_at)
    return QueuedMail.of(
        f"p{n}@example.lt", MESSAGE, email_ref=f"r{n}", kind="code", code=code, lane="bulk", now=now
    ).model_dump_json()


def test_a_copy_past_its_deadline_starts_no_send(ledger):  # noqa: F811
    """`send_by` is when the copy must have stopped (its 10 s timeout less 2 s). _slot tries take_slot before it
    compares the time with send_by, so a batch whose earlier sends ran late (a slow SES) still starts sends after
    the deadline: the function times out inside SendEmail, its claim stays `sending`, and 15 minutes later the mail
    is dropped as ABANDONED, neither sent again nor burned."""
    wall = WallClock()
    ses, boxes = Ses(wall=wall), Boxes()
    pace = Pace(rate=14, priority_waiting=lambda: False, wall_clock=wall, sleep=wall.sleep)
    copy = MailDelivery(ledger, boxes, ses, pace, FakeClock(), lambda: "t", boxes.buried.append)
    now = int(FakeClock().now())
    try:
        outcome = copy.deliver(_mail(1, now=now, expires_at=now + 3600), send_by=wall() - 5)
    except SendLater:
        outcome = None
    assert ses.sent == [], f"sent after the copy's deadline ({outcome})"


def test_a_code_that_expires_while_its_mail_waits_for_a_slot_is_not_mailed(ledger):  # noqa: F811
    """Expiry (and used/replaced) are checked once, before the claim; the wait for a send slot (up to the copy's
    deadline, ~8 s) comes after, so a code with a second left is mailed after it expired."""
    wall = WallClock()
    clock = FakeClock()

    def sleep(seconds: float) -> None:  # the domain clock and the wall clock are one clock in AWS
        wall.sleep(seconds)
        clock.advance(seconds)

    ses, boxes = Ses(wall=wall), Boxes()
    pace = Pace(rate=1, priority_waiting=lambda: False, wall_clock=wall, sleep=sleep)
    copy = MailDelivery(ledger, boxes, ses, pace, clock, iter(f"t{n}" for n in range(99)).__next__, boxes.buried.append)
    now = int(clock.now())
    assert copy.deliver(_mail(1, now=now, expires_at=now + 3600), send_by=wall() + 8) is Outcome.SENT
    # This second's only slot is taken: the next mail waits a second for one; its code ends meanwhile.
    with contextlib.suppress(SendLater):
        copy.deliver(_mail(2, now=now, expires_at=int(clock.now()) + 1), send_by=wall() + 8)
    assert [to for _, to in ses.sent] == ["p1@example.lt"], f"mailed at {clock.now()} after its code ended"


def test_a_failure_before_ses_was_asked_does_not_strand_the_claim(ledger):  # noqa: F811
    """Between the claim and SendEmail the mail function reads the priority lane's depth (sqs:GetQueueAttributes)
    and takes a slot (a DynamoDB write); either can raise (throttling, a 5xx after botocore's retries). Nothing
    went to SES, but the claim stays `sending`: every delivery in the next 15 minutes is `in_flight`, and then the
    mail is ABANDONED, never sent and its code never burned, no dead letter. The claim must be released on any
    failure before SES is asked (or the slot taken before the claim)."""
    wall = WallClock()
    clock = FakeClock()
    failures = iter([RuntimeError("GetQueueAttributes: ThrottlingException")])

    def priority_waiting() -> bool:
        error = next(failures, None)
        if error is not None:
            raise error
        return False

    ses, boxes = Ses(wall=wall), Boxes()
    pace = Pace(rate=14, priority_waiting=priority_waiting, wall_clock=wall, sleep=wall.sleep)
    copy = MailDelivery(ledger, boxes, ses, pace, clock, iter(f"t{n}" for n in range(99)).__next__, boxes.buried.append)
    now = int(clock.now())
    body = _mail(3, now=now, expires_at=now + 3600)
    # The record is reported back: SQS hands it over again after the visibility timeout.
    with contextlib.suppress(RuntimeError):
        copy.deliver(body, send_by=wall() + 8)
    clock.advance(61)
    wall.sleep(61)
    try:
        outcome = copy.deliver(body, send_by=wall() + 8)
    except SendLater as later:
        outcome = later.reason
    assert outcome is Outcome.SENT and [to for _, to in ses.sent] == ["p3@example.lt"], outcome
