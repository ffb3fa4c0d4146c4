"""`python -m staff`: find a person, change names or level, end their sessions, recover a lost mailbox (each
with a reason), print the audit.

Requests are signed with your own AWS credentials (the usual chain: environment, AWS_PROFILE or --profile, SSO);
a profile whose role_arn is the stack's StaffRoleArn output signs as the staff role. For the local stack, use
the staff key that `make run` prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from typing import Any

import boto3

from staff.client import Reply, StaffClient

DEFAULT_API = "http://127.0.0.1:3000"


# What a terminal must never be handed raw: control characters (escape sequences that move the cursor, clear
# the screen or retitle the window, C1's CSI among them), format characters (bidi overrides that reorder what is
# shown, zero-width ones that hide), line and paragraph separators, spaces other than the ASCII one (which look
# alike), surrogates, private-use and unassigned ones: what str.isprintable refuses.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
KEPT_AS_THEY_ARE = frozenset(" \n")  # the ASCII space, and the indentation's line ends (a string's are \n already)


# Issue 22: the person reads staff's reasons in their account's activity (actor "staff", never who).
REASON_HELP = "recorded in the audit and shown word for word to the person in their account's activity"


def for_terminal(value: Any) -> str:
    """The answer as indented JSON, readable in any script but with every character of HIDDEN_CATEGORIES written
    as a \\u escape: whatever a name, an identifier or a reason holds, what staff see is what is there, and it
    still reads back as the same JSON."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(
        character
        if character in KEPT_AS_THEY_ARE or unicodedata.category(character) not in HIDDEN_CATEGORIES
        else _escaped(character)
        for character in text
    )


def _escaped(character: str) -> str:
    # JSON's \u takes four hex digits: a character beyond the BMP is written as its UTF-16 surrogate pair.
    encoded = character.encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{encoded[i] << 8 | encoded[i + 1]:04x}" for i in range(0, len(encoded), 2))


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
    change.add_argument("--reason", required=True, help=REASON_HELP)

    revoke = commands.add_parser("revoke-sessions", help="end every session of a person now; the reason is recorded")
    revoke.add_argument("user_id")
    revoke.add_argument("--reason", required=True, help=REASON_HELP)

    unlink = commands.add_parser("unlink", help="take a linked VIISP identity off an e-mail account; reason recorded")
    unlink.add_argument("user_id")
    unlink.add_argument("--reason", required=True, help=REASON_HELP)

    recover = commands.add_parser(
        "recover-email", help="recover a lost mailbox: move a level 2 account to a new address; reason recorded"
    )
    recover.add_argument("user_id")
    recover.add_argument("--email", required=True, help="the new address (mailed a confirmation link)")
    recover.add_argument("--reason", required=True, help="say which identity document was checked; " + REASON_HELP)

    cancel = commands.add_parser("cancel-recovery", help="cancel a pending recovery of a mailbox; reason recorded")
    cancel.add_argument("user_id")
    cancel.add_argument("--reason", required=True, help=REASON_HELP)

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
    elif args.command == "recover-email":
        reply = client.recover_email(args.user_id, args.email, args.reason)
    elif args.command == "cancel-recovery":
        reply = client.cancel_recovery(args.user_id, args.reason)
    else:
        reply = client.audit(args.user_id)
    output = for_terminal(reply.body)
    if 200 <= reply.status < 300:
        print(output)
        return 0
    print(f"HTTP {reply.status}\n{output}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
