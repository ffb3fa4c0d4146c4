"""What a function's cold start loads: each handler of template.yaml imported in a fresh interpreter, as Lambda
does, with only the layer and its own code on the path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from devserver.template import ROOT, Template

LAYER = ROOT / "layers" / "common"

IMPORT_HANDLER = """
import importlib, json, sys
handler = importlib.import_module(sys.argv[1])
import boto3
boto3.client("dynamodb", region_name="eu-north-1")  # the first client, as the first request makes it
print(json.dumps({
    "openssl": "OpenSSL" in sys.modules,
    "migris_first": list(sys.modules).index("migris") < list(sys.modules).index("botocore.httpsession"),
}))
"""


def handlers() -> list[tuple[str, Path, str]]:
    """(function, its code folder, its handler module) for every Python function of the template."""
    found = []
    for name, resource in Template.load().functions().items():
        properties = resource["Properties"]
        code = properties.get("CodeUri")
        if isinstance(code, str) and code.startswith("functions/"):
            found.append((name, ROOT / code, properties["Handler"].rsplit(".", 1)[0]))
    return sorted(found)


def cold_import(code: Path, module: str) -> dict[str, bool]:
    environment = {
        "PYTHONPATH": f"{LAYER}:{code}",
        "PATH": "",
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_REGION": "eu-north-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    answer = subprocess.run(
        [sys.executable, "-c", IMPORT_HANDLER, module],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
        cwd=code,
    )
    return dict(json.loads(answer.stdout.splitlines()[-1]))


def test_every_python_function_of_the_template_is_seen() -> None:
    names = {name for name, _, _ in handlers()}
    assert {"StartLoginFunction", "VerifyCodeFunction", "ViispCallbackFunction", "PasskeysFunction"} <= names


@pytest.mark.parametrize(("function", "code", "module"), handlers(), ids=[name for name, _, _ in handlers()])
def test_no_cold_start_loads_pyopenssl_through_the_sdk(function: str, code: Path, module: str) -> None:
    """pyOpenSSL is in the layer for the passkeys' attestation checks; botocore would load it (and most of
    cryptography.x509) into every function's first request if migris did not come first and turn it away."""
    loaded = cold_import(code, module)
    assert loaded["migris_first"], f"{function} loads the SDK's HTTP session before migris"
    if function != "PasskeysFunction":
        assert not loaded["openssl"], f"{function}'s cold start loads pyOpenSSL"
