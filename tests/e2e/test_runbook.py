"""The runbook works as written (issue 24, item 1): its first commands, copied from docs/deploying.md into a shell
on a clean copy of the clone, where Python 3.13 is installed but `python3` is another version and the first
`python3.13` on PATH does not run (pyenv's shim, when pyenv's selected version is another), succeed up to the
deploy, which needs AWS: `sam build` leaves the stack's template and the layer in .aws-sam/build.

Minutes, not seconds (it makes .venv-sam and builds the layer; pip's cache is warm after `make install`): marked
e2e, so `-m "not browser and not e2e"` leaves it out of the inner loop; `make test` runs it beside the rest. The
checks of the runbook's text and of `make deploy`'s refusal take a second and are not marked."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from devserver.template import ROOT

RUNBOOK = ROOT / "docs" / "deploying.md"
MARKER = "<!-- runbook: first commands"
# Variables a surrounding `make test` or venv would hand down: a clean shell has none of them.
INHERITED = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV", "PYENV_VERSION", "PYTHONPATH", "PYTHONHOME")


def first_commands(text: str) -> list[str]:
    """The shell commands of the fenced block right after the marker, without their comments."""
    after = text.split(MARKER, 1)[1]
    block = re.search(r"```sh\n(.*?)```", after, flags=re.DOTALL)
    assert block is not None and after[: block.start()].count("\n") <= 2, "the marker must sit right above the block"
    return [line.split(" #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def _script(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _pyenv_has_313() -> bool:
    if shutil.which("pyenv") is None:
        return False
    versions = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True, check=False).stdout
    return any(re.match(r"3\.13(\.|$)", line.strip()) for line in versions.splitlines())


def operator_path(shadow: Path) -> str:
    """PATH as on an operator's machine where Python 3.13 is not first: `python3` and `python` are another
    version's, and with pyenv the first `python3.13` is its shim failing for the selected version."""
    for name in ("python3", "python"):
        _script(shadow, name, 'echo "Python 3.11 (not the 3.13 the runbook needs)" >&2; exit 1')
    if _pyenv_has_313():
        _script(shadow, "python3.13", 'echo "pyenv: python3.13: command not found" >&2; exit 127')
    return f"{shadow}{os.pathsep}{os.environ['PATH']}"


def clean_copy(destination: Path) -> Path:
    """The clone's files as a fresh clone of this working tree has them: tracked and new, nothing ignored (no venv,
    no .aws-sam)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def test_the_runbook_names_its_commands_as_make_targets():
    commands = first_commands(RUNBOOK.read_text(encoding="utf-8"))
    assert commands[-1] == "make deploy ENV=dev"
    assert "make build" in commands


def test_make_deploy_refuses_an_environment_samconfig_does_not_name():
    for environment in ("staging", "", "dev prod"):
        done = subprocess.run(
            ["make", "-n", "deploy", f"ENV={environment}"], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert done.returncode != 0
        assert "ENV=dev or ENV=prod" in done.stderr
        assert "sam " not in done.stdout  # nothing built, nothing deployed
    planned = subprocess.run(["make", "-n", "deploy", "ENV=prod"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert ".venv-sam/bin/sam deploy --config-env prod" in planned.stdout


@pytest.mark.e2e
def test_the_runbooks_first_commands_build_on_a_clean_clone_without_python_3_13_first(tmp_path):
    commands = first_commands(RUNBOOK.read_text(encoding="utf-8"))
    before_deploy = commands[: next(i for i, command in enumerate(commands) if command.startswith("make deploy"))]
    # `make test` is this suite itself: the copy runs the rest, which is what the deploy needs.
    to_run = [command for command in before_deploy if command != "make test"]
    assert to_run == ["make build"]
    clone = clean_copy(tmp_path / "clone")
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    env = {name: value for name, value in os.environ.items() if name not in INHERITED}
    env["PATH"] = operator_path(shadow)
    first = subprocess.run(["python3", "--version"], env=env, capture_output=True, text=True, check=False)
    assert first.returncode != 0  # the precondition: the first python3 is not 3.13
    for command in to_run:
        done = subprocess.run(
            command, shell=True, cwd=clone, env=env, capture_output=True, text=True, check=False, timeout=1200
        )
        assert done.returncode == 0, f"{command!r} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    built = clone / ".aws-sam" / "build"
    assert (built / "template.yaml").is_file()
    layer = built / "CommonLayer" / "python"
    assert (layer / "botocore" / "data" / "dynamodb").is_dir()
    assert not (layer / "botocore" / "data" / "s3").exists()  # cut by sdk_trim, as the layer ships
