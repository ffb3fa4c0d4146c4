import time

START = time.perf_counter()  # the very first thing the process runs: all below is measured

TYPE_CHECKING = False  # typing's own constant would import typing inside the measured window
if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

"""One cold start, in a fresh interpreter that bench/cold.py starts with a Lambda function's environment.

    python bench/cold_child.py handler RESULT CODE_DIR MODULE FUNCTION EVENT LAYER_DIR [SDK_DIR]
        imports MODULE from CODE_DIR (the layer after it on sys.path, as Lambda puts /var/task before
        /opt/python, and the layer's AWS SDK, cut, after that; this script's folder is taken off), calls
        FUNCTION with the API Gateway event in the file EVENT and a Lambda context
    python bench/cold_child.py bare RESULT TABLE
        imports boto3, makes a DynamoDB client, does one GetItem on TABLE

Every AWS call goes wherever AWS_ENDPOINT_URL says (bench/cold.py: a moto server on loopback). RESULT gets
{"ms", "status", "rss_kb", "body"}: the time from the first line to the answer, the answer's status, the
peak resident set size (VmHWM; see _peak_rss_kb) and, for an unexpected status, the start of the body. Then
the process ends at once (os._exit): a Lambda container is not torn down after its first request either, so
the parent's wall time of this process is start to answer."""


def _handler(
    code_dir: str, module_name: str, function_name: str, event_path: str, layer_dir: str, sdk_dir: str = ""
) -> tuple[int, str]:
    import importlib
    import json
    import os
    import sys
    import uuid

    sys.path[0:1] = [code_dir, layer_dir, *([sdk_dir] if sdk_dir else [])]  # in place of this script's folder
    if sdk_dir:  # a function of ours: the layer's packages only (the reference runs on the runtime's, all here)
        others = [path for path in sys.path[3:] if "site-packages" not in path]
        sys.path[3:] = [os.environ["BENCH_LAYER_PACKAGES"], *others]
        sys.meta_path.insert(0, _LoopbackResolver())
    module = importlib.import_module(module_name)
    if not os.path.abspath(module.__file__ or "").startswith(os.path.abspath(code_dir)):
        raise ImportError(f"{module_name} came from {module.__file__}, not {code_dir}")
    handler = getattr(module, function_name)

    class Context:
        function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        function_version = "$LATEST"
        memory_limit_in_mb = int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
        invoked_function_arn = f"arn:aws:lambda:eu-north-1:123456789012:function:{function_name}"
        aws_request_id = str(uuid.uuid4())
        log_group_name = f"/aws/lambda/{function_name}"
        log_stream_name = "bench"

        def get_remaining_time_in_millis(self) -> int:
            return 10_000

    with open(event_path, encoding="utf-8") as file:
        event = json.load(file)
    response = handler(event, Context())
    if sdk_dir:  # the request ran on the layer's cut SDK, not the stock one further down sys.path
        botocore = sys.modules.get("botocore")
        if botocore is None or not os.path.abspath(botocore.__file__ or "").startswith(os.path.abspath(sdk_dir)):
            raise ImportError(f"botocore came from {getattr(botocore, '__file__', None)}, not {sdk_dir}")
    return int(response["statusCode"]), str(response.get("body") or "")[:500]


class _LoopbackResolver:
    """A meta path finder that, if the function loads dnspython's resolver, points it at the bench's name server
    (bench/dns_standin.py, BENCH_DNS_ADDRESS) in place of /etc/resolv.conf's: the function's real lookup, kept
    on loopback, paid only by a function that makes it."""

    def find_spec(
        self, name: str, path: "Sequence[str] | None", target: "ModuleType | None" = None, /
    ) -> "ModuleSpec | None":
        from importlib.machinery import PathFinder

        if name != "dns.resolver":
            return None  # the usual finders find it
        spec = PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            load = spec.loader.exec_module

            def load_and_point(module: "ModuleType") -> None:
                load(module)
                _resolve_on_loopback(module)

            spec.loader.exec_module = load_and_point  # type: ignore[method-assign]
        return spec


def _resolve_on_loopback(resolver_module: "ModuleType") -> None:
    import os

    address = os.environ.get("BENCH_DNS_ADDRESS", "")
    if not address:
        return
    host, port = address.rsplit(":", 1)
    resolver_class = resolver_module.Resolver

    def read_resolv_conf(resolver: object, _: object = None) -> None:
        resolver.nameservers = [host]  # type: ignore[attr-defined]
        resolver.port = int(port)  # type: ignore[attr-defined]

    resolver_class.read_resolv_conf = read_resolv_conf


def _bare(table: str) -> tuple[int, str]:
    import boto3

    client = boto3.client("dynamodb")
    answer = client.get_item(TableName=table, Key={"pk": {"S": "user#bench-bare"}})
    return int(answer["ResponseMetadata"]["HTTPStatusCode"]), ""


def _peak_rss_kb() -> int:
    """The peak resident set size of this process image. On Linux ru_maxrss survives exec: a child started by a
    large parent reports the parent's peak. The kernel's high-water mark of this image (VmHWM) does not."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main() -> None:
    import json
    import os
    import sys

    mode, result_path, *arguments = sys.argv[1:]
    status, body = _handler(*arguments) if mode == "handler" else _bare(*arguments)
    elapsed_ms = (time.perf_counter() - START) * 1000
    rss_kb = _peak_rss_kb()
    with open(result_path, "w", encoding="utf-8") as file:
        json.dump({"ms": elapsed_ms, "status": status, "rss_kb": rss_kb, "body": body}, file)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
