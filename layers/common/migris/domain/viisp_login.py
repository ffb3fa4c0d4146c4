"""Sign-in through VIISP: start (a fresh ticket, stored and bound to this browser) and finish (the ticket is
ours, unused, unexpired, from this browser and with our state; VIISP's signed identity; the account; a session).
A link (migris.domain.linking) is the same round trip, started by a signed-in person, whose ticket is bound to
their account and session as well; its finish gives that account the identity.

A ticket is stored as its SHA-256 with the SHA-256 of a random nonce (the browser keeps the nonce in a
short-lived cookie) and of `customData`, an opaque random state VIISP hands back. Every refusal is one answer
for the client (invalid_ticket) and a security log line with the reason."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlencode

from migris.clock import Clock
from migris.domain.accounts import Accounts
from migris.domain.devices import DeviceGrant, Devices, PresentedDevice
from migris.domain.errors import EditConflict, InvalidTicket, LithuanianEid, ViispUnavailable
from migris.domain.events import log_event
from migris.domain.linking import IdentityLinks, check_can_link
from migris.domain.records import EpochMoved, Identity, ViispTicketRecord
from migris.domain.sessions import CurrentSession, OpenedSession, Sessions, require_fresh, token_hash
from migris.domain.validation import (
    LITHUANIA,
    Language,
    ViispNameRefused,
    eidas_country,
    normalize_eidas_id,
    normalize_email,
    normalize_personal_code,
    normalize_viisp_name,
)
from migris.domain.versioned import WRITE_ATTEMPTS
from migris.viisp.protocol import ViispIdentity, ViispProtocolError
from migris.viisp.transport import ViispTransportError

if TYPE_CHECKING:
    from migris.dal.tickets import ViispTicketRepository
    from migris.viisp.transport import ViispClient

MAX_TICKET_LENGTH = 512  # the schema's ticket type
MAX_STATE_LENGTH = 256


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class ViispStart:
    portal_url: str  # where the browser goes, with the ticket
    nonce: str  # for the browser's cookie
    max_age: int


@dataclass(frozen=True)
class ViispFinish:
    session: OpenedSession  # the new session on the account
    linked: bool  # the identity joined the signed-in person's account (a link), rather than signing in
    device: DeviceGrant | None = None  # the device cookie a sign-in sets (none for a link or a shared computer)


class ViispSignIn:
    def __init__(
        self,
        client: ViispClient,
        tickets: ViispTicketRepository,
        accounts: Accounts,
        sessions: Sessions,
        links: IdentityLinks,
        clock: Clock,
        ticket_seconds: int,
        devices: Devices | None = None,
    ) -> None:
        self._devices = devices
        self._client = client
        self._tickets = tickets
        self._accounts = accounts
        self._sessions = sessions
        self._links = links
        self._clock = clock
        self._ticket_seconds = ticket_seconds

    @property
    def portal_origin(self) -> str:
        """The origin VIISP's page posts the callback from (the configured portal URL's)."""
        return self._client.config.portal_origin

    def begin(
        self,
        postback_url: str,
        linking: CurrentSession | None = None,
        *,
        device: PresentedDevice | None = None,
        shared_computer: bool = False,
    ) -> ViispStart:
        """A fresh ticket for this browser; with `linking`, for a link to that session's account (refused
        before VIISP is asked when the account cannot link: migris.domain.linking.check_can_link). A sign-in's
        ticket keeps what the start learnt of the browser's known device (`device`, its cookie) and whether its
        person said the computer is shared: the callback carries no Lax cookie."""
        if linking is not None:
            require_fresh(linking, self._clock.now())
            check_can_link(linking.account)
        nonce = secrets.token_urlsafe(32)
        state = secrets.token_urlsafe(32)
        try:
            ticket = self._client.init_authentication(postback_url, state)
        except ViispTransportError as error:
            raise ViispUnavailable(error.reason) from None
        except ViispProtocolError as error:
            log_event("viisp_bad_signature", level="warning", security=True, step="start", detail=str(error)[:200])
            raise ViispUnavailable("bad_signature") from None
        now = int(self._clock.now())
        record = ViispTicketRecord(
            ticket_hash=_sha256(ticket),
            nonce_hash=_sha256(nonce),
            state_hash=_sha256(state),
            expires_at=now + self._ticket_seconds,
            used_at=None,
            link_user_id=linking.user_id if linking else None,
            link_session_hash=linking.token_hash if linking else None,
            device_hash=device.hash if device is not None and linking is None else None,
            shared_computer=shared_computer,
        )
        self._tickets.create(record, now)
        log_event("viisp_started", ticket_ref=record.ticket_hash[:16], link=linking is not None)
        separator = "&" if "?" in self._client.config.portal_url else "?"
        portal = f"{self._client.config.portal_url}{separator}{urlencode({'ticket': ticket})}"
        return ViispStart(portal_url=portal, nonce=nonce, max_age=self._ticket_seconds)

    def finish(
        self,
        ticket: str | None,
        state: str | None,
        nonce: str | None,
        session_token: str | None = None,
        language: Language = "lt",
        user_agent: str | None = None,
        source_ip: str | None = None,
    ) -> ViispFinish:
        """A new session on the account VIISP vouched for (a link: on the account that asked, now holding the
        identity), after every check on the ticket; InvalidTicket otherwise. `session_token` is the session
        cookie, when the browser sent it along (only where VIISP's post is same-site, as on the local stack): a
        link's callback must not come with another session's. `language` is the request's, for a link's notice
        to an account that keeps none."""
        if not ticket or len(ticket) > MAX_TICKET_LENGTH or not state or len(state) > MAX_STATE_LENGTH:
            self._refuse("malformed", None)
        ticket_hash = _sha256(ticket)
        ref = ticket_hash[:16]
        now = int(self._clock.now())
        nonce_hash = _sha256(nonce) if nonce else ""  # no cookie: matches no ticket
        state_hash = _sha256(state)
        used, record = self._tickets.use(ticket_hash, nonce_hash, state_hash, now)
        if record is None:
            self._refuse("unknown", ref)
        if not used:  # the reason, from the ticket as the refused write found it
            if record.used_at is not None:
                self._refuse("used", ref)
            if now >= record.expires_at:
                self._refuse("expired", ref)
            if not hmac.compare_digest(nonce_hash, record.nonce_hash):
                self._refuse("other_browser", ref)
            if not hmac.compare_digest(state_hash, record.state_hash):
                self._refuse("state_mismatch", ref)
            self._refuse("condition_disagrees", ref)  # DynamoDB refused what this reading would take: never expected
        if record.link_session_hash and session_token and token_hash(session_token) != record.link_session_hash:
            self._refuse("other_session", ref)  # after the ticket is used up: no second try without the cookie
        try:
            found = self._client.authentication_data(ticket)
        except ViispTransportError as error:
            raise ViispUnavailable(error.reason) from None
        except ViispProtocolError as error:
            log_event("viisp_bad_signature", level="warning", security=True, step="finish", detail=str(error)[:200])
            self._refuse("bad_signature", ref)
        if found.custom_data is not None and not hmac.compare_digest(found.custom_data.encode(), state.encode()):
            self._refuse("state_mismatch_in_identity", ref)
        identity = self._identity(found, ref)
        try:
            names = {"given_name": _name(found.given_name), "family_name": _name(found.family_name)}
        except ViispNameRefused as refused:
            self._refuse(refused.reason, ref)  # which rule, never the name
        if record.link_user_id and record.link_session_hash:
            try:
                session = self._links.link(
                    record.link_user_id,
                    record.link_session_hash,
                    identity,
                    names,
                    language,
                    user_agent=user_agent,
                    source_ip=source_ip,
                )
            except InvalidTicket as refused:
                self._refuse(refused.reason, ref)
            log_event("viisp_linked", ticket_ref=ref, user_id=record.link_user_id, provider=found.provider)
            return ViispFinish(session=session, linked=True)
        fields = {**names, "email": _email(found.email)}
        devices = self._devices
        presented = devices.recognise_hash(record.device_hash) if devices is not None else None
        for _ in range(WRITE_ATTEMPTS):
            user = self._accounts.sign_in_by_viisp(identity, fields)
            known = presented is not None and presented.of_account(user) is not None
            grant: DeviceGrant | None = None
            device_items: list[dict[str, Any]] = []
            if devices is not None:
                grant, device_items = devices.prepare(
                    user, user.email, presented, shared=record.shared_computer, user_agent=user_agent
                )
            try:
                session = self._sessions.open(
                    user,
                    "viisp",
                    with_items=device_items,
                    user_agent=user_agent,
                    source_ip=source_ip,
                    known_device=known,
                    # Created by this sign-in (its first): no one to tell yet.
                    new_account=(user.created_at or 0) >= now,
                )
            except EpochMoved:
                # Staff ended the account's sessions or unlinked the identity after the read (or the known device
                # was forgotten): look it up again, so the session opens in the epoch (and on the account) that
                # now stands, with a new device if the known one ended.
                presented = None
                continue
            if devices is not None:
                devices.opened(user, grant)
            log_event(
                "viisp_signed_in", ticket_ref=ref, user_id=user.user_id, provider=found.provider, kind=identity.kind
            )
            return ViispFinish(session=session, linked=False, device=grant)
        raise EditConflict

    def _identity(self, found: ViispIdentity, ticket_ref: str) -> Identity:
        """Who VIISP vouched for, from the signed attributes only: a Lithuanian personal code (with a valid
        control digit) when VIISP gives one, else an eIDAS identifier; a sign-in with neither is refused."""
        if found.personal_code:
            try:
                return Identity(kind="lt-personal-code", key=normalize_personal_code(found.personal_code))
            except ValueError:
                self._refuse("bad_personal_code", ticket_ref)
        if found.eidas_eid:
            try:
                eidas_id = normalize_eidas_id(found.eidas_eid)
            except ValueError:
                self._refuse("bad_eidas_id", ticket_ref)
            if eidas_country(eidas_id) == LITHUANIA:
                # Its holder has a personal code, which keys their one account: no second one through eIDAS.
                self._refuse("lithuanian_eid", ticket_ref, LithuanianEid())
            return Identity(kind="eidas", key=eidas_id, country=eidas_country(eidas_id))
        self._refuse("no_identity", ticket_ref)

    def _refuse(self, reason: str, ticket_ref: str | None, error: InvalidTicket | None = None) -> NoReturn:
        log_event("viisp_refused", level="warning", security=True, reason=reason, ticket_ref=ticket_ref)
        raise error or InvalidTicket(reason)


def _name(value: str | None) -> str | None:
    """VIISP's names as VIISP gives them (upper case, any script), NFC with spaces collapsed, cut at 100
    characters: a long official name never locks a person out. A name that breaks a name rule (a control, bidi
    or other invisible character, no letter, a tower of marks) raises ViispNameRefused and `finish` refuses the
    sign-in (a security log line naming the rule) rather than dropping the name: the identity is signed, a
    register name never holds one, so it means VIISP or the path to it is broken or abused, and a silent account
    without a name (or an unnoticed one, for a returning person) would hide that from those who watch the logs."""
    return normalize_viisp_name(value)


def _email(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalize_email(value)
    except ValueError:
        return None
