"""`python -m ops.import_retained --out <dir> AccountsTable=<table name> ...`: the two files of a CloudFormation
IMPORT change set that makes a lost stack again from what it kept, before anything else of it exists.

A stack that was deleted keeps its data tables (accounts, audit, activity, passkeys) and the log group with a
name of its own (WAF's), DeletionPolicy RetainExceptOnCreate. Deployed again as usual, it would make new, empty
tables and the functions would use them; and the log group's create would fail, its name taken. So first a
stack is made of exactly those resources, imported under their logical ids (this template: their definitions
from template.yaml, with the parameters and conditions they name), and only then is the whole template deployed
over it: the functions then name the imported tables. docs/deploying.md (Runbook) has the commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from devserver.template import TEMPLATE_PATH, load_template

# What a lost stack leaves holding data or a name of its own; everything else of it is made anew.
RETAINED = ("AccountsTable", "AuditTable", "ActivityTable", "PasskeysTable", "WafBlockedLogs")
# The property that names an existing resource of each type, as ResourcesToImport takes it.
IDENTIFIERS = {"AWS::DynamoDB::Table": "TableName", "AWS::Logs::LogGroup": "LogGroupName"}


def _named(value: Any, kind: str) -> set[str]:
    """The names `value` refers to with Ref (kind "Ref") or Condition/Fn::If (kind "Condition")."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, argument in value.items():
            if kind == "Ref" and key == "Ref" and isinstance(argument, str):
                found.add(argument)
            elif kind == "Ref" and key == "Fn::Sub":
                text = argument if isinstance(argument, str) else argument[0]
                found |= {token.split("}", 1)[0] for token in text.split("${")[1:]}
            elif kind == "Condition" and key in {"Condition", "Fn::If"}:
                found.add(argument if isinstance(argument, str) else argument[0])
            found |= _named(argument, kind)
    elif isinstance(value, list):
        for item in value:
            found |= _named(item, kind)
    return found


def import_template(document: dict[str, Any], logical_ids: list[str]) -> dict[str, Any]:
    """A template of exactly these resources as `document` defines them, with the parameters and conditions
    they need; refused if one of them names another resource (an import cannot create it)."""
    resources = {name: document["Resources"][name] for name in logical_ids}
    for name, resource in resources.items():
        if resource["Type"] not in IDENTIFIERS:
            raise ValueError(f"{name}: cannot import a {resource['Type']}")
        if "DeletionPolicy" not in resource:
            raise ValueError(f"{name}: an imported resource needs a DeletionPolicy")
    conditions: dict[str, Any] = {}
    pending = set().union(*(_named(r, "Condition") for r in resources.values()))
    pending |= {r["Condition"] for r in resources.values() if "Condition" in r}
    while pending:
        name = pending.pop()
        conditions[name] = document["Conditions"][name]
        pending |= _named(conditions[name], "Condition") - set(conditions)
    referred = set().union(*(_named(value, "Ref") for value in (*resources.values(), *conditions.values())))
    referred = {name for name in referred if not name.startswith("AWS::")}
    others = referred - set(document["Parameters"])
    if others:
        raise ValueError(f"the imported resources name resources outside the import: {sorted(others)}")
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Import of what a lost MIGRIS sign-in stack kept (ops/import_retained.py).",
    }
    if referred:
        template["Parameters"] = {name: document["Parameters"][name] for name in sorted(referred)}
    if conditions:
        template["Conditions"] = conditions
    template["Resources"] = resources
    return template


def resources_to_import(document: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "ResourceType": document["Resources"][logical_id]["Type"],
            "LogicalResourceId": logical_id,
            "ResourceIdentifier": {IDENTIFIERS[document["Resources"][logical_id]["Type"]]: physical},
        }
        for logical_id, physical in names.items()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.import_retained", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the two files")
    parser.add_argument("--template", type=Path, default=TEMPLATE_PATH, help="template.yaml (default: the repo's)")
    parser.add_argument(
        "names", nargs="+", metavar="LogicalId=name", help=f"each kept resource to import, of {', '.join(RETAINED)}"
    )
    args = parser.parse_args(argv)
    names: dict[str, str] = {}
    for pair in args.names:
        logical_id, sep, physical = pair.partition("=")
        if not sep or logical_id not in RETAINED or not physical:
            parser.error(f"{pair!r}: give LogicalId=name, LogicalId one of {', '.join(RETAINED)}")
        names[logical_id] = physical
    document = load_template(args.template)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "import-template.json").write_text(json.dumps(import_template(document, list(names)), indent=2))
    (args.out / "resources-to-import.json").write_text(json.dumps(resources_to_import(document, names), indent=2))
    print(f"{args.out}/import-template.json, {args.out}/resources-to-import.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
