"""`python -m staff`: find a person, change names or level or end their sessions with a reason, print the audit.

Requests are signed with your own AWS credentials (the usual chain: environment, AWS_PROFILE or --profile, SSO);
a profile whose role_arn is the stack's StaffRoleArn output signs as the staff role. For the local stack, use
the staff key that `make run` prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import boto3

from staff.client import Reply, StaffClient

DEFAULT_API = "http://127.0.0.1:3000"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m staff", description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", default=os.environ.get("MIGRIS_API_URL", DEFAULT_API), help="API base URL")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "eu-north-1"), help="region to sign for")
    parser.add_argument("--profile", help="AWS profile whose credentials sign the requests")
    commands = parser.add_subparsers(dest="command", required=True)

    find = commands.add_parser("find", help="find a person by e-mail address, personal code or eIDAS identifier")
    key = find.add_mutually_exclusive_group(required=True)
    key.add_argument("--email")
    key.add_argument("--personal-code")
    key.add_argument("--eidas-id", help="CC/CC/identifier")

    change = commands.add_parser("change", help="change names or level; the reason is recorded")
    change.add_argument("user_id")
    change.add_argument("--given-name")
    change.add_argument("--family-name")
    # Level 3 comes only with an identity confirmed through VIISP: staff set 1 or 2, on an account without one.
    change.add_argument("--level", type=int, choices=[1, 2])
    change.add_argument("--reason", required=True)

    revoke = commands.add_parser("revoke-sessions", help="end every session of a person now; the reason is recorded")
    revoke.add_argument("user_id")
    revoke.add_argument("--reason", required=True)

    unlink = commands.add_parser("unlink", help="take a linked VIISP identity off an e-mail account; reason recorded")
    unlink.add_argument("user_id")
    unlink.add_argument("--reason", required=True)

    audit = commands.add_parser("audit", help="print the staff changes of an account, oldest first")
    audit.add_argument("user_id")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    credentials = boto3.session.Session(profile_name=args.profile).get_credentials()
    if credentials is None:
        parser.error("no AWS credentials found: set AWS_PROFILE, --profile or AWS_ACCESS_KEY_ID/SECRET")
    client = StaffClient(args.api, credentials, args.region)
    reply: Reply
    if args.command == "find":
        reply = client.find(email=args.email, personal_code=args.personal_code, eidas_id=args.eidas_id)
    elif args.command == "change":
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("given_name", args.given_name),
                ("family_name", args.family_name),
                ("level", args.level),
            )
            if value is not None
        }
        if not changes:
            parser.error("change needs --given-name, --family-name or --level")
        reply = client.change(args.user_id, changes, args.reason)
    elif args.command == "revoke-sessions":
        reply = client.revoke_sessions(args.user_id, args.reason)
    elif args.command == "unlink":
        reply = client.unlink_identity(args.user_id, args.reason)
    else:
        reply = client.audit(args.user_id)
    output = json.dumps(reply.body, ensure_ascii=False, indent=2)
    if 200 <= reply.status < 300:
        print(output)
        return 0
    print(f"HTTP {reply.status}\n{output}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
