"""What the tables hold, as the rules read it: an account, a session, a code box and a source's counters, a VIISP
ticket and a staff audit event; and what a conditional write can answer besides success.

migris.dal builds these from DynamoDB items (the one place that knows Decimals) and writes them back under the
same attribute names, which template.yaml's IAM allow-lists name. Nothing here imports boto3."""

from __future__ import annotations

from typing import Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from migris.domain.errors import RecoveryPending
from migris.domain.validation import DEFAULT_LANGUAGE, Language


class Record(BaseModel):
    """A stored item as read: frozen, and blind to attributes it does not name (the table's key). Each record's
    validator is built on its first use (defer_build), not at import: a function uses few of them."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


# --- accounts table: the user item ---

LoginMethod = Literal["email", "viisp", "passkey"]
IdentityKind = Literal["lt-personal-code", "eidas"]


class Identity(Record):
    """Who VIISP vouched for: a Lithuanian personal code, or an eIDAS identifier (an EU citizen's national eID)
    with the country that issued it. Each keys at most one account."""

    kind: IdentityKind
    key: str  # the personal code, or the eIDAS identifier
    country: str | None = None  # eIDAS: the issuing country

    @property
    def in_words(self) -> str:
        """The identity as the audit records it: its kind (and country), never the code itself."""
        return f"{self.kind} {self.country}" if self.country else self.kind


class NoticeDue(Record):
    """The notice the old address is owed once an e-mail change has landed; removed when it has gone out."""

    id: str = ""
    to: str = ""
    new: str = ""
    language: Language = DEFAULT_LANGUAGE


RecoveryState = Literal["unconfirmed", "held"]


class RecoveryRecord(Record):
    """A recovery of a lost mailbox (migris.domain.recovery), on the account item while it is pending: the new
    address (its uniqueness item reserved, signing in nowhere yet), the keyed hashes of the two mailed links'
    tokens, and the times that decide it. Completion and cancel are each one write of the account conditional on
    its version, so exactly one of them lands."""

    id: str
    state: RecoveryState
    new_email: str
    confirm_hash: str = ""  # spent (emptied) by the confirmation
    cancel_hash: str
    started_at: int
    confirm_until: int  # an unconfirmed recovery lapses then
    hold_ends_at: int = 0  # set by the confirmation: the hold runs from it to this


class Account(Record):
    user_id: str
    version: int = 0
    login_method: LoginMethod | None = None
    level: int = 1
    profile_complete: bool = False
    email: str | None = None
    pending_email: str | None = None
    pending_email_id: str | None = None  # the login id of the pending change's code
    given_name: str | None = None
    family_name: str | None = None
    phone_number: str | None = None
    personal_code: str | None = None  # identified through VIISP by a Lithuanian personal code
    eidas_id: str | None = None  # identified through VIISP's eIDAS route
    identity_country: str | None = None  # the eIDAS identifier's issuing country
    created_at: int | None = None
    updated_at: int | None = None
    # Sessions opened under an older epoch have ended (migris.domain.sessions).
    session_epoch: int = 0
    email_change_notice: NoticeDue | None = None
    # The language the person chose for mails (PATCH /profile); None until they choose one.
    language: Language | None = None
    # A pending recovery of a lost mailbox (staff started it); None when there is none.
    recovery: RecoveryRecord | None = None
    # When a recovery last completed: every token mailed to the old address before it is void.
    recovered_at: int = 0
    # The key that seals the names and addresses in the account's audit events (migris.domain.audit_seal), made
    # with the first such event; erasure deletes it.
    audit_key: str | None = None
    # Erased (migris.domain.erasure): when the erasure's first write landed. Only a tombstone remains once done.
    erased_at: int | None = None
    erasure_done: bool = False

    @property
    def recovery_pending(self) -> bool:
        return self.recovery is not None

    def require_no_recovery(self) -> None:
        """Raise RecoveryPending (409 recovery_pending) while a recovery is pending: an e-mail change, an erasure
        and another recovery wait until it completes or is cancelled."""
        if self.recovery is not None:
            raise RecoveryPending

    @property
    def identity(self) -> Identity | None:
        """The identity VIISP vouched for (at the account's creation or by a link), None for an e-mail account
        that has none."""
        if self.personal_code:
            return Identity(kind="lt-personal-code", key=self.personal_code)
        if self.eidas_id:
            return Identity(kind="eidas", key=self.eidas_id, country=self.identity_country)
        return None


class AccountChanges(TypedDict, total=False):
    """The attributes one versioned write sets on an account; None removes the attribute."""

    email: str
    pending_email: str | None
    pending_email_id: str | None
    given_name: str
    family_name: str
    phone_number: str
    level: int
    personal_code: str
    eidas_id: str
    identity_country: str
    profile_complete: bool
    updated_at: int
    session_epoch: int
    email_change_notice: NoticeDue | None
    language: Language
    recovery: RecoveryRecord | None
    # The recoveries index (accounts table, `recoveries_due`): present only while a recovery is pending.
    recovery_queue: str | None
    recovery_due_at: int | None
    recovered_at: int
    audit_key: str


# --- sessions table ---


class SessionRecord(Record):
    token_hash: str
    user_id: str
    created_at: int
    last_seen_at: int
    expires_at: int
    # The account's session epoch when the session was opened (or carried over): a session whose epoch is
    # not the account's any more has ended.
    epoch: int = 0
    public_id: str = ""  # what the person's list of sessions calls it: neither the token nor its hash
    method: str = ""  # how it was opened: "email", "viisp" or "passkey"
    browser: str = ""  # the browser and its system in words (migris.domain.browsers), when the sign-in said


class DeviceRecord(Record):
    """A known device (migris.domain.devices), in the sessions table under `device#<keyed hash of its token>`."""

    device_hash: str
    user_id: str
    # The account's session epoch when the device was set (or carried over): a device whose epoch is not the
    # account's any more has ended, as a session has.
    epoch: int
    address_hash: str  # the keyed hash of the account's address when it was set: a code asked for it is its own
    public_id: str  # what the person's list calls it: neither the token nor its hash
    created_at: int
    last_used_at: int
    expires_at: int
    browser: str = ""


# --- passkeys table ---


class PasskeyRecord(Record):
    """A passkey (migris.domain.passkeys): only what a sign-in checks and the person's list shows. Never a
    private key (the authenticator keeps it), never the account's address."""

    credential_id: str  # base64url, as the authenticator names it
    user_id: str
    user_handle: str  # base64url of the account's random 32-byte WebAuthn handle
    public_key: str  # base64url of the COSE public key
    sign_count: int
    transports: list[str] = Field(default_factory=list)
    name: str
    public_id: str  # what the person's list calls it: not the credential id
    created_at: int
    last_used_at: int | None = None


class PasskeyChallenge(Record):
    """A WebAuthn challenge, single use, kept as its SHA-256: bound to the session that asked to register, or to
    the browser (a nonce in a short cookie, as its SHA-256) that asked to sign in."""

    challenge_hash: str
    kind: Literal["registration", "sign_in"]
    binding: str
    user_id: str | None = None
    expires_at: int


class NotMeToken(Record):
    """A mailed "not me" link's token, as its keyed hash (migris.domain.not_me), in the sessions table."""

    token_hash: str
    user_id: str
    since: int  # what the mail told of happened then: passkeys added since go with the report
    expires_at: int


class RecoveryToken(Record):
    """A mailed recovery link's token, as its keyed hash, in the sessions table: which account's recovery it
    belongs to. Whether it still works is the account's recovery's to say (migris.domain.recovery)."""

    token_hash: str
    user_id: str
    recovery_id: str
    expires_at: int


# --- codes table ---


class LiveCode(Record):
    code_hash: str
    expires_at: int
    attempts: int
    source: str  # the keyed ref of the network address (or known device) that asked for it
    issued_at: int

    @property
    def of_device(self) -> bool:
        return is_device_source(self.source)


class Send(Record):
    at: int
    source: str
    id: str = ""  # the code's login id, or for a mail without a code a random one: sends are kept as a set


# Codes of one box that sign in: the newest this many live ones asked without a device cookie, from anywhere,
# and each known device's own newest (migris.domain.codes).
MAX_LIVE_CODES = 3
# What a known device's source ref begins with: a network's ref is hex, so the two never meet.
DEVICE_SOURCE_PREFIX = "dev"


def is_device_source(source: str) -> bool:
    return source.startswith(DEVICE_SOURCE_PREFIX)


def codes_that_sign_in(codes: dict[str, LiveCode], now: int) -> set[str]:
    """The login ids of a box's codes that still sign in: every known device's own live code, and the newest
    MAX_LIVE_CODES live ones asked without a device cookie (an older one gave way: it never signs in again, so
    neither is it worth mailing). Codes asked without a device's cookie never push a device's code out."""
    live = {login_id: code for login_id, code in codes.items() if code.expires_at > now}
    anonymous = sorted((code.issued_at for code in live.values() if not code.of_device), reverse=True)
    oldest_kept = anonymous[:MAX_LIVE_CODES][-1] if anonymous else now
    return {login_id for login_id, code in live.items() if code.of_device or code.issued_at >= oldest_kept}


class CodeBox(Record):
    """One destination's code mails of the last days (`sent`), each source's newest code (`codes`, by login id,
    as found: expired ones too) and the per-source state the next send's write is conditional on. `stale` names
    what no longer means anything (migris.dal.codes: folded when enough of it gathers), `lock_slots` the end of
    the lock each lock slot holds (by attribute name), for the fold's condition."""

    key: str
    codes: dict[str, LiveCode] = Field(default_factory=dict)
    sent: list[Send] = Field(default_factory=list)
    newest_code: dict[str, str] = Field(default_factory=dict)  # source -> login id of its newest code
    last_sent: dict[str, int] = Field(default_factory=dict)  # source -> its last send
    locked_until: dict[str, int] = Field(default_factory=dict)  # source -> the end of its lock, copied at locking
    lock_slots: dict[str, int] = Field(default_factory=dict)
    stale: list[str] = Field(default_factory=list)


class SourceCounters(Record):
    """Failed tries and locks of one (box, network address) pair."""

    failures: int = 0
    lock_count: int = 0
    locked_until: int = 0


# --- VIISP tickets table ---


class ViispTicketRecord(Record):
    ticket_hash: str
    nonce_hash: str
    state_hash: str
    expires_at: int
    used_at: int | None = None
    # A link's ticket (POST /login/viisp/link): the account and the session (its token's SHA-256) that
    # asked; the identity joins that account, and only while that session lives.
    link_user_id: str | None = None
    link_session_hash: str | None = None
    # What the sign-in's start learnt of the browser (the callback, a cross-site post, carries no Lax cookie):
    # the keyed hash of its device cookie, and whether its person said the computer is shared.
    device_hash: str | None = None
    shared_computer: bool = False


# --- audit table ---

AuditValue = str | int | None


class FieldChange(Record):
    before: AuditValue
    after: AuditValue
    # Read back after the account's erasure: the change was sealed and its key is gone (before and after None).
    erased: bool = False


class AuditEvent(Record):
    user_id: str
    at: str
    actor: str
    changes: dict[str, FieldChange]
    reason: str


# --- activity table: what the person sees happened to their account ---

ActivityKind = Literal[
    "signed_in",
    "profile_completed",
    "contact_changed",
    "email_change_requested",
    "passkey_added",
    "passkey_removed",
    "identity_linked",
    "identity_unlinked",
    "session_ended",
    "device_forgotten",
    "sessions_ended",
    "not_me_reported",
    "staff_changed",
    "recovery_started",
    "recovery_confirmed",
    "recovery_cancelled",
    "recovery_completed",
]
SignInWay = Literal["email", "viisp", "eidas", "passkey"]


class ActivityEvent(Record):
    """One line of the person's activity (migris.domain.activity): what happened, when, who did it (`self`,
    `self:viisp`, `staff` or `system`: never an ARN) and, as the kind has them, how and from where a sign-in came
    (the browser and system in a parser's words, the network cut to /24 or /48), what changed, staff's reason, a
    report's reference."""

    at: int
    kind: ActivityKind
    actor: str
    method: SignInWay | None = None
    browser: str | None = None
    network: str | None = None
    changes: dict[str, FieldChange] | None = None
    reason: str | None = None
    reference: str | None = None


# --- what a conditional write answers besides success ---


class StaleVersion(Exception):
    """The item changed since it was read: read it again and retry (migris.domain.versioned)."""


class AccountExists(Exception):
    """The address (or user id) was taken between the read and the write."""


class AddressTaken(Exception):
    """The new address of an e-mail change signs in to another account already."""


class IdentityTaken(Exception):
    """The identity VIISP vouched for keys another account already."""


class LinkRefused(Exception):
    """A link's transaction found one of its other items (the session that asked for it) no longer as read."""


class CompanionRefused(Exception):
    """An item that had to land with the account's write (the session an e-mail change keeps) failed its own
    condition: the account was as read, that item was not."""


class EpochMoved(Exception):
    """A session (or device) was to be opened in the account's session epoch as read, and the epoch moved on
    before the write (a revoke, an unlink, an e-mail change elsewhere): nothing was written."""
