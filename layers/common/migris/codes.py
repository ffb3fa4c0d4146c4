"""One-time codes (sign-in and e-mail change): every code rule of DESIGN.md lives here.

8 digits from a CSPRNG, valid 60 minutes, bound to the login_id of the request that made it, one live code
per address, stored only as an HMAC with a secret pepper, compared in constant time, each try counted before
the compare, burned after 5 wrong tries, consumed by one conditional write. Failures count per address across
codes and lock it for a while that doubles with each lock. Sending is limited per address."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import NoReturn

from migris.clock import Clock
from migris.errors import InvalidCode, RateLimited, TooManyAttempts
from migris.mail import Mailer, login_code_message
from migris.observability import log_event
from migris.repositories import DAY_SECONDS, AddressRecord, AddressRecordRepository
from migris.validation import Language

HOUR_SECONDS = 3600
MAX_LOCK_SECONDS = DAY_SECONDS
SAVE_RETRIES = 3


@dataclass(frozen=True)
class CodePolicy:
    ttl_seconds: int
    length: int
    max_attempts: int
    resend_cooldown_seconds: int
    max_per_hour: int
    max_per_day: int
    lockout_threshold: int
    lockout_seconds: int


@dataclass(frozen=True)
class IssuedCode:
    code: str
    login_id: str


@dataclass(frozen=True)
class CodeRequest:
    email: str
    login_id: str
    expires_in: int
    resend_after: int


def generate_code(length: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def new_login_id() -> str:
    return secrets.token_urlsafe(16)


def keyed_hash(pepper: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA256 under the pepper; `purpose` keeps hashes of different things apart."""
    return hmac.new(pepper, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def code_hash(pepper: bytes, login_id: str, code: str) -> str:
    return keyed_hash(pepper, "login-code", f"{login_id}\x00{code}")


def email_change_key(pepper: bytes, user_id: str) -> str:
    """The codes record of an account's e-mail change: apart from every sign-in record."""
    return keyed_hash(pepper, "email-change", user_id)


def address_key(pepper: bytes, email: str) -> str:
    """The address as the codes table and the logs know it: keyed, so neither holds it in clear."""
    return keyed_hash(pepper, "address", email)


def lock_duration(policy: CodePolicy, earlier_locks: int) -> int:
    return int(min(MAX_LOCK_SECONDS, policy.lockout_seconds * 2 ** min(earlier_locks, 32)))


class LoginCodes:
    def __init__(
        self,
        records: AddressRecordRepository,
        mailer: Mailer,
        policy: CodePolicy,
        pepper: bytes,
        clock: Clock,
    ) -> None:
        self._records = records
        self._mailer = mailer
        self._policy = policy
        self._pepper = pepper
        self._clock = clock

    @property
    def ttl_seconds(self) -> int:
        return self._policy.ttl_seconds

    def address_ref(self, email: str) -> str:
        return address_key(self._pepper, email)[:16]

    # --- e-mail changes: one live code per account, in a record apart from every sign-in record ---

    def issue_email_change(self, user_id: str) -> IssuedCode:
        key = email_change_key(self._pepper, user_id)
        return self.issue(key, key[:16])

    def check_email_change(self, user_id: str, login_id: str, code: str) -> None:
        key = email_change_key(self._pepper, user_id)
        self.check(key, key[:16], login_id, code)

    # --- start_login ---

    def request(self, email: str, language: Language) -> CodeRequest:
        """Make, store and mail a new code for the address. Never looks at accounts, so a known and a new
        address get the same answer after the same work."""
        key = address_key(self._pepper, email)
        ref = key[:16]
        issued = self.issue(key, ref)
        log_event("code_requested", email_ref=ref)
        message = login_code_message(language, issued.code, self._policy.ttl_seconds)
        self._mailer.deliver(email, message, email_ref=ref)
        return CodeRequest(
            email=email,
            login_id=issued.login_id,
            expires_in=self._policy.ttl_seconds,
            resend_after=self._policy.resend_cooldown_seconds,
        )

    def issue(self, key: str, ref: str) -> IssuedCode:
        """Make and store a new code under `key` (replacing any live one), within the send limits. The caller
        mails it; `ref` names the key in logs."""
        policy = self._policy
        for _ in range(SAVE_RETRIES):
            now = int(self._clock.now())
            record = self._records.get(key) or AddressRecord(key=key)
            self._check_send_limits(record, now, ref)
            code = generate_code(policy.length)
            login_id = new_login_id()
            expected_version = record.version
            record.sent_at = [t for t in record.sent_at if t > now - DAY_SECONDS] + [now]
            record.login_id = login_id
            record.code_hash = code_hash(self._pepper, login_id, code)
            record.code_expires_at = now + policy.ttl_seconds
            keep_until = max(record.code_expires_at, record.locked_until, now + DAY_SECONDS)
            if self._records.save_new_code(record, expected_version, keep_until):
                return IssuedCode(code=code, login_id=login_id)
        # Others kept changing this record: treat as a burst of requests.
        log_event("code_rate_limited", email_ref=ref, reason="contention")
        raise RateLimited(max(1, policy.resend_cooldown_seconds))

    def _check_send_limits(self, record: AddressRecord, now: int, ref: str) -> None:
        policy = self._policy
        retry_after = 0
        reason = ""
        if record.locked_until > now:
            retry_after, reason = record.locked_until - now, "locked"
        else:
            sent = sorted(t for t in record.sent_at if t > now - DAY_SECONDS)
            in_hour = [t for t in sent if t > now - HOUR_SECONDS]
            if sent and now - sent[-1] < policy.resend_cooldown_seconds:
                retry_after, reason = sent[-1] + policy.resend_cooldown_seconds - now, "cooldown"
            elif len(in_hour) >= policy.max_per_hour:
                retry_after, reason = in_hour[-policy.max_per_hour] + HOUR_SECONDS - now, "hourly"
            elif len(sent) >= policy.max_per_day:
                retry_after, reason = sent[-policy.max_per_day] + DAY_SECONDS - now, "daily"
        if reason:
            log_event("code_rate_limited", email_ref=ref, reason=reason)
            raise RateLimited(retry_after)

    # --- verify_code ---

    def verify(self, email: str, login_id: str, code: str) -> None:
        """Return when the code is right and has been used up by this call; raise otherwise."""
        key = address_key(self._pepper, email)
        self.check(key, key[:16], login_id, code)

    def check(self, key: str, ref: str, login_id: str, code: str) -> None:
        """Use up the code stored under `key` if it is right and was made for `login_id`; raise otherwise."""
        now = int(self._clock.now())
        record = self._records.get(key)
        if record is None:
            log_event("verify_failed", email_ref=ref, reason="no_code")
            raise InvalidCode
        if record.locked_until > now:
            log_event("verify_refused", email_ref=ref, reason="locked")
            raise TooManyAttempts(record.locked_until - now)
        if not record.has_code or record.code_hash is None or record.login_id is None:
            self._fail(key, ref, now, "no_code")
        elif not hmac.compare_digest(record.login_id.encode(), login_id.encode()):
            self._fail(key, ref, now, "other_login")
        elif now >= record.code_expires_at:
            self._records.burn(key, record.code_hash)
            self._fail(key, ref, now, "expired")
        stored_hash = str(record.code_hash)
        attempts = self._records.count_attempt(key, login_id, stored_hash, self._policy.max_attempts)
        if attempts is None:
            self._fail(key, ref, now, "used_or_replaced")
        if not hmac.compare_digest(code_hash(self._pepper, login_id, code).encode(), stored_hash.encode()):
            if attempts is not None and attempts >= self._policy.max_attempts:
                self._records.burn(key, stored_hash)
                log_event("code_burned", email_ref=ref)
            self._fail(key, ref, now, "wrong_code")
        if not self._records.consume(key, stored_hash):
            self._fail(key, ref, now, "used_concurrently")
        log_event("verify_ok", email_ref=ref)

    def _fail(self, key: str, ref: str, now: int, reason: str) -> NoReturn:
        """Count the failure against the address, lock it at the threshold, and refuse."""
        log_event("verify_failed", email_ref=ref, reason=reason)
        counters = self._records.add_failure(key)
        policy = self._policy
        if counters is not None and counters.failures >= policy.lockout_threshold:
            duration = lock_duration(policy, counters.lock_count)
            until = now + duration
            if self._records.lock(key, policy.lockout_threshold, until, until + DAY_SECONDS):
                log_event(
                    "address_locked",
                    email_ref=ref,
                    lock_seconds=duration,
                    lock_number=counters.lock_count + 1,
                )
                raise TooManyAttempts(duration)
        raise InvalidCode
