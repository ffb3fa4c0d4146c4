"""The layering rules: the rules (migris.domain) load neither the AWS SDK nor the HTTP glue, and VIISP's
transport speaks no HTTP answers. Each import runs in a fresh interpreter, so nothing another test loaded hides
what a module pulls in."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import migris.domain

LAYER = Path(__file__).resolve().parents[2] / "layers" / "common"
FORBIDDEN = ("boto3", "botocore", "migris.http")

IMPORT_EACH = """
import importlib, json, sys
forbidden = tuple(sys.argv[1].split(","))
def loaded():
    return {name for name in sys.modules if any(name == f or name.startswith(f + ".") for f in forbidden)}
pulled = {}
for module in sys.argv[2:]:
    before = loaded()
    importlib.import_module(module)
    pulled[module] = sorted(loaded() - before)
print(json.dumps(pulled))
"""


def modules_pulled_in(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """For each module, imported one after another in a fresh interpreter, the forbidden modules it loaded."""
    answer = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH, ",".join(forbidden), *modules],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(LAYER), "PATH": "", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return json.loads(answer.stdout)


def domain_modules() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(migris.domain.__path__, "migris.domain."))


def test_the_domain_package_is_found():
    assert {"migris.domain.codes", "migris.domain.profiles", "migris.domain.records"} <= set(domain_modules())


def test_no_domain_module_loads_the_aws_sdk_or_the_http_glue():
    pulled = modules_pulled_in(domain_modules(), FORBIDDEN)
    assert {module: loaded for module, loaded in pulled.items() if loaded} == {}


def test_the_viisp_transport_raises_no_http_mapped_error():
    """The transport cannot raise a domain error (each maps to an HTTP answer): it never loads one."""
    pulled = modules_pulled_in(["migris.viisp.transport"], ("migris.domain", "migris.http"))
    assert pulled == {"migris.viisp.transport": []}

    from migris.domain.errors import DomainError
    from migris.http.errors import ERROR_ANSWERS
    from migris.viisp.transport import ViispTransportError

    assert not issubclass(ViispTransportError, DomainError)
    assert not any(issubclass(ViispTransportError, mapped) for mapped in ERROR_ANSWERS)
