"""Passkeys (DESIGN.md, "Passkeys"; WebAuthn through the well-kept `webauthn` package, py_webauthn): a person who
has signed in once signs in again without a mail. An authenticator, not an identity proof: never a change of
`level`.

- Registration: options for a fresh session only (`residentKey` and `userVerification` required, `attestation`
  none, `user.id` the account's random 32-byte handle, never its id or address; the account's passkeys
  excluded), the challenge bound to that session; the response verified by the library with user verification
  required, for our RP ID (the host of WebOrigin) and origin. At most MaxPasskeys, held by a count that the
  passkey's own write raises, so registrations at once cannot pass it. The address is told.
- Sign-in: options with no `allowCredentials` (discoverable passkeys: nothing says whether an address has any),
  the challenge bound to this browser by a short cookie. The assertion is verified by the library (signature,
  RP ID, origin, user verification); its `userHandle` must be the credential's account's; the counter rule is
  ours (both 0: nothing checked, synced passkeys report 0; otherwise it must rise, else a possible clone: logged
  and the address told). The challenge and the counter are spent in the write that opens the session (and sets
  or keeps the device), conditional on the counter as read and the account's epoch. Every refusal is one
  answer (PasskeySignInRefused, 401 invalid_passkey); the reason goes to the log only.
- Challenges are single use and live PasskeyChallengeSeconds; they are kept as their SHA-256."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from migris.clock import Clock
from migris.domain.devices import DeviceGrant, Devices, PresentedDevice
from migris.domain.errors import (
    EditConflict,
    PasskeyNotFound,
    PasskeyRefused,
    PasskeySignInRefused,
    TooManyPasskeys,
)
from migris.domain.events import log_event
from migris.domain.mail import (
    MailMessage,
    MailSender,
    passkey_added_notice,
    passkey_clone_notice,
    passkey_removed_notice,
)
from migris.domain.records import Account, ActivityKind, PasskeyChallenge, PasskeyRecord
from migris.domain.sessions import CurrentSession, OpenedSession, Sessions, require_fresh
from migris.domain.validation import DEFAULT_LANGUAGE, Language
from migris.domain.versioned import WRITE_ATTEMPTS

if TYPE_CHECKING:
    from migris.dal.accounts import AccountRepository
    from migris.dal.passkeys import PasskeyRepository
    from migris.domain.activity import ActivityLog
    from migris.domain.not_me import NotMe

HANDLE_BYTES = 32
CHALLENGE_BYTES = 32
NONCE_BYTES = 32
PUBLIC_ID_BYTES = 16
RP_NAME = "MIGRIS"
DEFAULT_NAME = "Passkey"


@dataclass(frozen=True)
class PasskeySettings:
    rp_id: str  # the host of WebOrigin: a passkey made for another site is refused
    origin: str  # WebOrigin, as the browser writes it in clientDataJSON
    challenge_seconds: int
    max_passkeys: int


@dataclass(frozen=True)
class SignInOptions:
    options: dict[str, Any]  # PublicKeyCredentialRequestOptionsJSON
    nonce: str  # for the short cookie that binds the challenge to this browser
    max_age: int


@dataclass(frozen=True)
class PasskeySignedIn:
    account: Account
    session: OpenedSession
    device: DeviceGrant | None


def _sha256(value: bytes | str) -> str:
    return hashlib.sha256(value.encode() if isinstance(value, str) else value).hexdigest()


class Passkeys:
    def __init__(
        self,
        repository: PasskeyRepository,
        accounts: AccountRepository,
        sessions: Sessions,
        devices: Devices,
        mailer: MailSender,
        clock: Clock,
        settings: PasskeySettings,
        not_me: Callable[[], NotMe] | None = None,
        activity: ActivityLog | None = None,
        *,
        contact_url: str,  # ContactUrl, required: a wiring that forgot it must not mail a default
    ) -> None:
        """`not_me` makes the "not me" link of the mail that tells of a new passkey; `activity` records sign-ins,
        passkeys added and removed."""
        self._not_me = not_me
        self._activity = activity
        self._repository = repository
        self._accounts = accounts
        self._sessions = sessions
        self._devices = devices
        self._mailer = mailer
        self._contact_url = contact_url  # ContactUrl: where a notice sends a person it was not about
        self._clock = clock
        self._settings = settings

    # --- registration (a fresh session) ---

    def registration_options(self, current: CurrentSession) -> dict[str, Any]:
        from webauthn import generate_registration_options, options_to_json
        from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
        from webauthn.helpers.structs import (
            AttestationConveyancePreference,
            AuthenticatorSelectionCriteria,
            PublicKeyCredentialDescriptor,
            ResidentKeyRequirement,
            UserVerificationRequirement,
        )

        require_fresh(current, self._clock.now())
        account = current.account
        handle = self._repository.handle(account.user_id, bytes_to_base64url(secrets.token_bytes(HANDLE_BYTES)))
        challenge = secrets.token_bytes(CHALLENGE_BYTES)
        self._repository.put_challenge(
            PasskeyChallenge(
                challenge_hash=_sha256(challenge),
                kind="registration",
                binding=current.token_hash,
                user_id=account.user_id,
                expires_at=int(self._clock.now()) + self._settings.challenge_seconds,
            )
        )
        options = generate_registration_options(
            rp_id=self._settings.rp_id,
            rp_name=RP_NAME,
            user_id=base64url_to_bytes(handle),
            user_name=account.email or _display_name(account),
            user_display_name=_display_name(account),
            challenge=challenge,
            timeout=self._settings.challenge_seconds * 1000,
            attestation=AttestationConveyancePreference.NONE,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                require_resident_key=True,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
            exclude_credentials=[
                PublicKeyCredentialDescriptor(id=base64url_to_bytes(passkey.credential_id))
                for passkey in self._repository.of_user(account.user_id)
            ],
        )
        return dict(json.loads(options_to_json(options)))

    def register(self, current: CurrentSession, credential: dict[str, Any], name: str | None) -> PasskeyRecord:
        """Take the authenticator's response to the options: PasskeyRefused for anything but a verified passkey
        made for this session's challenge; TooManyPasskeys at MaxPasskeys."""
        from webauthn import verify_registration_response
        from webauthn.helpers import bytes_to_base64url, parse_client_data_json, parse_registration_credential_json

        require_fresh(current, self._clock.now())
        now = int(self._clock.now())
        try:
            parsed = parse_registration_credential_json(credential)
            client_data = parse_client_data_json(parsed.response.client_data_json)
        except Exception:  # the library's many parse errors: all of them a response we cannot take
            self._refuse_registration("malformed", current.user_id)
        challenge = self._repository.challenge(_sha256(client_data.challenge))
        if (
            challenge is None
            or challenge.kind != "registration"
            or challenge.binding != current.token_hash
            or challenge.user_id != current.user_id
            or challenge.expires_at <= now
        ):
            self._refuse_registration("challenge", current.user_id)
        try:
            verified = verify_registration_response(
                credential=parsed,
                expected_challenge=client_data.challenge,
                expected_rp_id=self._settings.rp_id,
                expected_origin=self._settings.origin,
                require_user_presence=True,
                require_user_verification=True,
            )
        except Exception as error:  # InvalidRegistrationResponse and the parse errors under it
            log_event("passkey_registration_detail", level="warning", error=type(error).__name__)
            self._refuse_registration("verification", current.user_id)
        handle = self._repository.handle_of(current.user_id)  # made by the options that issued the challenge
        if handle is None:
            self._refuse_registration("no_handle", current.user_id)
        record = PasskeyRecord(
            credential_id=bytes_to_base64url(verified.credential_id),
            user_id=current.user_id,
            user_handle=handle,
            public_key=bytes_to_base64url(verified.credential_public_key),
            sign_count=verified.sign_count,
            transports=[str(getattr(t, "value", t)) for t in (parsed.response.transports or [])][:8],
            name=name or DEFAULT_NAME,
            public_id=secrets.token_urlsafe(PUBLIC_ID_BYTES),
            created_at=now,
        )
        failed = self._repository.add(
            record,
            self._repository.spend_challenge_item(challenge, now),
            self._settings.max_passkeys,
            also=self._line(current.user_id, "passkey_added"),
        )
        if failed is not None:
            if 1 in failed:
                raise TooManyPasskeys
            self._refuse_registration("used_or_exists", current.user_id)
        log_event("passkey_added", user_id=current.user_id)
        self._tell_added(current.account, record)
        return record

    def _refuse_registration(self, reason: str, user_id: str) -> NoReturn:
        log_event("passkey_registration_refused", level="warning", security=True, reason=reason, user_id=user_id)
        raise PasskeyRefused(reason)

    # --- the person's list ---

    def list_of(self, account: Account) -> list[PasskeyRecord]:
        return self._repository.of_user(account.user_id)

    def rename(self, account: Account, public_id: str, name: str) -> PasskeyRecord:
        passkey = self._find(account, public_id)
        if not self._repository.rename(passkey.credential_id, account.user_id, name):
            raise PasskeyNotFound
        return passkey.model_copy(update={"name": name})

    def remove(self, current: CurrentSession, public_id: str) -> None:
        require_fresh(current, self._clock.now())
        passkey = self._find(current.account, public_id)
        if not self._repository.remove(passkey, also=self._line(current.user_id, "passkey_removed")):
            raise PasskeyNotFound
        log_event("passkey_removed", user_id=current.user_id)
        self._tell(current.account, lambda language: passkey_removed_notice(language, contact_url=self._contact_url))

    def _line(self, user_id: str, kind: ActivityKind) -> list[dict[str, Any]]:
        return [] if self._activity is None else [self._activity.item(user_id, kind)]

    def removal_items(self, user_id: str) -> tuple[int, list[dict[str, Any]]]:
        """How many passkeys the account has, and the transaction items that remove them all (a staff revoke with
        `passkeys`, in the write that ends the sessions)."""
        passkeys = self._repository.of_user(user_id)
        return len(passkeys), self._repository.remove_items(passkeys)

    def _find(self, account: Account, public_id: str) -> PasskeyRecord:
        for passkey in self._repository.of_user(account.user_id):
            if passkey.public_id and passkey.public_id == public_id:
                return passkey
        raise PasskeyNotFound

    # --- sign-in (no address) ---

    def sign_in_options(self) -> SignInOptions:
        from webauthn import generate_authentication_options, options_to_json
        from webauthn.helpers.structs import UserVerificationRequirement

        challenge = secrets.token_bytes(CHALLENGE_BYTES)
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        self._repository.put_challenge(
            PasskeyChallenge(
                challenge_hash=_sha256(challenge),
                kind="sign_in",
                binding=_sha256(nonce),
                expires_at=int(self._clock.now()) + self._settings.challenge_seconds,
            )
        )
        options = generate_authentication_options(
            rp_id=self._settings.rp_id,
            challenge=challenge,
            timeout=self._settings.challenge_seconds * 1000,
            allow_credentials=[],
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        return SignInOptions(
            options=dict(json.loads(options_to_json(options))),
            nonce=nonce,
            max_age=self._settings.challenge_seconds,
        )

    def sign_in(
        self,
        credential: dict[str, Any],
        nonce: str | None,
        *,
        device: PresentedDevice | None = None,
        shared: bool = False,
        user_agent: str | None = None,
        source_ip: str | None = None,
    ) -> PasskeySignedIn:
        """A session on the passkey's account, when the assertion answers this browser's challenge; every refusal
        is PasskeySignInRefused."""
        from webauthn import verify_authentication_response
        from webauthn.helpers import (
            base64url_to_bytes,
            bytes_to_base64url,
            parse_authentication_credential_json,
            parse_authenticator_data,
            parse_client_data_json,
        )

        now = int(self._clock.now())
        try:
            parsed = parse_authentication_credential_json(credential)
            client_data = parse_client_data_json(parsed.response.client_data_json)
            presented_count = parse_authenticator_data(parsed.response.authenticator_data).sign_count
        except Exception:  # the library's many parse errors: all of them an assertion we cannot take
            self._refuse_sign_in("malformed")
        challenge = self._repository.challenge(_sha256(client_data.challenge))
        if (
            challenge is None
            or challenge.kind != "sign_in"
            or not nonce
            or challenge.binding != _sha256(nonce)
            or challenge.expires_at <= now
        ):
            self._refuse_sign_in("challenge")
        passkey = self._repository.get(bytes_to_base64url(parsed.raw_id))
        if passkey is None:
            self._refuse_sign_in("unknown_passkey")
        handle = parsed.response.user_handle
        if not handle or bytes_to_base64url(handle) != passkey.user_handle:
            self._refuse_sign_in("user_handle", passkey.user_id)
        try:
            # The counter is checked below, by our rule, once the signature is known to be the passkey's: the
            # library's own check would also refuse a forged assertion as a clone, and a clone is told about.
            verify_authentication_response(
                credential=parsed,
                expected_challenge=client_data.challenge,
                expected_rp_id=self._settings.rp_id,
                expected_origin=self._settings.origin,
                credential_public_key=base64url_to_bytes(passkey.public_key),
                credential_current_sign_count=0,
                require_user_verification=True,
            )
        except Exception as error:  # InvalidAuthenticationResponse and the parse errors under it
            log_event("passkey_sign_in_detail", level="warning", error=type(error).__name__)
            self._refuse_sign_in("verification", passkey.user_id)
        if (presented_count > 0 or passkey.sign_count > 0) and presented_count <= passkey.sign_count:
            log_event("passkey_possible_clone", level="warning", security=True, user_id=passkey.user_id)
            account = self._accounts.get_user(passkey.user_id)
            if account is not None:
                self._tell(account, lambda language: passkey_clone_notice(language, contact_url=self._contact_url))
            self._refuse_sign_in("counter", passkey.user_id)
        for _ in range(WRITE_ATTEMPTS):
            account = self._accounts.get_user(passkey.user_id)
            if account is None:
                self._refuse_sign_in("no_account", passkey.user_id)
            grant, device_items = self._devices.prepare(
                account, account.email, device, shared=shared, user_agent=user_agent
            )
            session, session_items = self._sessions.prepare(
                account, "passkey", user_agent=user_agent, source_ip=source_ip
            )
            spent = [
                self._repository.spend_challenge_item(challenge, now),
                self._repository.used_item(passkey, presented_count, now),
            ]
            known = device is not None and device.of_account(account) is not None
            failed = self._accounts.transact([*spent, *device_items, *session_items])
            if failed is None:
                self._sessions.opened(session, known_device=known)
                self._devices.opened(account, grant)
                log_event("passkey_signed_in", user_id=account.user_id)
                return PasskeySignedIn(account=account, session=session, device=grant)
            if 0 in failed or 1 in failed:
                self._refuse_sign_in("used_concurrently", passkey.user_id)
            if device_items and len(spent) in failed:
                device = None  # the known device was forgotten meanwhile: a new one is set instead
            # otherwise the account's epoch moved (a revoke): read it again
        raise EditConflict

    def _refuse_sign_in(self, reason: str, user_id: str | None = None) -> NoReturn:
        log_event("passkey_sign_in_refused", level="warning", security=True, reason=reason, user_id=user_id)
        raise PasskeySignInRefused(reason)

    # --- mail ---

    def _tell_added(self, account: Account, passkey: PasskeyRecord) -> None:
        """The mail that tells of a new passkey, with its "not me" link: it removes this passkey (and any added
        since) and ends every session and device."""
        if not account.email:
            return
        try:
            link = self._not_me().link(account, passkey.created_at) if self._not_me is not None else ""
        except Exception:  # the passkey has landed: a link that cannot be made must not undo the answer
            log_event("not_me_link_failed", level="error", user_id=account.user_id)
            link = ""
        self._tell(account, lambda language: passkey_added_notice(language, link))

    def _tell(self, account: Account, notice: Callable[[Language], MailMessage]) -> None:
        """A notice to the account's address, never failing the request it follows."""
        if not account.email:
            return
        message = notice(account.language or DEFAULT_LANGUAGE)
        try:
            self._mailer.deliver(account.email, message, email_ref=f"user#{account.user_id}", kind="notice")
        except Exception:  # what it tells of has landed: a mail that cannot go must not undo the answer
            log_event("passkey_notice_failed", level="error", user_id=account.user_id)


def _display_name(account: Account) -> str:
    names = " ".join(part for part in (account.given_name, account.family_name) if part)
    return names or account.email or RP_NAME
