"""The AWS SDK the layer ships is cut to what the functions call (sdk_trim, layers/common/Makefile). Cut, it must
send every request the functions make where the stock SDK sends it and as the stock SDK writes it, in every
partition, with FIPS and dual-stack; and it must keep every service and operation the code calls."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import xform_name
from sdk_trim import SERVICES, copy_trimmed_botocore

ROOT = Path(__file__).resolve().parents[2]
MIGRIS = ROOT / "layers" / "common" / "migris"
PROBE = Path(__file__).with_name("sdk_probe.py")
LAYER_REQUIREMENTS = ROOT / "layers" / "common" / "requirements.txt"


def _probe(mode: str, sdk_dir: Path | None) -> Any:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env |= {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    arguments = [sys.executable, str(PROBE), mode, *([str(sdk_dir)] if sdk_dir else [])]
    done = subprocess.run(arguments, env=env, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_trimmed_botocore(tmp_path_factory.mktemp("sdk"))


def test_the_cut_sdk_sends_every_request_as_the_stock_one_does(trimmed: Path) -> None:
    stock = _probe("requests", None)
    cut = _probe("requests", trimmed)
    assert len(cut) == len(stock)
    different = [(ours, theirs) for ours, theirs in zip(cut, stock, strict=True) if ours != theirs]
    assert not different, different[:2]
    # The probe reached the SDK's request, not an early refusal, for the region the stack runs in.
    plain = [entry for entry in cut if entry["region"] == "eu-north-1" and not (entry["fips"] or entry["dual_stack"])]
    sent = [entry for entry in plain if "url" in entry]
    assert {entry["call"] for entry in sent} == {xform_name(op) for ops in SERVICES.values() for op in ops}
    assert {entry["url"] for entry in sent} == {
        "https://dynamodb.eu-north-1.amazonaws.com/",
        "https://secretsmanager.eu-north-1.amazonaws.com/",
        "https://email.eu-north-1.amazonaws.com/",
        "https://sqs.eu-north-1.amazonaws.com/",
    }


def test_the_cut_sdk_reads_answers_and_errors_by_the_stock_definitions(trimmed: Path) -> None:
    """A response or an error (a failed condition's item, a cancelled transaction's reasons) is parsed by the
    operation's output and error shapes: for every kept operation they are the stock ones, to the last member."""
    stock = _probe("models", None)
    cut = _probe("models", trimmed)
    assert sorted(cut) == sorted(stock)
    assert len(stock) == len(SERVICES) + sum(len(operations) for operations in SERVICES.values())
    different = sorted(name for name in stock if cut[name] != stock[name])
    assert not different
    assert "ConditionalCheckFailedException" in json.dumps(cut["dynamodb:UpdateItem"]["errors"])


def test_the_cut_sdk_knows_only_the_services_the_functions_use(trimmed: Path) -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(trimmed)!r}); import botocore.session; "
        "print(sorted(botocore.session.get_session().get_available_services()))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == str(sorted(SERVICES))


def _calls_in(folder: Path) -> list[ast.Call]:
    return [
        node
        for path in sorted(folder.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
    ]


def test_every_client_the_code_makes_is_of_a_kept_service() -> None:
    """migris makes each client through Services._client("service"), the one `.client(...)` call, which gives
    it its timeouts and retries (CLIENT_BUDGETS, tests/unit/test_client_budgets.py)."""
    calls = [
        call
        for call in _calls_in(MIGRIS)
        if isinstance(call.func, ast.Attribute) and call.func.attr in {"client", "_client"} and call.args
    ]
    named = [call for call in calls if isinstance(call.args[0], ast.Constant)]
    assert {str(call.args[0].value) for call in named} == set(SERVICES)
    assert {call.func.attr for call in named} == {"_client"}
    assert [call.func.attr for call in calls if call not in named] == ["client"]  # the helper's own


def test_every_operation_the_code_calls_is_kept() -> None:
    """A method named as an operation of a kept service, called anywhere in migris, must be kept: the cut model
    has no other. (Powertools' SecretsProvider calls GetSecretValue from outside migris: kept by name.)"""
    session = botocore.session.get_session()
    every = {
        xform_name(operation): (service, operation)
        for service in SERVICES
        for operation in session.get_service_model(service).operation_names
    }
    called = {
        every[call.func.attr]
        for call in _calls_in(MIGRIS)
        if isinstance(call.func, ast.Attribute) and call.func.attr in every
    }
    assert len(called) >= 8  # the scan sees the repositories' calls
    missing = sorted(f"{service}:{operation}" for service, operation in called if operation not in SERVICES[service])
    assert not missing
    assert "GetSecretValue" in SERVICES["secretsmanager"]


def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        found = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", line.split("#")[0].strip())
        if found:
            pins[found.group(1).lower().replace("_", "-")] = found.group(2)
    return pins


def test_the_layer_pins_what_the_tests_run_on() -> None:
    layer = _pins(LAYER_REQUIREMENTS)
    tested = _pins(ROOT / "constraints.txt")
    assert {"boto3", "botocore", "aws-lambda-powertools", "pydantic"} <= set(layer)
    assert {name: version for name, version in layer.items() if tested.get(name) != version} == {}


# The Lambda runtime the layer is built for (template.yaml: python3.13 on arm64), for dependency markers.
LAMBDA_ENVIRONMENT = {
    "python_version": "3.13",
    "python_full_version": "3.13.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "aarch64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}


def test_the_layer_pins_every_dependency_of_what_it_ships() -> None:
    """Nothing the layer installs is left for pip to choose at build time: every dependency of a pinned package
    (as the installed package declares it, for python3.13 on Linux) is pinned too."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    layer = _pins(LAYER_REQUIREMENTS)
    unpinned = {
        f"{name} needs {needed.name}"
        for name in layer
        for needed in map(Requirement, requires(name) or [])
        if (needed.marker is None or needed.marker.evaluate(LAMBDA_ENVIRONMENT))
        and needed.name.lower().replace("_", "-") not in layer
    }
    assert not unpinned
