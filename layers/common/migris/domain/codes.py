"""One-time codes (sign-in and e-mail change): every code rule of DESIGN.md lives here.

A code lives in a *box*: an address's box for sign-in codes, an account's own box for e-mail-change codes.
Codes are random digits from a CSPRNG, bound to the login id of the request that made it, stored only as an
HMAC under a secret pepper, compared in constant time with the hash as read, a wrong try counted by a
conditional write (burned at the last allowed one), and a right code used up by one write conditional on no
try having been counted at it since the read, so guesses in flight together get no more tries than a code has
(for a sign-in, inside the transaction that opens the session: migris.domain.email_sign_in). A new
code replaces the one asked from the same network address; codes asked from elsewhere stay valid (the newest
MAX_LIVE_CODES).

A send is one write, with no read before it (migris.dal.codes): the cooldown, a lock and a day that already
holds the address's ceiling refuse it in the write's condition, so a flood's refused sends never grow the box;
the hourly, daily and per-address limits are checked on the box as the write found it, and a send over one of
them is taken back before anything is mailed. What no rule looks at any more is folded by a later landed send
(FORGET_AT), and locks keep to a few slots: a box stays small whatever the flood (migris.dal.codes says what is
folded and why every rule still holds).

Limits are kept per (box, network address), so a stranger cannot spend or lock what the owner needs: sends
(cooldown, hourly, daily) and failed tries (a lock that grows with each lock, reset by a success) count per
pair, and one ceiling over all sources caps the codes mailed to an address a day. Every code mail counts
against its destination address, whether it signs in or confirms an e-mail change, and only once the
destination's domain is known to be able to receive mail (migris.domain.mail_domains): a refused domain costs
the address no send. The numbers are the template's parameters (CodePolicy)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from migris.clock import DAY_SECONDS, Clock
from migris.domain.errors import InvalidCode, MailUnavailable, RateLimited, TooManyAttempts
from migris.domain.events import log_event
from migris.domain.mail import CodeMailRef, Lane, MailSender, login_code_message
from migris.domain.mail_domains import MailDomains, require_mail_domain
from migris.domain.records import (
    DEVICE_SOURCE_PREFIX,
    CodeBox,
    DeviceRecord,
    LiveCode,
    Send,
    SourceCounters,
    codes_that_sign_in,
    is_device_source,
)
from migris.domain.validation import Language

if TYPE_CHECKING:
    from migris.dal.codes import CodeRepository

HOUR_SECONDS = 3600
MAX_LOCK_SECONDS = DAY_SECONDS
# Stale attributes a box may gather (old days, codes that gave way, their tries, cooled-down last sends, ended
# locks) before a landed send folds them: few, so a box stays small (migris.dal.codes), and only landed sends
# (at most the address's ceiling a day) ever pay the extra write.
FORGET_AT = 4
# The e-mail-change box belongs to one account and is reached only through its session: one source.
ACCOUNT_SOURCE = "account"


@dataclass(frozen=True)
class CodePolicy:
    ttl_seconds: int
    length: int
    max_attempts: int
    resend_cooldown_seconds: int
    max_per_hour: int
    max_per_day: int
    max_per_address_per_day: int
    lockout_threshold: int
    lockout_seconds: int
    # Of an address's daily ceiling, what only its known devices may ask (DESIGN.md, "Known devices").
    device_reserve: int = 0

    @property
    def anonymous_per_address_per_day(self) -> int:
        """Codes a day to one address asked without a known device's cookie: the ceiling less the reserve (at
        least one, so a first sign-in is always possible). The guessing bound is over this many codes."""
        return max(1, self.max_per_address_per_day - self.device_reserve)


@dataclass(frozen=True)
class Pair:
    """One (box, network address) pair: its box, its counters' key, and the source's ref within the box."""

    box_key: str
    key: str
    source: str


@dataclass(frozen=True)
class NewCode:
    code: str
    login_id: str
    # What the mail function checks before it mails the code (None for a send without a code).
    mail_ref: CodeMailRef | None = None


@dataclass(frozen=True)
class SignInCodeSent:
    email: str
    login_id: str
    expires_in: int
    resend_after: int


@dataclass(frozen=True)
class RightCode:
    """A sign-in code found right on the read, not used up yet: `items` use it up (the first, conditional on
    the code still being there with tries left) and forget the pair's failures, in the caller's transaction.
    `also` is the other item read with the box; `refused` counts a failure and raises when the code was used
    up by someone else first (the first item's condition failed); `used` records the success."""

    items: list[dict[str, Any]]
    also: dict[str, Any] | None
    refused: Callable[..., NoReturn]  # refused(reason="used_concurrently"): counts a failure and raises
    used: Callable[[], None]
    # A known device's code: it signs in only while that device is the account's, in its epoch (the caller reads
    # the account; `refused` then counts the try against the device).
    of_device: bool = False


NO_CODE = NewCode(code="", login_id="")


def generate_code(length: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def new_login_id() -> str:
    return secrets.token_urlsafe(16)


def new_send_id() -> str:
    """The id of a send that carries no code (a notice): a box keeps its sends as a set, so each needs one."""
    return secrets.token_urlsafe(12)


def keyed_hash(pepper: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA256 under the pepper; `purpose` keeps hashes of different things apart."""
    return hmac.new(pepper, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def code_hash(pepper: bytes, login_id: str, code: str) -> str:
    return keyed_hash(pepper, "login-code", f"{login_id}\x00{code}")


def email_change_key(pepper: bytes, user_id: str) -> str:
    """The box of an account's e-mail change: apart from every sign-in box."""
    return keyed_hash(pepper, "email-change", user_id)


def address_key(pepper: bytes, email: str) -> str:
    """The address as the codes table and the logs know it: keyed, so neither holds it in clear."""
    return keyed_hash(pepper, "address", email)


def source_key(pepper: bytes, box_key: str, network: str) -> str:
    """The counters of one (box, network address) pair."""
    return keyed_hash(pepper, "box-source", f"{box_key}\x00{network}")


def network_of(source_ip: str | None) -> str:
    """The network address limits are kept for: the IPv4 address, or the /64 of an IPv6 one (a single
    subscriber gets a whole /64, so counting single IPv6 addresses would count nothing)."""
    try:
        address = ipaddress.ip_address((source_ip or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def gave_way(box: CodeBox, code: LiveCode, now: int) -> bool:
    """Whether `code` (one of the box's, unexpired) no longer signs in (records.codes_that_sign_in): an older
    code asked without a device cookie that newer ones pushed out, so neither is it worth mailing."""
    return not any(box.codes.get(login_id) == code for login_id in codes_that_sign_in(box.codes, now))


def lock_duration(policy: CodePolicy, earlier_locks: int) -> int:
    return int(min(MAX_LOCK_SECONDS, policy.lockout_seconds * 2 ** min(earlier_locks, 32)))


class Codes:
    def __init__(
        self,
        records: CodeRepository,
        mailer: MailSender,
        policy: CodePolicy,
        pepper: bytes | Callable[[], bytes],
        clock: Clock,
        mail_domains: MailDomains,
    ) -> None:
        """`pepper` is the pepper or how to read it: read on first use, once (a profile read makes no code and
        never reads it). `mail_domains` tells a domain that cannot receive mail, before anything is counted."""
        self._records = records
        self._mailer = mailer
        self._mail_domains = mail_domains
        self._policy = policy
        self._pepper_source = pepper
        self._clock = clock

    @property
    def _pepper(self) -> bytes:
        if callable(self._pepper_source):
            self._pepper_source = self._pepper_source()
        return self._pepper_source

    @property
    def ttl_seconds(self) -> int:
        return self._policy.ttl_seconds

    def address_ref(self, email: str) -> str:
        return address_key(self._pepper, email)[:16]

    def address_hash(self, email: str) -> str:
        """The address's keyed hash: its code box, and what a known device of it carries."""
        return address_key(self._pepper, email)

    # --- start_login and verify_code ---

    def send_sign_in_code(
        self, email: str, language: Language, source_ip: str | None, device: DeviceRecord | None = None
    ) -> SignInCodeSent:
        """Make, store and mail a new code for the address. Never looks at accounts, so a known and a new
        address get the same answer after the same work. A domain that cannot receive mail is InvalidInput.

        With a known device of this address (`device`, as its cookie named it: its address hash is compared
        here), the code is that device's own: it counts against the device's limits instead of the network
        address's, may use the address's reserve, replaces only the device's earlier code, goes out in the
        priority mail lane, and signs in only with the device's cookie."""
        require_mail_domain(email, self._mail_domains)
        key = address_key(self._pepper, email)
        ref = key[:16]
        known = device is not None and hmac.compare_digest(device.address_hash.encode(), key.encode())

        def mail(issued: NewCode) -> None:
            # Queued within the send's limits: a mail the queue did not take is taken back with its send.
            message = login_code_message(language, issued.code, self._policy.ttl_seconds)
            lane: Lane | None = "priority" if known else None
            if not self._mailer.deliver(email, message, email_ref=ref, code=issued.mail_ref, lane=lane):
                raise MailUnavailable

        if known and device is not None:
            issued = self._issue(key, "", ref, then=mail, device_hash=device.device_hash)
        else:
            issued = self._issue(key, network_of(source_ip), ref, then=mail)
        log_event("code_requested", email_ref=ref)
        return SignInCodeSent(
            email=email,
            login_id=issued.login_id,
            expires_in=self._policy.ttl_seconds,
            resend_after=self._policy.resend_cooldown_seconds,
        )

    def use_sign_in_code(
        self, email: str, login_id: str, code: str, source_ip: str | None, device_hash: str | None = None
    ) -> None:
        """Return when the code is right and has been used up by this call; raise otherwise. (The sign-in
        itself uses the code up in the transaction that opens the session: migris.domain.email_sign_in.)"""
        right = self.right_sign_in_code(email, login_id, code, source_ip, device_hash=device_hash)
        if not self._records.apply(right.items):
            right.refused()
        right.used()

    def right_sign_in_code(
        self,
        email: str,
        login_id: str,
        code: str,
        source_ip: str | None,
        also: tuple[str, str] | None = None,
        *,
        device_hash: str | None = None,
    ) -> RightCode:
        """The sign-in code, when it is right, ready to be used up in the caller's write (RightCode); raise
        otherwise, a wrong try counted. The box, the pair's counters and `also` (table, pk) are one read.

        `device_hash` is the keyed hash of the request's device cookie, whatever it is worth (its counters are
        read with the rest, so a cookie costs the same reads good or bad). A known device's code is tried only
        with that device's cookie, its tries counted against the device; any other try (another code, or a
        device's code without its cookie) counts against the network address, as without a cookie."""
        key = address_key(self._pepper, email)
        ref = key[:16]
        now = int(self._clock.now())
        pair = self._pair(key, network_of(source_ip))
        device_pair = None if device_hash is None else self._device_pair(key, device_hash)
        extra = () if device_pair is None else (device_pair.key,)
        box, (counters, *device_counters), other = self._records.read_with(key, (pair.key, *extra), also)
        found = box.codes.get(login_id) if box is not None else None
        of_device = found is not None and found.of_device
        if of_device and found is not None:
            if device_pair is None or found.source != device_pair.source:
                self._fail(pair, ref, now, "not_this_device")  # usable only with its device's cookie
            pair, counters = device_pair, device_counters[0]
        live = self._live_code(box, pair, ref, login_id, counters, now)
        if not hmac.compare_digest(code_hash(self._pepper, login_id, code).encode(), live.code_hash.encode()):
            self._wrong_try(pair, ref, login_id, live, now)
        items = [self._records.use_item(key, login_id, live.source, live.attempts)]
        if counters.failures or counters.lock_count:
            items.append(self._records.reset_item(pair.key))  # a success ends the failures and the lock growth

        tried = pair

        def refused(reason: str = "used_concurrently") -> NoReturn:
            self._fail(tried, ref, int(self._clock.now()), reason)

        return RightCode(
            items=items,
            also=other,
            refused=refused,
            used=lambda: log_event("verify_ok", email_ref=ref),
            of_device=of_device,
        )

    # --- e-mail changes: one live code per account, in a box apart from every sign-in box ---

    def make_email_change_code(
        self, user_id: str, destination: str, source_ip: str | None, mail: Callable[[NewCode], None] | None = None
    ) -> NewCode:
        """A code for the account's e-mail change. The mail to `destination` (a code or, for a taken address, a
        notice) counts against that address's limits first, as every code mail does, and is taken back when the
        account's own limits then refuse the code, or `mail` (which queues it, given the new code) fails: an
        address is never charged for a mail that did not go. A destination whose domain cannot receive mail is
        InvalidInput, before anything is counted."""
        require_mail_domain(destination, self._mail_domains)
        key = email_change_key(self._pepper, user_id)
        issued: list[NewCode] = []
        destination_key = address_key(self._pepper, destination)
        self._issue(
            destination_key,
            network_of(source_ip),
            destination_key[:16],
            with_code=False,
            then=lambda _: issued.append(self._issue(key, ACCOUNT_SOURCE, key[:16], then=mail)),
        )
        return issued[0]

    def use_email_change_code(self, user_id: str, login_id: str, code: str) -> None:
        key = email_change_key(self._pepper, user_id)
        self._check(key, ACCOUNT_SOURCE, key[:16], login_id, code)

    def count_mail_to(self, email: str, source_ip: str | None) -> None:
        """Count a mail to the address (asked from `source_ip`) within its limits, without a code of its own; a
        domain that cannot receive mail is InvalidInput, before anything is counted."""
        require_mail_domain(email, self._mail_domains)
        key = address_key(self._pepper, email)
        self._issue(key, network_of(source_ip), key[:16], with_code=False)

    # --- the parts ---

    def _pair(self, box_key: str, network: str) -> Pair:
        return Pair(box_key=box_key, key=source_key(self._pepper, box_key, network), source=self._source_ref(network))

    def _device_pair(self, box_key: str, device_hash: str) -> Pair:
        """A known device's counters in a box: its own sends, tries and lock, apart from every network's."""
        return Pair(
            box_key=box_key,
            key=source_key(self._pepper, box_key, f"device\x00{device_hash}"),
            source=self.device_source(device_hash),
        )

    def device_source(self, device_hash: str) -> str:
        """A known device's source ref in a box (a network's ref is hex: the two never meet)."""
        return DEVICE_SOURCE_PREFIX + keyed_hash(self._pepper, "device-source", device_hash)[:16]

    def _keep_seconds(self) -> int:
        """How long a box's sends, codes and cooldowns mean something: the longest any rule looks back."""
        policy = self._policy
        return max(DAY_SECONDS, policy.ttl_seconds, policy.resend_cooldown_seconds)

    def _issue(
        self,
        box_key: str,
        network: str,
        ref: str,
        *,
        with_code: bool = True,
        then: Callable[[NewCode], None] | None = None,
        device_hash: str | None = None,
    ) -> NewCode:
        """Record a send to the box within its limits and, `with_code`, store a new code in it (replacing the
        one asked from the same network address, or with `device_hash` by the same known device), in one write.
        The caller mails it; `ref` names the box in logs. `then` gets the new code once the limits let the send
        through; if it raises (refused or failed), this send is taken back and the error goes on. A send without
        a known device stops the device reserve short of the address's daily ceiling."""
        policy = self._policy
        source = self.device_source(device_hash) if device_hash is not None else self._source_ref(network)
        ceiling = policy.max_per_address_per_day if device_hash is not None else policy.anonymous_per_address_per_day
        now = int(self._clock.now())
        issued = NO_CODE
        live = None
        if with_code:
            login_id = new_login_id()
            expires_at = now + policy.ttl_seconds
            issued = NewCode(
                code=generate_code(policy.length),
                login_id=login_id,
                mail_ref=CodeMailRef(box=box_key, login_id=login_id, source=source, expires_at=expires_at),
            )
            live = LiveCode(
                code_hash=code_hash(self._pepper, issued.login_id, issued.code),
                expires_at=expires_at,
                attempts=0,
                source=source,
                issued_at=now,
            )
        send = Send(at=now, source=source, id=issued.login_id if with_code else new_send_id())
        keep = self._keep_seconds()
        not_after = now - policy.resend_cooldown_seconds
        written, before = self._records.add_send(
            box_key,
            send,
            live,
            not_after=not_after,
            now=now,
            keep_seconds=keep,
            day_ceiling=ceiling,
        )
        last_day = [sent for sent in before.sent if sent.at > now - DAY_SECONDS]
        if not written:
            locked_until = before.locked_until.get(source, 0)
            if locked_until > now:
                log_event("code_rate_limited", email_ref=ref, reason="locked")
                raise RateLimited(locked_until - now)
            # The cooldown, or a day that holds the ceiling already (all of it within the last day): the limits
            # on the box as found say which, and when to come back.
            self._check_send_limits(last_day, source, now, ref, ceiling, device=device_hash is not None)
            log_event("code_rate_limited", email_ref=ref, reason="cooldown")
            raise RateLimited(max(1, before.last_sent.get(source, now) + policy.resend_cooldown_seconds - now))
        try:
            self._check_send_limits(last_day, source, now, ref, ceiling, device=device_hash is not None)
            if then is not None:
                then(issued)
        except Exception:
            # Over a limit, or `then` refused or failed: nothing goes out, so nothing stays counted.
            self._records.take_back_send(box_key, send, live, before)
            raise
        if len(before.stale) >= FORGET_AT:
            self._records.forget(before)
        return issued

    def _source_ref(self, network: str) -> str:
        return keyed_hash(self._pepper, "source", network)[:16]

    def _check_send_limits(
        self, sent: list[Send], source: str, now: int, ref: str, ceiling: int, *, device: bool = False
    ) -> None:
        """Refuse (RateLimited) a send over one of its limits, on the sends of the last day as its write found
        them. For a known device's send, the sends asked without a device count at most up to their own ceiling:
        more of them can be there only in flight, landed and about to be taken back (a new UTC day's write lets
        them land; the rolling day's check then refuses them), and a stranger's flood kept in flight must not
        spend the owner's reserve. No landed anonymous send is ever past that ceiling, so the address's ceiling
        still holds."""
        policy = self._policy
        retry_after = 0
        reason = ""
        if device:
            anonymous = sorted(send.at for send in sent if not is_device_source(send.source))
            kept = anonymous[: policy.anonymous_per_address_per_day]
            everywhere = sorted([*kept, *(send.at for send in sent if is_device_source(send.source))])
        else:
            everywhere = sorted(send.at for send in sent)
        mine = sorted(send.at for send in sent if send.source == source)
        in_hour = [at for at in mine if at > now - HOUR_SECONDS]
        if mine and now - mine[-1] < policy.resend_cooldown_seconds:
            retry_after, reason = mine[-1] + policy.resend_cooldown_seconds - now, "cooldown"
        elif len(in_hour) >= policy.max_per_hour:
            retry_after, reason = in_hour[-policy.max_per_hour] + HOUR_SECONDS - now, "hourly"
        elif len(mine) >= policy.max_per_day:
            retry_after, reason = mine[-policy.max_per_day] + DAY_SECONDS - now, "daily"
        elif len(everywhere) >= ceiling:
            retry_after = everywhere[-ceiling] + DAY_SECONDS - now
            reason = "address_daily"
        if reason:
            log_event("code_rate_limited", email_ref=ref, reason=reason)
            raise RateLimited(retry_after)

    def _check(self, box_key: str, network: str, ref: str, login_id: str, code: str) -> None:
        """Use up the code stored in the box under `login_id` if it is right; raise otherwise. Failures and
        locks count for the (box, network address) pair."""
        now = int(self._clock.now())
        pair = self._pair(box_key, network)
        box, counters = self._records.read(box_key, pair.key)
        live = self._live_code(box, pair, ref, login_id, counters, now)
        if not hmac.compare_digest(code_hash(self._pepper, login_id, code).encode(), live.code_hash.encode()):
            self._wrong_try(pair, ref, login_id, live, now)
        if not self._records.use(box_key, login_id, live.source, live.attempts):
            self._fail(pair, ref, now, "used_concurrently")
        if counters.failures or counters.lock_count:
            self._records.reset(pair.key)  # a success ends the run of failures and the lock growth
        log_event("verify_ok", email_ref=ref)

    def _live_code(
        self, box: CodeBox | None, pair: Pair, ref: str, login_id: str, counters: SourceCounters, now: int
    ) -> LiveCode:
        """The live code under `login_id` as read; raise (a failure counted) when the pair is locked or the
        code is missing, expired, spent, or no longer among the newest MAX_LIVE_CODES."""
        if counters.locked_until > now:
            log_event("verify_refused", email_ref=ref, reason="locked")
            raise TooManyAttempts(counters.locked_until - now)
        live = box.codes.get(login_id) if box is not None else None
        if box is None or live is None or live.attempts >= self._policy.max_attempts:
            self._fail(pair, ref, now, "no_code")
        if now >= live.expires_at:
            self._fail(pair, ref, now, "expired")
        if gave_way(box, live, now):
            self._fail(pair, ref, now, "given_way")  # the oldest give way: the newest, just mailed, always works
        return live

    def _wrong_try(self, pair: Pair, ref: str, login_id: str, live: LiveCode, now: int) -> NoReturn:
        """Count the wrong try against the code (burned at the last allowed one) and the pair, and refuse. A
        right code is compared on the read and used up by one write conditional on its tries being as read, so it
        needs no count of its own."""
        attempts = self._records.count_attempt(pair.box_key, login_id, live.source, self._policy.max_attempts)
        if attempts is None:
            self._fail(pair, ref, now, "used_or_replaced")
        if attempts >= self._policy.max_attempts:
            self._records.retire(pair.box_key, login_id, live.source)
            log_event("code_burned", email_ref=ref)
        self._fail(pair, ref, now, "wrong_code")

    def _fail(self, pair: Pair, ref: str, now: int, reason: str) -> NoReturn:
        """Count the failure against the pair, lock it at the threshold, and refuse."""
        log_event("verify_failed", email_ref=ref, reason=reason)
        policy = self._policy
        counters = self._records.add_failure(pair.key, now + DAY_SECONDS)
        if counters.failures >= policy.lockout_threshold:
            duration = lock_duration(policy, counters.lock_count)
            until = now + duration
            keep_until = max(until + DAY_SECONDS, now + self._keep_seconds())
            if self._records.lock(
                pair.key, policy.lockout_threshold, until, keep_until, box_key=pair.box_key, source=pair.source
            ):
                log_event("source_locked", email_ref=ref, lock_seconds=duration, lock_number=counters.lock_count + 1)
                raise TooManyAttempts(duration)
        raise InvalidCode
