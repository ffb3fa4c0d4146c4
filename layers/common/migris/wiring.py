"""Wiring: the domain objects a handler uses, built on first use and kept for the container's life.

Nothing here runs at import time. Tests and the local stack call `use_services` with their own (moto-backed
clients, a movable clock); a Lambda container builds the default from its environment on first request."""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import boto3

from migris.clock import Clock, SystemClock
from migris.config import Settings
from migris.dal.base import python_values
from migris.domain.errors import ViispUnavailable
from migris.observability import log_event

# The domain and its tables are imported by the property that builds them: a function imports only what its
# routes use (a profile read never loads the code rules, the staff desk or VIISP), which a cold start pays for.
if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from botocore.config import Config

    from migris.dal.accounts import AccountRepository
    from migris.dal.audit import AuditRepository
    from migris.dal.mail_queue import MailQueue, MailQueueConsumer
    from migris.domain.accounts import Accounts
    from migris.domain.activity import ActivityLog
    from migris.domain.codes import Codes
    from migris.domain.devices import Devices
    from migris.domain.email_sign_in import EmailSignIn
    from migris.domain.erasure import Erasure
    from migris.domain.export import AccountExports
    from migris.domain.mail import Lane
    from migris.domain.mail_delivery import MailDelivery
    from migris.domain.mail_domains import MailDomains
    from migris.domain.not_me import NotMe
    from migris.domain.passkeys import Passkeys
    from migris.domain.profiles import Profiles
    from migris.domain.recovery import Recoveries
    from migris.domain.sessions import Sessions
    from migris.domain.sign_in_notices import SignInNotices
    from migris.domain.staff import StaffDesk
    from migris.domain.viisp_login import ViispSignIn
    from migris.viisp.transport import SoapTransport, ViispConfig

PEPPER_MAX_AGE_SECONDS = 300
VIISP_CONFIG_MAX_AGE_SECONDS = 300


@dataclass(frozen=True)
class ClientBudget:
    """How long one call of an AWS client may take: `attempts` in all (the first included), each given `connect`
    seconds to open its connection (TLS included) and `read` seconds for each read of the answer, with botocore's
    standard retry mode backing off between attempts."""

    connect: float
    read: float
    attempts: int


# Every AWS client the functions make, and its budget (issue 24 item 7). botocore's defaults (60 s to connect,
# 60 s to read, 3 to 5 attempts) outlast the functions' 10 s Timeout: a call hung on a dead connection would end
# the function without a word in its log. At worst a call takes attempts x (connect + read) plus, between two
# attempts, a backoff of up to 1 s (a throttle) and the up to 5 s more an `x-amz-retry-after` answer may ask: so
# 2 attempts at most, and 2 x (0.5 + 1.0) + 1 + 5 = 9 s for the request-time clients, inside the 10 s with a
# second left to answer. tests/unit/test_client_budgets.py adds it up from botocore's own constants against each
# function's Timeout in template.yaml. DynamoDB, Secrets Manager and SQS answer in tens of milliseconds.
CLIENT_BUDGETS: dict[str, ClientBudget] = {
    # One retry, for a throttle or a dropped connection.
    "dynamodb": ClientBudget(connect=0.5, read=1.0, attempts=2),
    "secretsmanager": ClientBudget(connect=0.5, read=1.0, attempts=2),
    # One retry: a message sent twice is mailed once (the mail ledger knows its id).
    "sqs": ClientBudget(connect=0.5, read=1.0, attempts=2),
    # One attempt: the queue owns the retries (botocore's own would go past the send rate, and send again a mail
    # SES may have taken).
    "ses": ClientBudget(connect=2.0, read=3.0, attempts=1),
}


def client_config(service: str) -> Config:
    """The botocore Config of the service's client: its CLIENT_BUDGETS entry (KeyError for a service without
    one: a new client gets its budget first)."""
    from botocore.config import Config

    budget = CLIENT_BUDGETS[service]
    return Config(
        connect_timeout=budget.connect,
        read_timeout=budget.read,
        retries={"mode": "standard", "total_max_attempts": budget.attempts},
    )


class Services:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        boto_session: boto3.session.Session | None = None,
        viisp_transport: SoapTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        mail_domains: MailDomains | None = None,
    ) -> None:
        """The local stack and tests hand in their own clock, AWS session, VIISP transport, mail-domain check
        (the local rule, no lookup) and `sleep`, how the mail function waits for a send slot (the local stack
        lets other requests run meanwhile); a Lambda container gets the real ones."""
        self.settings = settings
        self._sleep = sleep or time.sleep
        self.clock: Clock = clock or SystemClock()
        self._boto = boto_session or boto3.session.Session()
        self._viisp_transport = viisp_transport
        self._mail_domains = mail_domains

    def _client(self, service: str) -> Any:
        """The one place a client is made: with its timeouts and retries (CLIENT_BUDGETS)."""
        return self._boto.client(service, config=client_config(service))

    @cached_property
    def _dynamodb(self) -> Any:
        return python_values(self._client("dynamodb"))

    @cached_property
    def _secrets(self) -> SecretsProvider:
        from aws_lambda_powertools.utilities.parameters import SecretsProvider  # on the first secret read only

        return SecretsProvider(boto3_client=self._client("secretsmanager"))

    def pepper(self) -> bytes:
        """The code pepper from Secrets Manager, cached for a few minutes so a rotation is picked up."""
        value = self._secrets.get(self.settings.code_pepper_secret, max_age=PEPPER_MAX_AGE_SECONDS)
        if isinstance(value, bytes):
            return value
        if not value:
            raise RuntimeError("the code pepper secret is empty")
        return str(value).encode()

    def is_our_cdn(self, proof: str) -> bool:
        """Whether `proof` is the x-origin-verify value only our CloudFront distribution adds (OriginVerifySecret),
        compared in constant time. Read only when a request carries the header, and cached like the pepper."""
        secret = self.settings.origin_verify_secret
        if not secret or not proof:
            return False
        value = self._secrets.get(secret, max_age=PEPPER_MAX_AGE_SECONDS)
        expected = value if isinstance(value, bytes) else str(value or "").encode()
        return bool(expected) and hmac.compare_digest(proof.encode(), expected)

    def viisp_config(self) -> ViispConfig:
        """VIISP's settings and the service key, both from Secrets Manager, cached for a few minutes. A missing or
        broken value is ViispUnavailable: the sign-in cannot start, and the log says why."""
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError

        from migris.viisp.transport import config_from  # signxml, lxml and cryptography load for VIISP only

        s = self.settings
        try:
            values = self._secrets.get(s.viisp_settings_secret, max_age=VIISP_CONFIG_MAX_AGE_SECONDS, transform="json")
            if not isinstance(values, dict):
                raise ValueError("the VIISP settings are not a JSON object")
            key_pem = self._secrets.get(s.viisp_key_secret, max_age=VIISP_CONFIG_MAX_AGE_SECONDS)
            return config_from(values, key_pem if isinstance(key_pem, bytes) else str(key_pem).encode())
        except (KeyError, ValueError, TypeError, GetParameterError, TransformParameterError) as error:
            log_event("viisp_misconfigured", level="error", problem=type(error).__name__)
            raise ViispUnavailable("configuration") from None

    @cached_property
    def _default_viisp_transport(self) -> SoapTransport:
        from migris.viisp.transport import Urllib3Transport

        return self._viisp_transport or Urllib3Transport()

    @property
    def passkeys(self) -> Passkeys:
        from urllib.parse import urlsplit

        from migris.dal.passkeys import PasskeyRepository
        from migris.domain.passkeys import Passkeys, PasskeySettings

        s = self.settings
        settings = PasskeySettings(
            rp_id=urlsplit(s.web_origin).hostname or "",  # the RP ID is the host of WebOrigin
            origin=s.web_origin,
            challenge_seconds=s.passkey_challenge_seconds,
            max_passkeys=s.max_passkeys,
        )
        repository = PasskeyRepository(self._dynamodb, s.passkeys_table)
        return Passkeys(
            repository,
            self._account_repository,
            self.sessions,
            self.devices,
            self.mailer,
            self.clock,
            settings,
            not_me=lambda: self.not_me,
            activity=self.activity,
            contact_url=s.contact_url,
        )

    @property
    def not_me(self) -> NotMe:
        from migris.dal.not_me import NotMeTokens
        from migris.dal.passkeys import PasskeyRepository
        from migris.domain.codes import keyed_hash
        from migris.domain.not_me import NotMe

        s = self.settings
        return NotMe(
            NotMeTokens(self._dynamodb, s.sessions_table),
            self._account_repository,
            PasskeyRepository(self._dynamodb, s.passkeys_table),
            self.devices,
            lambda purpose, value: keyed_hash(self.pepper(), purpose, value),
            self.clock,
            s.not_me_token_seconds,
            s.web_origin,
            self.activity,
        )

    @property
    def viisp_sign_in(self) -> ViispSignIn:
        from migris.dal.tickets import ViispTicketRepository
        from migris.domain.linking import IdentityLinks
        from migris.domain.viisp_login import ViispSignIn
        from migris.viisp.transport import ViispClient

        s = self.settings
        client = ViispClient(self.viisp_config(), self._default_viisp_transport)
        tickets = ViispTicketRepository(self._dynamodb, s.viisp_tickets_table)
        audit = self._audit
        links = IdentityLinks(
            self._account_repository,
            self.sessions,
            audit,
            self.mailer,
            self.clock,
            self.devices,
            self.activity,
            contact_url=s.contact_url,
        )
        return ViispSignIn(
            client, tickets, self.accounts, self.sessions, links, self.clock, s.viisp_ticket_seconds, self.devices
        )

    @cached_property
    def mailer(self) -> MailQueue:
        """Where a request puts its mail: the queues (the mail function sends it)."""
        from migris.dal.mail_queue import MailQueue

        s = self.settings
        lanes: dict[Lane, str] = {"priority": s.priority_mail_queue_url, "bulk": s.bulk_mail_queue_url}
        return MailQueue(self._sqs, lanes, self.clock)

    @cached_property
    def mail_queues(self) -> MailQueueConsumer:
        from migris.dal.mail_queue import MailQueueConsumer

        s = self.settings
        return MailQueueConsumer(self._sqs, s.priority_mail_queue_url, s.dead_mail_queue_url, time.time)

    def _sqs(self) -> Any:
        return self._client("sqs")

    @cached_property
    def mail_delivery(self) -> MailDelivery:
        """The mail function's rules, over the ledger, the code boxes and SES."""
        from migris.dal.codes import CodeRepository
        from migris.dal.mail_ledger import MailLedgerRepository
        from migris.dal.mailer import SesMailer
        from migris.domain.mail_delivery import MailDelivery, Pace

        s = self.settings
        # One attempt at SES: the queue owns the retries (CLIENT_BUDGETS).
        ses = SesMailer(
            lambda: self._client("ses"),
            s.sender_email,
            {"code": s.code_mail_configuration_set, "notice": s.ses_configuration_set},
        )
        return MailDelivery(
            MailLedgerRepository(self._dynamodb, s.mail_ledger_table),
            CodeRepository(self._dynamodb, s.codes_table),
            ses,
            Pace(rate=s.mail_send_rate, priority_waiting=self.mail_queues.priority_waiting, sleep=self._sleep),
            self.clock,
            new_token=lambda: secrets.token_urlsafe(16),
            dead_letters=self.mail_queues.bury,
        )

    @cached_property
    def mail_domains(self) -> MailDomains:
        """Whether a domain can receive mail: public DNS within MxLookupMillis, its answers kept for the
        container's life (so made once per container)."""
        if self._mail_domains is not None:
            return self._mail_domains
        from migris.dal.mail_domains import DnsMailDomains

        return DnsMailDomains(self.settings.mx_lookup_millis, self.clock)

    @property
    def codes(self) -> Codes:
        from migris.dal.codes import CodeRepository
        from migris.domain.codes import CodePolicy, Codes

        s = self.settings
        policy = CodePolicy(
            ttl_seconds=s.code_ttl_seconds,
            length=s.code_length,
            max_attempts=s.code_max_attempts,
            resend_cooldown_seconds=s.resend_cooldown_seconds,
            max_per_hour=s.max_codes_per_hour,
            max_per_day=s.max_codes_per_day,
            max_per_address_per_day=s.max_codes_per_address_per_day,
            lockout_threshold=s.lockout_threshold,
            lockout_seconds=s.lockout_seconds,
            device_reserve=s.device_reserve_codes,
        )
        records = CodeRepository(self._dynamodb, s.codes_table)
        # The pepper is read on first use.
        return Codes(records, self.mailer, policy, self.pepper, self.clock, self.mail_domains)

    @cached_property
    def sessions(self) -> Sessions:
        from migris.dal.sessions import SessionRepository
        from migris.domain.sessions import Sessions

        s = self.settings
        repository = SessionRepository(self._dynamodb, s.sessions_table)
        return Sessions(
            repository,
            self._account_repository,
            self.clock,
            s.session_idle_seconds,
            s.session_max_seconds,
            activity=self.activity,
            notices=lambda: self.sign_in_notices,
            fresh_seconds=s.fresh_sign_in_seconds,
        )

    @cached_property
    def sign_in_notices(self) -> SignInNotices:
        from migris.dal.not_me import NoticeCounter
        from migris.domain.sign_in_notices import SignInNotices

        counter = NoticeCounter(self._dynamodb, self.settings.sessions_table)
        return SignInNotices(lambda: self.not_me, counter, self.mailer, self.clock)

    @cached_property
    def activity(self) -> ActivityLog:
        from migris.dal.activity import ActivityRepository
        from migris.domain.activity import ActivityLog

        return ActivityLog(ActivityRepository(self._dynamodb, self.settings.activity_table), self.clock)

    @cached_property
    def _account_repository(self) -> AccountRepository:
        from migris.dal.accounts import AccountRepository

        return AccountRepository(self._dynamodb, self.settings.accounts_table)

    @cached_property
    def accounts(self) -> Accounts:
        from migris.domain.accounts import Accounts

        return Accounts(self._account_repository, self.clock)

    @property
    def email_sign_in(self) -> EmailSignIn:
        from migris.domain.email_sign_in import EmailSignIn

        return EmailSignIn(self.codes, self._account_repository, self.sessions, self.devices, self.clock)

    @property
    def devices(self) -> Devices:
        from migris.dal.devices import DeviceRepository
        from migris.domain.codes import address_key, keyed_hash
        from migris.domain.devices import Devices

        s = self.settings
        repository = DeviceRepository(self._dynamodb, s.sessions_table)
        return Devices(
            repository,
            lambda purpose, value: keyed_hash(self.pepper(), purpose, value),
            lambda email: address_key(self.pepper(), email),
            self.clock,
            s.device_seconds,
            s.max_devices_per_account,
            activity=self.activity,
        )

    @property
    def profiles(self) -> Profiles:
        from migris.domain.profiles import Profiles

        return Profiles(
            self._account_repository,
            self.sessions,
            self.codes,
            self.mailer,
            self.clock,
            self.devices,
            self.activity,
            contact_url=self.settings.contact_url,
        )

    @property
    def exports(self) -> AccountExports:
        from migris.dal.passkeys import PasskeyRepository
        from migris.domain.export import AccountExports

        passkeys = PasskeyRepository(self._dynamodb, self.settings.passkeys_table)
        return AccountExports(
            self.sessions, lambda: self.devices, passkeys.of_user, lambda: self._audit, self.activity, self.clock
        )

    @property
    def erasure(self) -> Erasure:
        from migris.dal.erasure import ErasureStore
        from migris.domain import erasure

        s = self.settings
        store = ErasureStore(
            self._dynamodb,
            accounts_table=s.accounts_table,
            sessions_table=s.sessions_table,
            passkeys_table=s.passkeys_table,
            activity_table=s.activity_table,
            sqs=self._sqs(),
            queue_url=s.erasure_queue_url,
        )
        return erasure.Erasure(
            self._account_repository,
            store,
            self.mailer,
            self.clock,
            retry_delay_seconds=erasure.ERASURE_RETRY_DELAY_SECONDS,
            contact_url=s.contact_url,
        )

    @property
    def _audit(self) -> AuditRepository:
        """The audit table, its events keyed by the keyed hash of the user id (the pepper read on first use)."""
        from migris.dal.audit import AUDIT_SUBJECT_PURPOSE, AuditRepository
        from migris.domain.codes import keyed_hash

        return AuditRepository(
            self._dynamodb,
            self.settings.audit_table,
            lambda user_id: keyed_hash(self.pepper(), AUDIT_SUBJECT_PURPOSE, user_id),
        )

    @cached_property
    def staff_desk(self) -> StaffDesk:
        from migris.domain.staff import StaffDesk

        return StaffDesk(
            self._account_repository,
            self._audit,
            lambda: self.sessions,
            self.clock,
            lambda: self.devices,
            lambda: self.passkeys,
            self.activity,
        )

    @cached_property
    def recoveries(self) -> Recoveries:
        """Recovery of a lost mailbox: staff start and cancel it, the mailed links confirm or cancel it, the
        scheduled function completes it."""
        from migris.dal.recovery import RecoveryTokens
        from migris.domain.codes import keyed_hash
        from migris.domain.recovery import Recoveries

        s = self.settings
        return Recoveries(
            self._account_repository,
            RecoveryTokens(self._dynamodb, s.sessions_table),
            self._audit,
            self.mailer,
            lambda purpose, value: keyed_hash(self.pepper(), purpose, value),
            self.clock,
            hold_seconds=s.recovery_hold_seconds,
            web_origin=s.web_origin,
            mail_domains=lambda: self.mail_domains,
            devices=lambda: self.devices,
            passkeys=lambda: self.passkeys,
            activity=self.activity,
            contact_url=s.contact_url,
        )


_current: Services | None = None


def services() -> Services:
    global _current
    if _current is None:
        _current = Services(Settings.from_env())
    return _current


def use_services(replacement: Services | None) -> None:
    """Hand in the services to use (None: build from the environment again on next use)."""
    global _current
    _current = replacement
