"""The person's own profile: the first fill of contact data, phone and e-mail changes, and the e-mail change's
confirmation by code. Names are the person's to give once (an e-mail account's first fill); after that only
staff change them (migris.domain.staff).

Every write is conditional on the account's version, re-read and retried when another write got there first,
so concurrent changes never overwrite each other and the first fill wins exactly once."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, cast

from pydantic import BaseModel, ConfigDict, Field

from migris.clock import Clock
from migris.domain.accounts import AccountMissing
from migris.domain.activity import changes_of
from migris.domain.codes import Codes, NewCode
from migris.domain.devices import Devices, PresentedDevice
from migris.domain.errors import (
    EditConflict,
    EmailTaken,
    InvalidCode,
    InvalidInput,
    MailUnavailable,
    NamesLocked,
    ProfileExists,
    Unauthenticated,
)
from migris.domain.events import log_event
from migris.domain.mail import (
    MailSender,
    address_in_use_notice,
    email_change_code_message,
    email_change_notice,
    email_changed_notice,
)
from migris.domain.records import (
    Account,
    AccountChanges,
    ActivityKind,
    AddressTaken,
    AuditValue,
    CompanionRefused,
    NoticeDue,
)
from migris.domain.sessions import Sessions
from migris.domain.validation import EmailAddress, Language, PersonName, PhoneNumber, parse_input
from migris.domain.versioned import write_versioned

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.domain.activity import ActivityLog

# What changed on an account, field by field: before and after.
Pairs = dict[str, tuple[AuditValue, AuditValue]]
# What the first fill's line in the activity shows as filled in.
FIRST_FILL_FIELDS = ("given_name", "family_name", "phone_number")

NAME_FIELDS = ("given_name", "family_name")


class EmailAccountFirstFill(BaseModel):
    """PUT /profile on an e-mail account."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    given_name: PersonName
    family_name: PersonName
    phone_number: PhoneNumber


class ViispAccountFirstFill(BaseModel):
    """PUT /profile on a VIISP account: the names came from VIISP."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    phone_number: PhoneNumber
    email: EmailAddress | None = None


class ProfileChanges(BaseModel):
    """PATCH /profile: what the person may change. A field left out stays as it is; null is refused."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    phone_number: PhoneNumber = None  # type: ignore[assignment]
    email: EmailAddress = None  # type: ignore[assignment]
    language: Language = None  # type: ignore[assignment]


class EmailChangeCode(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", str_strip_whitespace=True)

    code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9]+$")]


@dataclass(frozen=True)
class PersonRequest:
    """What the domain gets of the person's request: the parsed JSON body, the language its Accept-Language
    names (Lithuanian if none; see mail_language) and where it came from."""

    body: Any
    accept_language: Language
    source_ip: str | None = None


def mail_language(user: Account, request: PersonRequest, named: Language | None = None) -> Language:
    """The language of a mail about the person's account: the one the request's body names, else the one the
    account keeps, else the one the request's Accept-Language names (Lithuanian if none)."""
    return named or user.language or request.accept_language


def signs_in_by_email(user: Account) -> bool:
    """An e-mail account's address is its sign-in (held by a uniqueness item); a VIISP account's is contact."""
    return user.login_method == "email"


def names_locked(user: Account) -> bool:
    return not signs_in_by_email(user) or user.profile_complete


class Profiles:
    def __init__(
        self,
        repository: AccountRepository,
        sessions: Sessions,
        codes: Codes,
        mailer: MailSender,
        clock: Clock,
        devices: Devices | None = None,
        activity: ActivityLog | None = None,
        *,
        contact_url: str,  # ContactUrl, required: a wiring that forgot it must not mail a default
    ) -> None:
        """`activity` records each change in the write that makes it."""
        self._activity = activity
        self._repository = repository
        self._devices = devices
        self._sessions = sessions
        self._codes = codes
        self._mailer = mailer
        self._contact_url = contact_url  # ContactUrl: where a notice sends a person it was not about
        self._clock = clock

    # --- PUT /profile ---

    def fill_in(self, user: Account, request: PersonRequest) -> Account:
        """The first fill of contact data on the account as the session check read it; refused once the
        profile is complete."""
        user_id = user.user_id
        if user.profile_complete:
            raise ProfileExists
        if _sent_names(request.body) and names_locked(user):
            log_event("names_locked", user_id=user_id, route="fill_in")
            raise NamesLocked
        fields: AccountChanges = {"profile_complete": True}
        new_email: str | None = None
        if signs_in_by_email(user):
            form = parse_input(EmailAccountFirstFill, request.body)
            fields |= {
                "given_name": form.given_name,
                "family_name": form.family_name,
                "phone_number": form.phone_number,
            }
        else:
            viisp_form = parse_input(ViispAccountFirstFill, request.body)
            fields["phone_number"] = viisp_form.phone_number
            if viisp_form.email is not None and viisp_form.email != user.email:
                new_email = viisp_form.email
        if new_email is not None:
            user.require_no_recovery()
        pending = self._start_email_change(user, new_email, request, mail_language(user, request))

        def first_fill(current: Account) -> AccountChanges:
            # Re-checked on every try: of concurrent first fills exactly one lands.
            if current.profile_complete:
                raise ProfileExists
            return fields | _pending(new_email, pending)

        def first_fill_line(current: Account, changes: AccountChanges) -> list[dict[str, Any]]:
            filled_in: Pairs = {
                name: (None, cast(AuditValue, value)) for name, value in changes.items() if name in FIRST_FILL_FIELDS
            }
            return self._lines(current, ("profile_completed", filled_in), ("email_change_requested", _asked(changes)))

        filled = self._save(user, first_fill, first_fill_line)
        log_event("profile_completed", user_id=user_id, email_pending=pending is not None)
        self._tell_the_old_address(user, new_email, pending, mail_language(user, request))
        return filled

    # --- GET /profile ---

    def view(self, user: Account) -> Account:
        """The account as the session check read it; a notice still due from an e-mail change goes out first."""
        self._send_due_notice(user)
        return user

    # --- PATCH /profile ---

    def change(self, user: Account, request: PersonRequest) -> Account:
        """Change the phone number or the language of mails, and/or start an e-mail change (pending until its
        code is entered). A language sent here is kept, and already speaks the mails of this change. `user` is
        the account as the session check read it."""
        user_id = user.user_id
        if _sent_names(request.body):
            log_event("names_locked", user_id=user_id, route="change")
            raise NamesLocked
        form = parse_input(ProfileChanges, request.body)
        sent = form.model_fields_set
        if not sent:
            raise InvalidInput({"body": "send phone_number, email or language"})
        self._send_due_notice(user)
        new_email = form.email if "email" in sent and form.email != user.email else None
        if new_email is not None:
            user.require_no_recovery()  # 409 recovery_pending: the address is being recovered at the desk
        named = form.language if "language" in sent else None
        pending = self._start_email_change(user, new_email, request, mail_language(user, request, named))

        def phone_email_and_language(current: Account) -> AccountChanges:
            if new_email is not None:
                current.require_no_recovery()  # started while this change was on its way
            changes = _pending(new_email, pending)
            if "phone_number" in sent and form.phone_number != current.phone_number:
                changes["phone_number"] = form.phone_number
            if "language" in sent and form.language != current.language:
                changes["language"] = form.language
            return changes

        def contact_lines(current: Account, changes: AccountChanges) -> list[dict[str, Any]]:
            phone: Pairs = {}
            if "phone_number" in changes:
                phone["phone_number"] = (current.phone_number, changes["phone_number"])
            return self._lines(current, ("contact_changed", phone), ("email_change_requested", _asked(changes)))

        changed = self._save(user, phone_email_and_language, contact_lines)
        log_event(
            "profile_changed",
            user_id=user_id,
            phone="phone_number" in sent,
            language="language" in sent,
            email_pending=bool(pending),
        )
        self._tell_the_old_address(user, new_email, pending, mail_language(user, request, named))
        return changed

    # --- POST /profile/email/verify ---

    def confirm_email(
        self,
        user: Account,
        current_session_hash: str,
        request: PersonRequest,
        device: PresentedDevice | None = None,
    ) -> Account:
        """Land the pending e-mail change when its code is right. In the same write the person's other sessions
        end and a notice to the old address falls due; it is sent now, and again on a later request until
        it has gone out. `user` is the account as the session check read it.

        The session that confirms is kept only if it is live in the epoch the write read. When staff end every
        session (a revoke, an unlink) while the confirmation runs, its session ended with the others, so the
        confirmation is refused as Unauthenticated (401: the asker is signed in no more) and no address
        moves: the revoke, not the change, decided which sessions live."""
        form = parse_input(EmailChangeCode, request.body)
        user_id = user.user_id
        pending_id = user.pending_email_id or ""
        # Checked (and counted) whether or not a change is pending: one answer for every wrong code.
        self._codes.use_email_change_code(user_id, pending_id, form.code)
        new_email = user.pending_email
        if not new_email:
            raise InvalidCode
        old_email = user.email

        read: list[Account] = []  # the account as the write that landed read it

        def move_to_new_address(current: Account) -> Account:
            read[:] = [current]
            if current.pending_email_id != pending_id:
                raise InvalidCode  # a newer change replaced this one while its code was checked
            current.require_no_recovery()  # a recovery started meanwhile: it decides the address
            next_epoch = current.session_epoch + 1
            changes: AccountChanges = {
                "email": new_email,
                "updated_at": int(self._clock.now()),
                "session_epoch": next_epoch,
                "email_change_notice": _notice_due(old_email, new_email, mail_language(current, request)),
            }
            keep_this_session = (
                self._sessions.keep_only(current_session_hash, current, next_epoch),
                *self._lines(current, ("contact_changed", {"email": (old_email, str(new_email))})),
            )
            try:
                if signs_in_by_email(current):
                    self._repository.move_email(
                        user_id, current.version, str(old_email), changes, with_items=keep_this_session
                    )
                else:
                    self._repository.update_user(
                        user_id, current.version, changes, remove=_PENDING, with_items=keep_this_session
                    )
            except AddressTaken:
                self._save(current, lambda latest: _without_pending(latest, pending_id))
                log_event("email_change_refused", user_id=user_id, reason="taken_meanwhile")
                raise EmailTaken from None
            except CompanionRefused:
                log_event("email_change_refused", user_id=user_id, reason="session_ended")
                raise Unauthenticated from None
            # The answer is what was written: no read after the write can turn a landed change into an error.
            gone: AccountChanges = {"pending_email": None, "pending_email_id": None}
            return current.model_copy(update={**changes, **gone, "version": current.version + 1})

        landed = write_versioned(lambda: self._user(user_id), move_to_new_address, first=user, exhausted=EditConflict)
        log_event("email_changed", user_id=user_id)
        if self._devices is not None:
            # The device that confirmed stays, with the new address; every other device ended with the epoch.
            self._devices.after_epoch_moved(user_id, keep=(read[-1], device, landed.session_epoch, new_email))
        self._send_due_notice(landed)
        return landed

    # --- the parts ---

    def _start_email_change(
        self, user: Account, new_email: str | None, request: PersonRequest, language: Language
    ) -> PendingChange | None:
        """Make the change's code and queue its mail, within the limits of mail to the new address: a mail the
        queue does not take is 503, with nothing counted (MailUnavailable). An address that signs in to another
        account is not refused here: the asker gets the same answer as for a free one, and the address's owner
        gets a notice instead of a code."""
        if new_email is None:
            return None
        taken = signs_in_by_email(user) and self._repository.user_id_for_email(new_email) not in (None, user.user_id)
        ref = self._codes.address_ref(new_email)

        def mail(issued: NewCode) -> None:
            if taken:
                queued = self._mailer.deliver(
                    new_email,
                    address_in_use_notice(language, contact_url=self._contact_url),
                    email_ref=ref,
                    kind="notice",
                )
            else:
                message = email_change_code_message(language, issued.code, self._codes.ttl_seconds)
                queued = self._mailer.deliver(new_email, message, email_ref=ref, code=issued.mail_ref)
            if not queued:
                raise MailUnavailable

        issued = self._codes.make_email_change_code(user.user_id, new_email, request.source_ip, mail)
        if taken:
            log_event("email_change_to_taken_address", user_id=user.user_id)
        return PendingChange(issued=issued, address_taken=taken)

    def _tell_the_old_address(
        self, user: Account, new_email: str | None, pending: PendingChange | None, language: Language
    ) -> None:
        """A notice to the old address, once the pending change (whose code or notice went already) is saved."""
        if new_email is None or pending is None:
            return
        old_email = user.email
        if old_email and old_email != new_email:
            notice = email_change_notice(language, new_email, contact_url=self._contact_url)
            self._mailer.deliver(old_email, notice, email_ref=self._codes.address_ref(old_email), kind="notice")
        log_event("email_change_requested", user_id=user.user_id)

    def _send_due_notice(self, user: Account) -> None:
        """Tell the old address of a landed e-mail change, once it is sent; until then it stays due."""
        due = user.email_change_notice
        if due is None:
            return
        notice = email_changed_notice(due.language, due.new, contact_url=self._contact_url)
        if due.to and not self._mailer.deliver(
            due.to, notice, email_ref=self._codes.address_ref(due.to), kind="notice"
        ):
            return  # not sent (SES refused or failed): try again on the next request
        if not self._repository.clear_notice(user.user_id, due.id):
            log_event("notice_left_due", user_id=user.user_id)

    def _lines(self, user: Account, *lines: tuple[ActivityKind, Pairs]) -> list[dict[str, Any]]:
        """The activity's lines for what changed (a line whose values all stayed the same is none), as
        transaction items for the change's own write."""
        if self._activity is None:
            return []
        items = []
        for kind, pairs in lines:
            changes = changes_of(pairs)
            if changes:
                items.append(self._activity.item(user.user_id, kind, changes=changes))
        return items

    def _save(
        self,
        user: Account,
        changes_for: Callable[[Account], AccountChanges],
        lines_for: Callable[[Account, AccountChanges], list[dict[str, Any]]] | None = None,
    ) -> Account:
        """Write what `changes_for` asks of the account as read, at its version (read again and asked again
        when another write got there first), with the activity's lines `lines_for` gives for those changes; the
        account as written, without reading it again."""

        def write(current: Account) -> Account:
            changes = changes_for(current)
            if not changes:
                return current
            lines = lines_for(current, changes) if lines_for is not None else []
            changes["updated_at"] = int(self._clock.now())
            self._repository.update_user(current.user_id, current.version, changes, with_items=tuple(lines))
            return current.model_copy(update={**changes, "version": current.version + 1})

        return write_versioned(lambda: self._user(user.user_id), write, first=user, exhausted=EditConflict)

    def _user(self, user_id: str) -> Account:
        user = self._repository.get_user(user_id)
        if user is None:
            raise AccountMissing(user_id)
        return user


_PENDING = ("pending_email", "pending_email_id")


@dataclass(frozen=True)
class PendingChange:
    issued: NewCode
    address_taken: bool


def _pending(new_email: str | None, pending: PendingChange | None) -> AccountChanges:
    if new_email is None or pending is None:
        return {}
    return {"pending_email": new_email, "pending_email_id": pending.issued.login_id}


def _asked(changes: AccountChanges) -> Pairs:
    """An e-mail change asked in these changes, as the activity shows it: the address asked for."""
    asked = changes.get("pending_email")
    return {"email": (None, asked)} if asked else {}


def _notice_due(old_email: str | None, new_email: str, language: Language) -> NoticeDue | None:
    """The notice the old address is owed once a change lands (None when there is no old address)."""
    if not old_email:
        return None
    return NoticeDue(id=secrets.token_hex(8), to=old_email, new=new_email, language=language)


def _without_pending(user: Account, pending_id: str) -> AccountChanges:
    if user.pending_email_id != pending_id:
        return {}
    return {"pending_email": None, "pending_email_id": None}


def _sent_names(body: Any) -> bool:
    return isinstance(body, dict) and any(name in body for name in NAME_FIELDS)
