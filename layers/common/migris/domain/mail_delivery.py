"""The mail function's rules (DESIGN.md, Mail): every queued mail is sent through SES at most once, no code is
mailed once it expired, was used or was replaced, SES's refusals and throttling are tried again until the mail's
time is up, and a mail that finally fails burns its code (its send given back to the address only if no try at
that code was counted, so the guessing bound holds).

SQS delivers a message at least once, so a send is guarded by a ledger entry written before SendEmail: the
first delivery claims the mail, the claim becomes `sent` once SES took it, and is released only when SES said
no (nothing went out), so a later delivery may try again. A claim whose holder died between the claim and SES's
answer is never taken over: the mail may have gone, and at most once means it is not sent again. A final
failure is written to the ledger once, so its consequences (the burn, the give-back) happen once.

Sends are paced across every copy of the function: at most `rate` a second in all, and a bulk mail waits while
the priority lane has mail waiting, so a wave of sign-ins waits in the queue instead of being throttled away."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pydantic import ValidationError

from migris.clock import DAY_SECONDS, Clock
from migris.domain.codes import gave_way
from migris.domain.events import log_event
from migris.domain.mail import Lane
from migris.domain.queued_mail import QueuedMail
from migris.domain.records import CodeBox

# How long a claim stands for a send under way: longer than the mail function may run.
CLAIM_SECONDS = 900
# How long the ledger remembers a mail: longer than SQS keeps a message, so a late copy still finds its entry.
LEDGER_SECONDS = 15 * DAY_SECONDS
# How often a bulk mail looks again whether the priority lane has emptied.
PACE_POLL_SECONDS = 0.05


class Outcome(enum.Enum):
    SENT = "sent"
    ALREADY_HANDLED = "already_handled"  # a copy of a mail that was sent, or failed finally, before
    NOT_SENT = "not_sent"  # final: the code expired, was used or was replaced before its mail went
    DEAD = "dead"  # final: the mail's time ran out (or it cannot be read); it goes to the dead-letter queue


class SendLater(Exception):
    """Not sent now, nothing lost: the message goes back on the queue and is tried again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ClaimState(enum.Enum):
    CLAIMED = "claimed"  # this delivery holds the mail
    SENT = "sent"
    FAILED = "failed"
    IN_FLIGHT = "in_flight"  # another delivery holds a live claim
    ABANDONED = "abandoned"  # a claim whose holder never said how SES answered


class SesRefused(Exception):
    """SES answered with an error (a refusal or throttling): the mail did not go out."""

    def __init__(self, error_code: str) -> None:
        super().__init__(error_code)
        self.error_code = error_code


class MailLedger(Protocol):
    def claim(self, mail_id: str, token: str, *, now: int, claim_until: int, keep_until: int) -> ClaimState: ...

    def mark_sent(self, mail_id: str, token: str) -> None: ...

    def release(self, mail_id: str, token: str) -> None: ...

    def give_up(self, mail_id: str, *, keep_until: int) -> bool:
        """Record the final failure unless the ledger knows the mail already; whether this call recorded it."""
        ...

    def forget_failure(self, mail_id: str) -> None:
        """Undo give_up (its work did not finish): the next delivery handles the failure again."""
        ...

    def take_slot(self, second: int, rate: int) -> bool: ...


class CodeBoxes(Protocol):
    def box(self, box_key: str) -> CodeBox | None: ...

    def fail_mail(self, box_key: str, login_id: str, source: str) -> bool:
        """Burn the code of a mail that finally failed and give its send back if no try at it was counted;
        whether the send was given back."""
        ...


class Sender(Protocol):
    def send(self, mail: QueuedMail) -> None:
        """Hand the mail to SES; SesRefused when SES said no (nothing went out)."""
        ...


@dataclass(frozen=True)
class Pace:
    """At most `rate` sends a second across every copy of the function (a counter a second in the ledger); a bulk
    mail waits while `priority_waiting()`."""

    rate: int
    priority_waiting: Callable[[], bool]
    wall_clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


class MailDelivery:
    def __init__(
        self,
        ledger: MailLedger,
        codes: CodeBoxes,
        sender: Sender,
        pace: Pace,
        clock: Clock,
        new_token: Callable[[], str],
        dead_letters: Callable[[str], None],
    ) -> None:
        """`dead_letters` puts a message body on the dead-letter queue."""
        self._dead_letters = dead_letters
        self._ledger = ledger
        self._codes = codes
        self._sender = sender
        self._pace = pace
        self._clock = clock
        self._new_token = new_token

    def deliver(self, body: str, *, send_by: float) -> Outcome:
        """Send the queued mail in `body` unless a rule says otherwise; SendLater when it should be tried again.
        `send_by` (wall-clock seconds) is when this copy of the function must have stopped waiting for a slot.

        The slot comes before the claim, so nothing that fails while waiting (the lane's depth, the rate's
        counter) can leave a claim behind; and a mail that waited for its slot is checked again, so no code that
        ended meanwhile goes out."""
        try:
            mail = QueuedMail.model_validate_json(body)
        except ValidationError:
            log_event("mail_unreadable", level="error")
            self._dead_letters(body)
            return Outcome.DEAD
        outcome = self._final(mail, body)
        if outcome is not None:
            return outcome
        waited = self._slot(mail.lane, send_by)
        if waited is None:
            raise SendLater("paced")
        if waited:
            outcome = self._final(mail, body)
            if outcome is not None:
                return outcome
        now = int(self._clock.now())
        token = self._new_token()
        state = self._ledger.claim(
            mail.id, token, now=now, claim_until=now + CLAIM_SECONDS, keep_until=now + LEDGER_SECONDS
        )
        if state in (ClaimState.SENT, ClaimState.FAILED):
            log_event("mail_duplicate", email_ref=mail.email_ref, kind=mail.kind)
            return Outcome.ALREADY_HANDLED
        if state is ClaimState.IN_FLIGHT:
            raise SendLater("in_flight")
        if state is ClaimState.ABANDONED:
            # The copy that claimed it died before SES answered: it may have gone, so it is not sent again.
            log_event("mail_outcome_unknown", level="warning", email_ref=mail.email_ref, kind=mail.kind)
            return Outcome.ALREADY_HANDLED
        try:
            self._sender.send(mail)
        except SesRefused as refused:
            self._ledger.release(mail.id, token)
            log_event("mail_send_failed", level="warning", email_ref=mail.email_ref, error_code=refused.error_code)
            raise SendLater(refused.error_code) from None
        # Anything else (a read timeout) may have come after SES took the mail: the claim stays, and the mail is
        # not sent again (at most once).
        self._ledger.mark_sent(mail.id, token)
        log_event(f"{mail.kind}_sent", email_ref=mail.email_ref, lane=mail.lane, waited=now - mail.queued_at)
        return Outcome.SENT

    def _final(self, mail: QueuedMail, body: str) -> Outcome | None:
        """The mail's final failure, handled, when its time is up (a dead letter) or its code must not be mailed
        (dropped); None when it may go."""
        now = int(self._clock.now())
        if now >= mail.expires_at:
            return self._finally_failed(mail, body, now, "expired", Outcome.DEAD)
        if mail.code is not None:
            reason = self._why_not_live(mail, now)
            if reason:
                return self._finally_failed(mail, body, now, reason, Outcome.NOT_SENT)
        return None

    def _why_not_live(self, mail: QueuedMail, now: int) -> str:
        """Why the mail's code must not be mailed (empty when it may): used up or replaced, or given way to newer
        codes asked from elsewhere (migris.domain.codes). Its expiry is the mail's own, checked before."""
        code = mail.code
        assert code is not None
        box = self._codes.box(code.box)
        live = None if box is None else box.codes.get(code.login_id)
        if box is None or live is None or box.newest_code.get(code.source) != code.login_id:
            return "used_or_replaced"
        if gave_way(box, live, now):
            return "given_way"
        return ""

    def _finally_failed(self, mail: QueuedMail, body: str, now: int, reason: str, outcome: Outcome) -> Outcome:
        """Once per mail, whichever copy gets here first: burn its code, give its send back when no try was
        counted, and (a dead letter) bury it. A mail the ledger knows already (sent, or failed before) changes
        nothing. When the work fails half-way, the ledger forgets the failure, so the next delivery does it all
        again (a burned code stays burned; its send is not given back twice)."""
        if not self._ledger.give_up(mail.id, keep_until=now + LEDGER_SECONDS):
            log_event("mail_duplicate", email_ref=mail.email_ref, kind=mail.kind)
            return Outcome.ALREADY_HANDLED
        try:
            given_back = False
            if mail.code is not None:
                given_back = self._codes.fail_mail(mail.code.box, mail.code.login_id, mail.code.source)
            if outcome is Outcome.DEAD:
                self._dead_letters(body)
        except Exception:
            self._ledger.forget_failure(mail.id)
            raise
        log_event(
            "mail_failed",
            level="error" if outcome is Outcome.DEAD else "info",
            email_ref=mail.email_ref,
            kind=mail.kind,
            reason=reason,
            send_given_back=given_back,
        )
        return outcome

    def _slot(self, lane: Lane, send_by: float) -> float | None:
        """Wait for a slot in the send rate (a bulk mail also for the priority lane to empty): the seconds waited,
        or None when `send_by` came first (no slot is taken past it)."""
        pace = self._pace
        began = pace.wall_clock()
        while True:
            now = pace.wall_clock()
            if now >= send_by:
                return None
            if lane == "priority" or not pace.priority_waiting():
                if self._ledger.take_slot(int(now), pace.rate):
                    return now - began
                wake = float(int(now) + 1)  # this second's slots are taken: the next second's
            else:
                wake = now + PACE_POLL_SECONDS
            if wake >= send_by:
                return None
            pace.sleep(wake - now)
