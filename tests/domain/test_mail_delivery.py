"""The mail function's rules on their own (migris.domain.mail_delivery), over the real ledger on moto, with SES
and the code boxes faked: the send rate across copies, the priority lane first, at most once under a claim
another copy holds or left behind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from migris.dal.mail_ledger import MailLedgerRepository
from migris.domain.mail import CodeMailRef, MailMessage
from migris.domain.mail_delivery import CLAIM_SECONDS, MailDelivery, Outcome, Pace, SendLater, SesRefused
from migris.domain.queued_mail import QueuedMail
from migris.domain.records import CodeBox, LiveCode
from moto import mock_aws

from devserver.local_aws import create_table
from tests.helpers import FakeClock, local_dynamodb, local_dynamodb_client, local_template

MESSAGE = MailMessage(subject="MIGRIS", text="12345678", html="<p>12345678</p>")


class WallClock:
    """Wall-clock seconds that move only when the code under test sleeps."""

    def __init__(self, start: float = 1_900_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class Ses:
    sent: list[tuple[float, str]] = field(default_factory=list)
    refuse: int = 0
    wall: WallClock | None = None

    def send(self, mail: QueuedMail) -> None:
        if self.refuse:
            self.refuse -= 1
            raise SesRefused("Throttling")
        self.sent.append((self.wall() if self.wall else 0.0, mail.to))


class Boxes:
    """Every code is live unless told otherwise; dead letters are buried here too."""

    def __init__(self) -> None:
        self.dead: set[str] = set()
        self.failed: list[str] = []
        self.buried: list[str] = []  # the dead-letter queue

    def box(self, box_key: str) -> CodeBox | None:
        login_id = box_key.removeprefix("box-")
        if login_id in self.dead:
            return None
        live = LiveCode(code_hash="h", expires_at=2_000_000_000, attempts=0, source="s", issued_at=0)
        return CodeBox(key=box_key, codes={login_id: live}, newest_code={"s": login_id})

    def fail_mail(self, box_key: str, login_id: str, source: str) -> bool:
        self.failed.append(login_id)
        return True


@pytest.fixture
def ledger() -> Iterator[MailLedgerRepository]:
    template = local_template()
    with mock_aws():
        create_table(local_dynamodb().meta.client, template, "MailLedgerTable")
        yield MailLedgerRepository(local_dynamodb_client(), template.physical_name("MailLedgerTable"))


def code_mail(n: int, lane: str = "bulk", *, now: int = 1_800_000_000) -> str:
    code = CodeMailRef(box=f"box-{n}", login_id=str(n), source="s", expires_at=now + 3600)
    mail = QueuedMail.of(f"p{n}@example.lt", MESSAGE, email_ref=f"ref{n}", kind="code", code=code, lane=lane, now=now)  # type: ignore[arg-type]
    return mail.model_dump_json()


def delivery(
    ledger: MailLedgerRepository, wall: WallClock, *, rate: int = 14, priority_waiting=lambda: False
) -> tuple[MailDelivery, Ses, Boxes]:
    ses, boxes = Ses(wall=wall), Boxes()
    tokens = iter(range(10**6))
    pace = Pace(rate=rate, priority_waiting=priority_waiting, wall_clock=wall, sleep=wall.sleep)
    copy = MailDelivery(ledger, boxes, ses, pace, FakeClock(), lambda: f"t{next(tokens)}", boxes.buried.append)
    return copy, ses, boxes


def test_no_more_than_the_rate_goes_out_in_any_second_across_copies(ledger):
    wall = WallClock()
    # Two copies of the function share one ledger, as two containers share the table.
    first, first_ses, _ = delivery(ledger, wall, rate=3)
    second, second_ses, _ = delivery(ledger, wall, rate=3)
    for n in range(10):
        copy = first if n % 2 else second
        assert copy.deliver(code_mail(n), send_by=wall() + 60) is Outcome.SENT
    seconds = [int(at) for at, _ in first_ses.sent + second_ses.sent]
    assert len(seconds) == 10
    assert max(seconds.count(second) for second in set(seconds)) == 3
    assert wall() - 1_900_000_000.0 >= 3  # ten mails at three a second took the fourth second to begin


def test_a_mail_with_no_slot_before_its_copy_must_stop_goes_back_on_the_queue_unclaimed(ledger):
    wall = WallClock()
    copy, ses, _ = delivery(ledger, wall, rate=1)
    assert copy.deliver(code_mail(1), send_by=wall() + 60) is Outcome.SENT
    with pytest.raises(SendLater, match="paced"):
        copy.deliver(code_mail(2), send_by=wall() + 0.5)
    # The claim was released: the next delivery of that message sends it.
    assert copy.deliver(code_mail(2), send_by=wall() + 60) is Outcome.SENT
    assert [to for _, to in ses.sent] == ["p1@example.lt", "p2@example.lt"]


def test_a_bulk_mail_waits_while_the_priority_lane_has_mail(ledger):
    wall = WallClock()
    polls = iter([True, True, True, False])
    copy, ses, _ = delivery(ledger, wall, priority_waiting=lambda: next(polls))
    assert copy.deliver(code_mail(1), send_by=wall() + 60) is Outcome.SENT
    assert len(wall.slept) == 3 and len(ses.sent) == 1
    # A priority mail never waits for the lane it is on.
    copy, _, _ = delivery(ledger, wall, priority_waiting=lambda: True)
    assert copy.deliver(code_mail(2, "priority"), send_by=wall() + 60) is Outcome.SENT
    with pytest.raises(SendLater):
        copy.deliver(code_mail(3, "bulk"), send_by=wall() + 1)


def test_a_copy_finding_another_copys_live_claim_sends_nothing_and_tries_later(ledger):
    wall = WallClock()
    copy, ses, _ = delivery(ledger, wall)
    clock = FakeClock()
    assert (
        ledger.claim(
            "code-7",
            "other",
            now=int(clock.now()),
            claim_until=int(clock.now()) + CLAIM_SECONDS,
            keep_until=int(clock.now()) + 99999,
        ).value
        == "claimed"
    )
    with pytest.raises(SendLater, match="in_flight"):
        copy.deliver(code_mail(7, now=int(clock.now())), send_by=wall() + 60)
    assert ses.sent == []


def test_a_claim_whose_holder_died_before_ses_answered_is_never_sent_again(ledger):
    wall = WallClock()
    clock = FakeClock()
    now = int(clock.now())
    ledger.claim("code-8", "died", now=now - CLAIM_SECONDS - 1, claim_until=now - 1, keep_until=now + 99999)
    copy, ses, boxes = delivery(ledger, wall)
    assert copy.deliver(code_mail(8, now=now), send_by=wall() + 60) is Outcome.ALREADY_HANDLED
    assert ses.sent == [] and boxes.failed == []  # at most once: it may have gone, so its code is not burned


def test_ses_refusing_releases_the_claim_for_the_next_delivery(ledger):
    wall = WallClock()
    copy, ses, _ = delivery(ledger, wall)
    ses.refuse = 2
    for _ in range(2):
        with pytest.raises(SendLater, match="Throttling"):
            copy.deliver(code_mail(9), send_by=wall() + 60)
    assert copy.deliver(code_mail(9), send_by=wall() + 60) is Outcome.SENT
    assert copy.deliver(code_mail(9), send_by=wall() + 60) is Outcome.ALREADY_HANDLED
    assert len(ses.sent) == 1


def test_a_final_failure_is_handled_once_however_often_its_message_comes(ledger):
    wall = WallClock()
    copy, ses, boxes = delivery(ledger, wall)
    late = code_mail(10, now=1_800_000_000 - 3600)  # its code expired when FakeClock's day began
    assert copy.deliver(late, send_by=wall() + 60) is Outcome.DEAD
    assert copy.deliver(late, send_by=wall() + 60) is Outcome.ALREADY_HANDLED
    assert boxes.failed == ["10"] and boxes.buried == [late]
    boxes.dead.add("11")
    replaced = code_mail(11)
    assert copy.deliver(replaced, send_by=wall() + 60) is Outcome.NOT_SENT
    assert copy.deliver(replaced, send_by=wall() + 60) is Outcome.ALREADY_HANDLED
    assert ses.sent == []


@pytest.mark.parametrize("body", ["", "not json", '{"v": 2}', '{"id": "x"}'])
def test_a_message_that_cannot_be_read_is_a_dead_letter_and_touches_nothing(ledger, body):
    wall = WallClock()
    copy, ses, boxes = delivery(ledger, wall)
    assert copy.deliver(body, send_by=wall() + 60) is Outcome.DEAD
    assert ses.sent == [] and boxes.failed == [] and boxes.buried == [body]


def test_a_final_failure_whose_work_fails_half_way_is_done_again_by_the_next_delivery(ledger):
    wall = WallClock()
    copy, _, boxes = delivery(ledger, wall)
    buried: list[str] = []
    failures = iter([RuntimeError("SendMessage: ServiceUnavailable")])

    def bury(body: str) -> None:
        error = next(failures, None)
        if error is not None:
            raise error
        buried.append(body)

    copy._dead_letters = bury
    late = code_mail(12, now=1_800_000_000 - 3600)
    with pytest.raises(RuntimeError):
        copy.deliver(late, send_by=wall() + 60)
    assert copy.deliver(late, send_by=wall() + 60) is Outcome.DEAD
    assert buried == [late] and boxes.failed == ["12", "12"]  # burned again: idempotent, and given back once
