"""Every AWS client the functions make has its own connect and read timeouts and a retry budget whose worst case
ends inside each function's Timeout (issue 24 item 7). botocore's defaults (60 s to connect, 60 s to read, 3 to 5
attempts) would outlast the 10 s functions: a call hung on a dead connection would end the function without a word
in its log. The budgets are migris.wiring.CLIENT_BUDGETS, the one place a client gets its Config."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.retries.standard import ExponentialBackoff
from migris.config import Settings
from migris.wiring import CLIENT_BUDGETS, ClientBudget, Services
from sdk_trim import SERVICES

from devserver.template import Template

# What a function keeps, after its slowest call gave up, to log and answer.
ANSWER_SECONDS = 1.0


@cache
def template() -> Template:
    return Template.load()


def function_timeouts() -> dict[str, float]:
    """Each function's Timeout in template.yaml, its own or the Globals'."""
    default = template().document["Globals"]["Function"]["Timeout"]
    return {name: float(f["Properties"].get("Timeout", default)) for name, f in template().functions().items()}


def worst_case_seconds(budget: ClientBudget) -> float:
    """The longest one call can take, by botocore's own constants (standard retry mode): every attempt waits out
    its connect and read timeouts, and after the i-th failed attempt (0-based) botocore sleeps up to
    min(scale x 2**i, 20 s), 1 s scale for a throttle (the largest), raised by an `x-amz-retry-after` answer to
    at most 5 s more."""
    backoff = ExponentialBackoff
    scales = [*backoff._DEFAULT_BACKOFF_CONFIG.values()]
    scales += [scale for service in backoff._SERVICE_BACKOFF_CONFIG.values() for scale in service.values()]
    scale = max(scales)
    sleeps = sum(
        min(scale * backoff._BASE**i, backoff._MAX_BACKOFF) + backoff._RETRY_AFTER_MAX_ADDITIONAL
        for i in range(budget.attempts - 1)
    )
    return budget.attempts * (budget.connect + budget.read) + sleeps


class _Recording(boto3.session.Session):  # type: ignore[misc]  # boto3 has no types
    """A session that keeps every client made from it."""

    def __init__(self) -> None:
        super().__init__(region_name="eu-north-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        self.made: list[Any] = []

    def client(self, *args: Any, **kwargs: Any) -> Any:
        made = super().client(*args, **kwargs)
        self.made.append(made)
        return made


def _services(session: boto3.session.Session) -> Services:
    return Services(Settings.from_env(template().function_environment()), boto_session=session)


def _every_client(services: Services) -> dict[str, Any]:
    """Each client as the functions make it: DynamoDB for every table, Secrets Manager inside Powertools
    Parameters, SQS for the requests' mail and for the mail function, SES in the mail function."""
    return {
        "dynamodb": services._dynamodb,
        "secretsmanager": services._secrets.client,
        "sqs": services.mailer._sqs,
        "sqs (mail function)": services.mail_queues._sqs,
        "ses": services.mail_delivery._sender._ses,
    }


def test_every_service_the_layer_keeps_has_a_budget():
    assert set(CLIENT_BUDGETS) == set(SERVICES)


def test_every_client_the_wiring_makes_carries_its_budget():
    session = _Recording()
    clients = _every_client(_services(session))
    assert {id(client) for client in clients.values()} == {id(client) for client in session.made}
    assert {client.meta.service_model.service_name for client in session.made} == set(CLIENT_BUDGETS)
    for client in session.made:
        config = client.meta.config
        budget = CLIENT_BUDGETS[client.meta.service_model.service_name]
        assert (config.connect_timeout, config.read_timeout) == (budget.connect, budget.read)
        assert config.retries == {"mode": "standard", "total_max_attempts": budget.attempts}


def test_the_worst_case_is_what_the_wiring_says():
    """The numbers migris.wiring's comment gives, and the ceiling they imply: at most 2 attempts."""
    assert {service: worst_case_seconds(budget) for service, budget in CLIENT_BUDGETS.items()} == {
        "dynamodb": 9.0,
        "secretsmanager": 9.0,
        "sqs": 9.0,
        "ses": 5.0,
    }
    assert max(budget.attempts for budget in CLIENT_BUDGETS.values()) == 2
    # A third attempt would add at least the connect and read of one more try and 2 + 5 s of backoff.
    assert worst_case_seconds(ClientBudget(connect=0.1, read=0.1, attempts=3)) > min(function_timeouts().values())


@pytest.mark.parametrize("function", sorted(function_timeouts()))
def test_each_clients_worst_case_ends_inside_the_functions_timeout(function):
    timeout = function_timeouts()[function]
    too_long = {
        service: f"{worst_case_seconds(budget)} s + {ANSWER_SECONDS} s to answer > {timeout} s"
        for service, budget in CLIENT_BUDGETS.items()
        if worst_case_seconds(budget) + ANSWER_SECONDS > timeout
    }
    assert not too_long


def test_every_function_is_measured():
    assert len(function_timeouts()) >= 7  # the seven functions on the layer, each checked above


@pytest.fixture
def silent_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every AWS call goes to a local socket that takes the connection and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stopped = threading.Event()

    def hold() -> None:
        listener.settimeout(0.1)
        while not stopped.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{listener.getsockname()[1]}")
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    yield
    stopped.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_silent_aws_ends_each_call_within_its_budget(silent_endpoint):
    """The budgets hold on the wire: against an endpoint that never answers each call gives up after exactly
    its attempts, each waiting out its read timeout, and raises (the handler then answers with an error)."""
    services = _services(_Recording())
    clients = _every_client(services)
    calls: dict[str, Callable[[], Any]] = {
        "dynamodb": lambda: clients["dynamodb"].get_item(TableName="t", Key={"k": "v"}),
        "secretsmanager": lambda: clients["secretsmanager"].get_secret_value(SecretId="s"),
        "sqs": lambda: clients["sqs"].send_message(QueueUrl=services.settings.bulk_mail_queue_url, MessageBody="m"),
        "ses": lambda: clients["ses"].send_email(
            Source="a@example.lt",
            Destination={"ToAddresses": ["b@example.lt"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
        ),
    }
    attempts: dict[str, int] = dict.fromkeys(calls, 0)
    for service in calls:

        def count(service: str = service, **_: Any) -> None:
            attempts[service] += 1

        clients[service].meta.events.register("before-send", count)

    def timed(service: str) -> tuple[str, float]:
        started = time.monotonic()
        with pytest.raises(ReadTimeoutError):
            calls[service]()
        return service, time.monotonic() - started

    with ThreadPoolExecutor(len(calls)) as pool:
        took = dict(pool.map(timed, calls))
    for service, seconds in took.items():
        budget = CLIENT_BUDGETS[service]
        assert attempts[service] == budget.attempts, service
        assert budget.attempts * budget.read <= seconds <= worst_case_seconds(budget), (service, seconds)
