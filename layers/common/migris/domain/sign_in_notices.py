"""New-sign-in notices (DESIGN.md, "Your account"): a sign-in from a device that is not a known device of the
account mails its address, in the account's language, when and how it was signed in to and from which browser and
system (a parser's fixed list of names: no text from the request enters a mail), with a "not me" link
(migris.domain.not_me) whose button ends every session and device and removes every passkey added since.

None for a new account's first sign-in, nor for an account without an address. They are notices, not codes: they
count against no code limit, and at most MAX_PER_DAY go to one account on a UTC day (a stranger who signs in
again and again from new browsers with a stolen session's passkey, say, cannot flood the mailbox)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from migris.clock import Clock
from migris.domain.events import log_event
from migris.domain.mail import MailSender, new_sign_in_notice
from migris.domain.records import Account
from migris.domain.validation import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from migris.dal.not_me import NoticeCounter
    from migris.domain.not_me import NotMe

MAX_PER_DAY = 10
# The day's count outlives its day by one, then the TTL deletes it.
COUNTER_SECONDS = 2 * 86400


class SignInNotices:
    def __init__(self, not_me: Callable[[], NotMe], counter: NoticeCounter, mailer: MailSender, clock: Clock) -> None:
        self._not_me = not_me
        self._counter = counter
        self._mailer = mailer
        self._clock = clock

    def after_sign_in(self, account: Account, way: str, browser: str) -> None:
        """Tell the account's address of a sign-in that has landed from a device it did not know (the caller
        decides that, and that the account is not new). Never failing the sign-in it follows."""
        if not account.email:
            return
        now = int(self._clock.now())
        try:
            day = time.strftime("%Y-%m-%d", time.gmtime(now))
            if not self._counter.take(account.user_id, day, MAX_PER_DAY, now + COUNTER_SECONDS):
                log_event("sign_in_notice_skipped", user_id=account.user_id, reason="daily_cap")
                return
            link = self._not_me().link(account, since=now)
            notice = new_sign_in_notice(account.language or DEFAULT_LANGUAGE, now, way, browser, link)
            self._mailer.deliver(account.email, notice, email_ref=f"user#{account.user_id}", kind="notice")
            log_event("sign_in_notice_queued", user_id=account.user_id)
        except Exception:  # the sign-in has landed: a notice that cannot go must not undo it
            log_event("sign_in_notice_failed", level="error", user_id=account.user_id)
