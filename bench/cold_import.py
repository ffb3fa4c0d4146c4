"""Cold import time of each handler beside a bare boto3 DynamoDB client, measured side by side.

Each sample is a fresh interpreter (as a Lambda cold start is): the time to import the handler module (or to
import boto3 and make a DynamoDB client). Prints the median and spread of N runs. Run: `make bench`."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "15"))

SUBJECTS = {
    "bare boto3 dynamodb client": "import boto3; boto3.client('dynamodb', region_name='eu-north-1')",
    "start_login handler": "import_handler('start_login')",
    "verify_code handler": "import_handler('verify_code')",
    "save_profile handler": "import_handler('save_profile')",
    "save_profile first_fill": "import_handler('save_profile', 'first_fill')",
    "save_profile staff": "import_handler('save_profile', 'staff')",
    "viisp_callback handler": "import_handler('viisp_callback')",
}

PROBE = """
import importlib.util, sys, time
sys.path.insert(0, {layer!r})
def import_handler(name, module="app"):
    spec = importlib.util.spec_from_file_location(name, {functions!r} + "/" + name + "/" + module + ".py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
start = time.perf_counter()
{statement}
print(time.perf_counter() - start)
"""


def sample(statement: str) -> float:
    code = PROBE.format(layer=str(ROOT / "layers/common"), functions=str(ROOT / "functions"), statement=statement)
    env = {
        **os.environ,
        "POWERTOOLS_SERVICE_NAME": "bench",
        "POWERTOOLS_METRICS_NAMESPACE": "bench",
        "AWS_DEFAULT_REGION": "eu-north-1",
    }
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    results: dict[str, list[float]] = {name: [] for name in SUBJECTS}
    for _ in range(RUNS):
        for name, statement in SUBJECTS.items():  # interleaved, so drift hits all alike
            results[name].append(sample(statement))
    print(f"cold import, {RUNS} fresh interpreters each (Python {sys.version.split()[0]})")
    for name, times in results.items():
        ms = sorted(t * 1000 for t in times)
        print(f"  {name:28s} median {statistics.median(ms):7.1f} ms   min {ms[0]:7.1f}   max {ms[-1]:7.1f}")


if __name__ == "__main__":
    main()
