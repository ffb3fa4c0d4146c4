"""The AWS SDK the layer ships, cut to what the functions call (issue 11: the cold start).

The layer ships boto3 and botocore pinned (layers/common/requirements.txt), so the functions never pair our code
with whatever SDK the Lambda runtime carries. A stock botocore makes its first client pay for data the functions
never read: it lists its data folder (about 440 services) to check the service exists, parses the endpoint table
of every service in every partition (endpoints.json, 1.2 MB), and parses each client's whole service model with
its documentation. Here the layer's copy keeps, in botocore's own data folder:

- the four services the functions call (SERVICES), at their current API version;
- in each model, the operations the functions call and the shapes those reach, without documentation;
- the endpoint table with every partition and only those services' entries;
- every other file of the data folder's top (partitions, retry rules, default configuration) as it is.

It stays botocore's built-in data (the same path inside the package), so botocore resolves endpoints exactly as
its stock data does, FIPS and dual-stack included (tests/unit/test_sdk_trim.py compares the two).

    python -m sdk_trim SITE_DIR     cuts SITE_DIR/botocore/data in place (layers/common/Makefile, at sam build)
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

# The services the functions make clients for (migris.wiring) and the operations they call: migris.dal's
# repositories, the mail queues' and the mailer's calls, and Powertools' SecretsProvider's GetSecretValue. DynamoDB's
# DescribeEndpoints stays for botocore's endpoint discovery, should a deployment switch it on.
SERVICES: dict[str, frozenset[str]] = {
    "dynamodb": frozenset(
        {
            "GetItem",
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "Query",
            "BatchGetItem",
            "TransactWriteItems",
            "DescribeEndpoints",
        }
    ),
    "ses": frozenset({"SendEmail"}),
    "secretsmanager": frozenset({"GetSecretValue"}),
    # The mail queues: a request puts its mail on one; the mail function reads the priority lane's depth and
    # buries dead mail (receiving and deleting is the event source mapping's, not the function's).
    "sqs": frozenset({"SendMessage", "GetQueueAttributes"}),
}
MODEL = "service-2.json"
ENDPOINTS = "endpoints.json"


def _json_path(folder: Path, name: str) -> Path | None:
    """botocore's file `name` in folder, plain or gzipped (as botocore's loader looks for it), or None."""
    for path in (folder / name, folder / f"{name}.gz"):
        if path.exists():
            return path
    return None


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return json.loads(raw)


def _write(path: Path, value: Any) -> None:
    raw = json.dumps(value, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(raw, mtime=0) if path.suffix == ".gz" else raw)


def _without_documentation(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_documentation(item) for key, item in value.items() if key != "documentation"}
    if isinstance(value, list):
        return [_without_documentation(item) for item in value]
    return value


def cut_model(model: dict[str, Any], operations: frozenset[str]) -> dict[str, Any]:
    """The model with only `operations`, the shapes they reach (input, output, errors, and everything those
    name), and no documentation strings."""
    missing = operations - set(model["operations"])
    if missing:
        raise ValueError(f"{model['metadata'].get('serviceId')}: not in botocore's model: {sorted(missing)}")
    kept = {name: spec for name, spec in model["operations"].items() if name in operations}
    shapes: dict[str, Any] = model["shapes"]
    reached: set[str] = set()
    pending = [spec[part]["shape"] for spec in kept.values() for part in ("input", "output") if part in spec]
    pending += [error["shape"] for spec in kept.values() for error in spec.get("errors", [])]
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached.add(name)
        shape = shapes[name]
        pending += [shape[part]["shape"] for part in ("member", "key", "value") if part in shape]
        pending += [member["shape"] for member in shape.get("members", {}).values()]
    cut = {**model, "operations": kept, "shapes": {name: shapes[name] for name in sorted(reached)}}
    return dict(_without_documentation(cut))


def _trim_service(folder: Path, operations: frozenset[str]) -> str:
    """Keep the service's current API version, cut; answer its endpoint prefix (its name in endpoints.json)."""
    versions = sorted(path for path in folder.iterdir() if path.is_dir() and _json_path(path, MODEL))
    if not versions:
        raise ValueError(f"{folder.name}: no {MODEL} in botocore's data")
    current = versions[-1]  # API versions are dates: botocore's loader takes the latest the same way
    for path in folder.iterdir():
        if path != current:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for path in current.iterdir():
        # The model, its endpoint rules and botocore's additions to the model are read when a client is made;
        # examples, paginators and waiters serve calls the functions never make.
        if not path.name.startswith(("service-2.", "endpoint-rule-set-1.")):
            path.unlink()
    model_path = _json_path(current, MODEL)
    assert model_path is not None
    model = _read(model_path)
    _write(model_path, cut_model(model, operations))
    return str(model["metadata"]["endpointPrefix"])


def trim_data(data: Path) -> None:
    """Cut a botocore data folder in place to SERVICES."""
    missing = set(SERVICES) - {path.name for path in data.iterdir() if path.is_dir()}
    if missing:
        raise ValueError(f"not in botocore's data: {sorted(missing)}")
    for path in data.iterdir():
        if path.is_dir() and path.name not in SERVICES:
            shutil.rmtree(path)
    prefixes = {_trim_service(data / service, operations) for service, operations in SERVICES.items()}
    endpoints_path = _json_path(data, ENDPOINTS)
    if endpoints_path is None:
        raise ValueError(f"no {ENDPOINTS} in botocore's data")
    endpoints = _read(endpoints_path)
    for partition in endpoints["partitions"]:
        partition["services"] = {name: spec for name, spec in partition["services"].items() if name in prefixes}
    _write(endpoints_path, endpoints)


def copy_trimmed_botocore(destination: Path) -> Path:
    """A copy of the installed botocore package in destination, its data cut as the layer's is; answers the
    folder to put on sys.path (bench/cold.py's functions and the tests run on it)."""
    import botocore

    source = Path(botocore.__file__).resolve().parent
    target = destination / "botocore"
    shutil.rmtree(target, ignore_errors=True)

    def unused(folder: str, names: list[str]) -> set[str]:
        if Path(folder) == source / "data":
            return {name for name in names if (source / "data" / name).is_dir() and name not in SERVICES}
        return set()

    # copy2 keeps the modification times the interpreter's cached bytecode (__pycache__) is checked against.
    shutil.copytree(source, target, ignore=unused, copy_function=shutil.copy2)
    trim_data(target / "data")
    return destination
