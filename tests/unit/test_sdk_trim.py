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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import xform_name
from sdk_trim import SERVICES, copy_trimmed_botocore

ROOT = Path(__file__).resolve().parents[2]
MIGRIS = ROOT / "layers" / "common" / "migris"
# What runs in Lambda on the cut SDK: the layer's package and the functions' own modules.
LAMBDA_CODE = (MIGRIS, ROOT / "functions")
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


def _python_files(*folders: Path) -> list[Path]:
    return sorted(path for folder in folders for path in folder.rglob("*.py"))


def _calls_in(*files: Path) -> list[ast.Call]:
    return [
        node
        for path in files
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
    ]


def _called(call: ast.Call, *names: str) -> bool:
    return (isinstance(call.func, ast.Attribute) and call.func.attr in names) or (
        isinstance(call.func, ast.Name) and call.func.id in names
    )


def _first_text(call: ast.Call, keyword: str) -> str | None:
    """The call's first argument, or its `keyword` argument, when it is written out as a string."""
    given = [*call.args[:1], *(item.value for item in call.keywords if item.arg == keyword)]
    texts = [node.value for node in given if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return texts[0] if texts else None


def aws_use(files: list[Path], base: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(file, service) for every client or resource made of a named service, and (file, operation) for every
    paginator asked for by name, in the files (named relative to base)."""
    clients: set[tuple[str, str]] = set()
    paginators: set[tuple[str, str]] = set()
    for path in files:
        where = path.relative_to(base).as_posix()
        text = path.read_text(encoding="utf-8")
        if not re.search(r"\b(client|resource|create_client|get_paginator)\(", text):
            continue  # most library modules: parsing them all costs seconds
        for call in _calls_in(path):
            if _called(call, "client", "resource", "create_client") and (name := _first_text(call, "service_name")):
                clients.add((where, name))
            if _called(call, "get_paginator") and (name := _first_text(call, "operation_name")):
                paginators.add((where, name))
    return clients, paginators


def test_the_scan_finds_clients_and_paginators_however_they_are_written(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import boto3\n"
        "a = boto3.client('s3')\n"
        "b = boto3.session.Session().resource(service_name='dynamodb')\n"
        "c = botocore.session.get_session().create_client('sqs', region_name='eu-north-1')\n"
        "pages = a.get_paginator('list_objects_v2')\n"
        "d = client(unknown)\n",
        encoding="utf-8",
    )
    assert aws_use([sample], tmp_path) == (
        {("sample.py", "s3"), ("sample.py", "dynamodb"), ("sample.py", "sqs")},
        {("sample.py", "list_objects_v2")},
    )


def test_the_functions_ask_for_no_paginator() -> None:
    """sdk_trim keeps no service's paginators-1.json: in Lambda, get_paginator would fail where the tests' full SDK
    pages. Paging an operation means keeping its paginator in sdk_trim first (and its probe in sdk_probe.py)."""
    clients, paginators = aws_use(_python_files(*LAMBDA_CODE), ROOT)
    assert clients == set()  # every client comes from Services._client (the test below), where the scan sees a name
    assert paginators == set(), "the cut SDK has no paginators: keep them in sdk_trim before calling get_paginator"


# The SDK itself makes only the clients it is asked for.
SDK_PACKAGES = ("boto3", "botocore", "s3transfer")
# Clients and paginators the libraries make themselves, in modules the functions import, that the functions never
# reach: each with the reason. Anything else a library makes must be of a kept service.
NOT_REACHED: dict[tuple[str, str], str] = {
    ("aws_lambda_powertools/utilities/data_classes/code_pipeline_job_event.py", "s3"): "the functions get no "
    "CodePipeline event (the data_classes package loads every event's module)",
    ("aws_lambda_powertools/utilities/parameters/ssm.py", "ssm"): "SSMProvider: the functions read no parameter",
    ("aws_lambda_powertools/utilities/parameters/ssm.py", "get_parameters_by_path"): "SSMProvider's get_multiple",
    ("aws_lambda_powertools/utilities/parameters/appconfig.py", "appconfigdata"): "AppConfigProvider: not used",
    # A DynamoDB resource (DynamoDBProvider): a kept service, but its Table calls would reach beyond the repositories'.
    ("aws_lambda_powertools/utilities/parameters/dynamodb.py", "dynamodb"): "DynamoDBProvider: not used",
    # SecretsProvider is handed migris's own client (migris.wiring), so its default client is never made.
    ("aws_lambda_powertools/utilities/parameters/secrets.py", "secretsmanager"): "given Services._client's",
}


def _library_modules() -> tuple[Path, list[Path]]:
    """site-packages and the library modules (not the SDK's) loaded by importing every module the Lambda code
    imports, at module level or inside a function."""
    imported = {
        name
        for path in _python_files(*LAMBDA_CODE)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module]
            if isinstance(node, ast.ImportFrom) and node.module and not node.level
            else []
        )
    }
    ours = {*sys.stdlib_module_names, "migris", *SDK_PACKAGES}
    third_party = sorted(name for name in imported if name.split(".")[0] not in ours)
    code = (
        "import importlib, json, sys\n"
        f"for name in {third_party!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted({getattr(m, '__file__', None) or '' for m in list(sys.modules.values())})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    site = Path(botocore.__file__).resolve().parents[1]
    files = [Path(name).resolve() for name in json.loads(done.stdout) if name.endswith(".py")]
    libraries = [
        path for path in files if path.is_relative_to(site) and path.relative_to(site).parts[0] not in SDK_PACKAGES
    ]
    assert any("aws_lambda_powertools" in path.parts for path in libraries)
    return site, sorted(libraries)


def test_the_libraries_make_clients_only_of_kept_services() -> None:
    site, libraries = _library_modules()
    clients, paginators = aws_use(libraries, site)
    unkept = {(where, service) for where, service in clients if service not in SERVICES} | paginators
    assert {found for found in unkept if found not in NOT_REACHED} == set()
    # Every exception is still there to be reasoned about: a library that moved its code is reviewed again.
    assert set(NOT_REACHED) <= clients | paginators


def test_every_client_the_code_makes_is_of_a_kept_service() -> None:
    """migris makes each client through Services._client("service"), the one `.client(...)` call, which gives
    it its timeouts and retries (CLIENT_BUDGETS, tests/unit/test_client_budgets.py); the functions make none."""
    calls = [
        call
        for call in _calls_in(*_python_files(*LAMBDA_CODE))
        if isinstance(call.func, ast.Attribute) and call.func.attr in {"client", "_client"} and call.args
    ]
    named = [call for call in calls if isinstance(call.args[0], ast.Constant)]
    assert {str(call.args[0].value) for call in named} == set(SERVICES)
    assert {call.func.attr for call in named} == {"_client"}
    assert [call.func.attr for call in calls if call not in named] == ["client"]  # the helper's own


def test_every_operation_the_code_calls_is_kept() -> None:
    """A method named as an operation of a kept service, called anywhere in migris or functions/, must be kept: the
    cut model has no other. (Powertools' SecretsProvider calls GetSecretValue from outside migris: kept by name.)"""
    session = botocore.session.get_session()
    every = {
        xform_name(operation): (service, operation)
        for service in SERVICES
        for operation in session.get_service_model(service).operation_names
    }
    called = {
        every[call.func.attr]
        for call in _calls_in(*_python_files(*LAMBDA_CODE))
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


# The pinned SDK's age limit: endpoints, CA bundle (certifi, pinned beside it) and SDK fixes come with new releases.
SDK_MAX_AGE = timedelta(days=183)  # six months
RELEASED = re.compile(r"#\s*botocore (\S+) was released on (\d{4}-\d{2}-\d{2})")


def sdk_age_problem(requirements: str, today: date) -> str | None:
    """Why the layer's pinned botocore needs a rebuild, or None: its release date (written next to the pin, since
    CI has no network to look it up) must be of the pinned version and at most SDK_MAX_AGE ago."""
    found = RELEASED.search(requirements)
    if found is None:
        return (
            "layers/common/requirements.txt must say when its botocore was released: '# botocore X was released on Y'"
        )
    version, released = found.group(1), date.fromisoformat(found.group(2))
    pinned = re.search(r"^botocore==(\S+)", requirements, flags=re.MULTILINE)
    if pinned is None or pinned.group(1) != version:
        return f"the release date is of botocore {version}, not of the pinned one: date the new pin"
    if today - released > SDK_MAX_AGE:
        return (
            f"botocore {version} was released {(today - released).days} days ago, more than {SDK_MAX_AGE.days}: "
            "rebuild the layer: refresh the pins (docs/dependencies.md), date the new botocore, then make layer"
        )
    return None


def test_the_pinned_sdk_is_at_most_six_months_old() -> None:
    assert sdk_age_problem(LAYER_REQUIREMENTS.read_text(encoding="utf-8"), datetime.now(UTC).date()) is None


def test_an_old_or_undated_sdk_asks_for_a_rebuild() -> None:
    pinned = "botocore==1.44.8\n# botocore 1.44.8 was released on 2026-01-10\n"
    assert sdk_age_problem(pinned, date(2026, 7, 11)) is None
    stale = sdk_age_problem(pinned, date(2026, 7, 13))
    assert stale is not None and "184 days ago" in stale and "make layer" in stale
    moved = sdk_age_problem(pinned.replace("==1.44.8", "==1.45.0"), date(2026, 2, 1))
    assert moved is not None and "not of the pinned one" in moved
    assert sdk_age_problem("botocore==1.44.8\n", date(2026, 2, 1)) is not None
