"""The person's own profile: the first fill of contact data, phone and e-mail changes, and the e-mail change's
confirmation by code. Names are the person's to give once (an e-mail account's first fill); after that only
staff change them (migris.staff).

Every write is conditional on the account's version, re-read and retried when another write got there first,
so concurrent changes never overwrite each other and the first fill wins exactly once."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from migris.clock import Clock
from migris.dal.accounts import AccountRepository, AddressTaken
from migris.dal.base import StaleVersion
from migris.dal.mailer import Mailer
from migris.domain.accounts import AccountMissing
from migris.domain.codes import Codes, NewCode
from migris.domain.errors import EditConflict, EmailTaken, InvalidCode, InvalidInput, NamesLocked, ProfileExists
from migris.domain.mail import (
    address_in_use_notice,
    email_change_code_message,
    email_change_notice,
    email_changed_notice,
)
from migris.domain.sessions import Sessions, session_epoch
from migris.domain.validation import EmailAddress, Language, PersonName, PhoneNumber, parse_input
from migris.observability import log_event

NAME_FIELDS = ("given_name", "family_name")
WRITE_RETRIES = 3


class EmailAccountFirstFill(BaseModel):
    """PUT /profile on an e-mail account."""

    model_config = ConfigDict(extra="forbid")

    given_name: PersonName
    family_name: PersonName
    phone_number: PhoneNumber


class ViispAccountFirstFill(BaseModel):
    """PUT /profile on a VIISP account: the names came from VIISP."""

    model_config = ConfigDict(extra="forbid")

    phone_number: PhoneNumber
    email: EmailAddress | None = None


class ProfileChanges(BaseModel):
    """PATCH /profile: what the person may change. A field left out stays as it is; null is refused."""

    model_config = ConfigDict(extra="forbid")

    phone_number: PhoneNumber = None  # type: ignore[assignment]
    email: EmailAddress = None  # type: ignore[assignment]


class EmailChangeCode(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9]+$")]


@dataclass(frozen=True)
class PersonRequest:
    """What the domain gets of the person's request: the parsed JSON body and the language for mail."""

    body: Any
    language: Language
    source_ip: str | None = None


def signs_in_by_email(user: Mapping[str, Any]) -> bool:
    """An e-mail account's address is its sign-in (held by a uniqueness item); a VIISP account's is contact."""
    return user.get("login_method") == "email"


def names_locked(user: Mapping[str, Any]) -> bool:
    return not signs_in_by_email(user) or bool(user.get("profile_complete"))


Changes = dict[str, Any]


class Profiles:
    def __init__(
        self,
        repository: AccountRepository,
        sessions: Sessions,
        codes: Codes,
        mailer: Mailer,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._sessions = sessions
        self._codes = codes
        self._mailer = mailer
        self._clock = clock

    # --- PUT /profile ---

    def fill_in(self, user_id: str, request: PersonRequest) -> dict[str, Any]:
        """The first fill of contact data; refused once the profile is complete."""
        user = self._user(user_id)
        if user.get("profile_complete"):
            raise ProfileExists
        if _sent_names(request.body) and names_locked(user):
            log_event("names_locked", user_id=user_id, route="fill_in")
            raise NamesLocked
        fields: Changes = {"profile_complete": True}
        new_email: str | None = None
        if signs_in_by_email(user):
            form = parse_input(EmailAccountFirstFill, request.body)
            fields |= form.model_dump()
        else:
            viisp_form = parse_input(ViispAccountFirstFill, request.body)
            fields["phone_number"] = viisp_form.phone_number
            if viisp_form.email is not None and viisp_form.email != user.get("email"):
                new_email = viisp_form.email
        pending = self._start_email_change(user, new_email, request)

        def first_fill(current: dict[str, Any]) -> Changes:
            # Re-checked on every try: of concurrent first fills exactly one lands.
            if current.get("profile_complete"):
                raise ProfileExists
            return fields | _pending(new_email, pending)

        self._save(user, first_fill)
        log_event("profile_completed", user_id=user_id, email_pending=pending is not None)
        self._send_change_mails(user, new_email, pending, request.language)
        return self._user(user_id)

    # --- GET /profile ---

    def view(self, user_id: str) -> dict[str, Any]:
        """The account as stored; a notice still due from an e-mail change goes out first."""
        user = self._user(user_id)
        self._send_due_notice(user)
        return user

    # --- PATCH /profile ---

    def change(self, user_id: str, request: PersonRequest) -> dict[str, Any]:
        """Change the phone number and/or start an e-mail change (pending until its code is entered)."""
        if _sent_names(request.body):
            log_event("names_locked", user_id=user_id, route="change")
            raise NamesLocked
        form = parse_input(ProfileChanges, request.body)
        sent = form.model_fields_set
        if not sent:
            raise InvalidInput({"body": "send phone_number or email"})
        user = self._user(user_id)
        self._send_due_notice(user)
        new_email = form.email if "email" in sent and form.email != user.get("email") else None
        pending = self._start_email_change(user, new_email, request)

        def phone_and_email(current: dict[str, Any]) -> Changes:
            changes = _pending(new_email, pending)
            if "phone_number" in sent and form.phone_number != current.get("phone_number"):
                changes["phone_number"] = form.phone_number
            return changes

        self._save(user, phone_and_email)
        log_event("profile_changed", user_id=user_id, phone="phone_number" in sent, email_pending=bool(pending))
        self._send_change_mails(user, new_email, pending, request.language)
        return self._user(user_id)

    # --- POST /profile/email/verify ---

    def confirm_email(self, user_id: str, current_session_hash: str, request: PersonRequest) -> dict[str, Any]:
        """Land the pending e-mail change when its code is right. In the same write the person's other sessions
        end and a notice to the old address falls due; it is sent now, and again on a later request until
        it has gone out."""
        form = parse_input(EmailChangeCode, request.body)
        user = self._user(user_id)
        pending_id = str(user.get("pending_email_id") or "")
        # Checked (and counted) whether or not a change is pending: one answer for every wrong code.
        self._codes.use_email_change_code(user_id, pending_id, form.code)
        new_email = user.get("pending_email")
        if not new_email:
            raise InvalidCode
        old_email = user.get("email")
        for _ in range(WRITE_RETRIES):
            if user.get("pending_email_id") != pending_id:
                raise InvalidCode  # a newer change replaced this one while its code was checked
            next_epoch = session_epoch(user) + 1
            changes: Changes = {
                "email": new_email,
                "updated_at": int(self._clock.now()),
                "session_epoch": next_epoch,
                "email_change_notice": _notice_due(old_email, str(new_email), request.language),
            }
            keep_this_session = (self._sessions.keep_only(current_session_hash, next_epoch),)
            try:
                if signs_in_by_email(user):
                    self._repository.move_email(
                        user_id, _version(user), str(old_email), changes, with_items=keep_this_session
                    )
                else:
                    self._repository.update_user(
                        user_id, _version(user), changes, remove=_PENDING, with_items=keep_this_session
                    )
                break
            except AddressTaken:
                self._save(user, lambda current: _without_pending(current, pending_id))
                log_event("email_change_refused", user_id=user_id, reason="taken_meanwhile")
                raise EmailTaken from None
            except StaleVersion:
                user = self._user(user_id)
        else:
            raise EditConflict
        log_event("email_changed", user_id=user_id)
        # The answer is what was written: no read after the write can turn a landed change into an error.
        landed = {key: value for key, value in user.items() if key not in _PENDING} | changes
        landed["version"] = _version(user) + 1
        self._send_due_notice(landed)
        return landed

    # --- the parts ---

    def _start_email_change(
        self, user: Mapping[str, Any], new_email: str | None, request: PersonRequest
    ) -> PendingChange | None:
        """Make the change's code (not yet sent), within the limits of mail to the new address. An address
        that signs in to another account is not refused here: the asker gets the same answer as for a free
        one, and the address's owner gets a notice instead of a code (see _send_change_mails)."""
        if new_email is None:
            return None
        user_id = str(user["user_id"])
        issued = self._codes.make_email_change_code(user_id, new_email, request.source_ip)
        taken = signs_in_by_email(user) and self._repository.user_id_for_email(new_email) not in (None, user_id)
        return PendingChange(issued=issued, address_taken=taken)

    def _send_change_mails(
        self, user: Mapping[str, Any], new_email: str | None, pending: PendingChange | None, language: Language
    ) -> None:
        """The code to the new address (or, if it is another account's, a notice with no code), a notice to
        the old one; sent only once the pending change is saved."""
        if new_email is None or pending is None:
            return
        ref = self._codes.address_ref(new_email)
        if pending.address_taken:
            log_event("email_change_to_taken_address", user_id=str(user["user_id"]))
            self._mailer.deliver(new_email, address_in_use_notice(language), email_ref=ref, kind="notice")
        else:
            message = email_change_code_message(language, pending.issued.code, self._codes.ttl_seconds)
            self._mailer.deliver(new_email, message, email_ref=ref)
        old_email = user.get("email")
        if old_email and old_email != new_email:
            notice = email_change_notice(language, new_email)
            self._mailer.deliver(
                str(old_email), notice, email_ref=self._codes.address_ref(str(old_email)), kind="notice"
            )
        log_event("email_change_requested", user_id=str(user["user_id"]))

    def _send_due_notice(self, user: Mapping[str, Any]) -> None:
        """Tell the old address of a landed e-mail change, once it is sent; until then it stays due."""
        due = user.get("email_change_notice")
        if not isinstance(due, Mapping):
            return
        to = str(due.get("to", ""))
        language: Language = "en" if due.get("language") == "en" else "lt"
        notice = email_changed_notice(language, str(due.get("new", "")))
        if to and not self._mailer.deliver(to, notice, email_ref=self._codes.address_ref(to), kind="notice"):
            return  # not sent (SES refused or failed): try again on the next request
        if not self._repository.clear_notice(str(user["user_id"]), str(due.get("id", ""))):
            log_event("notice_left_due", user_id=str(user["user_id"]))

    def _save(self, user: dict[str, Any], changes_for: Callable[[dict[str, Any]], Changes]) -> None:
        """Write what `changes_for` asks of the account as read, at its version; on a concurrent write, read
        it again and ask again."""
        user_id = str(user["user_id"])
        for _ in range(WRITE_RETRIES):
            changes = changes_for(user)
            if not changes:
                return
            changes["updated_at"] = int(self._clock.now())
            try:
                self._repository.update_user(user_id, _version(user), changes)
                return
            except StaleVersion:
                user = self._user(user_id)
        raise EditConflict

    def _user(self, user_id: str) -> dict[str, Any]:
        user = self._repository.get_user(user_id)
        if user is None:
            raise AccountMissing(user_id)
        return user


_PENDING = ("pending_email", "pending_email_id")


@dataclass(frozen=True)
class PendingChange:
    issued: NewCode
    address_taken: bool


def _pending(new_email: str | None, pending: PendingChange | None) -> Changes:
    if new_email is None or pending is None:
        return {}
    return {"pending_email": new_email, "pending_email_id": pending.issued.login_id}


def _notice_due(old_email: Any, new_email: str, language: Language) -> dict[str, str] | None:
    """The notice the old address is owed once a change lands (None when there is no old address)."""
    if not old_email:
        return None
    return {"id": secrets.token_hex(8), "to": str(old_email), "new": new_email, "language": language}


def _without_pending(user: Mapping[str, Any], pending_id: str) -> Changes:
    if user.get("pending_email_id") != pending_id:
        return {}
    return dict.fromkeys(_PENDING)


def _sent_names(body: Any) -> bool:
    return isinstance(body, dict) and any(name in body for name in NAME_FIELDS)


def _version(user: Mapping[str, Any]) -> int:
    return int(user.get("version", 0))
