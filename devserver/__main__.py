"""`python -m devserver`: serve the local stack (see README.md and docs/local-stack.md)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import warnings

from devserver.template import Template, parse_parameter_overrides

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devserver", description="Serve the MIGRIS local stack.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument(
        "--parameter-overrides",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME=VALUE",
        help="template parameters, as separate arguments or one quoted string (as SAM CLI takes them)",
    )
    parser.add_argument(
        "--ses-throttle-every",
        type=int,
        default=0,
        metavar="N",
        help="local SES throttles every Nth send, as over the account's rate (default 0: never)",
    )
    parser.add_argument(
        "--ses-delay-ms", type=int, default=0, metavar="MS", help="local SES answers each send this late"
    )
    args = parser.parse_args(argv)
    if args.host not in LOOPBACK_HOSTS:
        parser.error("the local stack listens on a loopback address only")
    try:
        overrides = parse_parameter_overrides(args.parameter_overrides)
        host = {"localhost": "127.0.0.1", "::1": "[::1]"}.get(args.host, args.host)
        # The pages and the API are served at localhost, not an address: an IP address cannot be a WebAuthn RP
        # ID (the RP ID, VIISP's postbackUrl, mailed links and the Origin rule all come from WebOrigin), and
        # Chromium treats http://localhost as a secure context, as the __Host- cookies need.
        origin = overrides.setdefault("WebOrigin", f"http://localhost:{args.port}")
        overrides.setdefault("PublicApiUrl", origin)
        # The address it listens at answers the API too and counts as our Origin; its pages redirect to origin.
        listening = f"http://{host}:{args.port}"
        template = Template.load(overrides)
    except (ValueError, KeyError) as error:
        parser.error(str(error))
    template.apply_process_environment()
    # A request that records no domain event (a read, a refused input) flushes an empty metric set: Powertools
    # warns on each, which says nothing about the request (pyproject.toml's pytest filters it the same way).
    warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
    # Imported only now: the loggers read their settings from the environment when they are made.
    from devserver.server import LocalStack, make_server

    # A mail the mail function reported back is tried again after a second (a minute in AWS: the queue's
    # visibility timeout), so a retried mail arrives while the person waits.
    stack = LocalStack(
        template,
        origin,
        aliases=[listening],
        viisp_over_http=True,
        mail_redelivery_seconds=1,
        mail_at_once=False,
    )
    stack.start()
    stack.aws.ses_throttle_every = max(0, args.ses_throttle_every)
    stack.aws.ses_delay_seconds = max(0, args.ses_delay_ms) / 1000
    stack.mail.run_in_background(on_error=lambda error: traceback.print_exception(error))
    stack.schedules.run_in_background(on_error=lambda error: traceback.print_exception(error))
    server = make_server(stack, args.host, args.port)
    print(f"MIGRIS local stack on {origin}", flush=True)
    if listening != origin:
        print(f"  also:       {listening} (the API; its pages redirect to {origin})", flush=True)
    print(f"  sent mail:  {origin}/_local/outbox", flush=True)
    print(f"  API docs:   {origin}/docs  ({origin}/openapi.json)", flush=True)
    print(f"  VIISP:      {origin}/login/viisp  (the local stand-in at {origin}/_local/viisp/)", flush=True)
    print(f"  staff key:  AWS_ACCESS_KEY_ID={stack.staff.access_key_id}", flush=True)
    print(f"              AWS_SECRET_ACCESS_KEY={stack.staff.secret_access_key}  (region {stack.region})", flush=True)
    print(f"              python -m staff --api {origin} find --email someone@example.lt", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
