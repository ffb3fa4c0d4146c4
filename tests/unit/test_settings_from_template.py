"""template.yaml is the only place a default lives (issue 9, item 4): docs/configuration.md's parameter tables say
the template's defaults row by row, Settings takes every value from the template's environment, and a variable missing
from the environment is an error naming it, never a fallback."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from migris.config import MissingEnvironmentError, Settings

from devserver.template import ROOT, Template

CONFIGURATION = ROOT / "docs" / "configuration.md"


@cache
def template() -> Template:
    """The template with its defaults, read once (nothing here changes it)."""
    return Template.load()


def doc_rows(path: Path = CONFIGURATION) -> dict[str, str]:
    """Parameter name -> default as written, from every table of docs/configuration.md headed `| parameter |
    default |`. A row may name several (`A` / `B` with `1 / 2`); `empty ...` is the empty string."""
    rows: dict[str, str] = {}
    in_table = False
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if cells[:2] == ["parameter", "default"]:
            in_table = True
            continue
        if not cells:
            in_table = False
        if not in_table or set(cells[0]) <= {"-", " "}:
            continue
        names = [name.strip().strip("`") for name in cells[0].split(" / ")]
        defaults = [value.strip().strip("`") for value in cells[1].split(" / ")]
        assert len(names) == len(defaults), f"{path.name} row {line!r}: {len(names)} names, {len(defaults)} defaults"
        for name, default in zip(names, defaults, strict=True):
            assert name not in rows, f"{path.name} gives {name} twice"
            rows[name] = "" if default.startswith("empty") else default
    return rows


def template_defaults() -> dict[str, str]:
    parameters: dict[str, dict[str, Any]] = template().document["Parameters"]
    return {name: str(spec["Default"]) for name, spec in parameters.items()}


def environment_parameters() -> dict[str, str]:
    """Environment variable -> the template parameter it is `!Ref`, for the functions' environment."""
    environments = [template().document["Globals"]["Function"].get("Environment", {})]
    environments += [f["Properties"].get("Environment", {}) for f in template().functions().values()]
    refs: dict[str, str] = {}
    for environment in environments:
        for variable, value in environment.get("Variables", {}).items():
            # A plain Ref, or the Refs of an If's branches (WEB_ORIGIN: DomainName's origin, else WebOrigin).
            for ref in re.findall(r"'Ref': '(\w+)'", repr(value)):
                if ref in template().document["Parameters"]:
                    refs.setdefault(variable, ref)
    return refs


# --- (1) docs/configuration.md says the template's defaults ---


def test_the_configuration_tables_are_found():
    rows = doc_rows()
    assert "CodeTtlSeconds" in rows  # the main table
    assert "DomainName" in rows  # the site's domain
    assert "ViispPid" in rows  # the VIISP one


@pytest.mark.parametrize(("parameter", "written"), sorted(doc_rows().items()))
def test_each_configuration_row_gives_the_template_default(parameter, written):
    defaults = template_defaults()
    assert parameter in defaults, f"docs/configuration.md lists {parameter}, which template.yaml does not declare"
    assert written == defaults[parameter], (
        f"docs/configuration.md says {parameter} defaults to {written!r}, template.yaml to {defaults[parameter]!r}"
    )


def test_every_template_parameter_has_a_configuration_row():
    missing = sorted(set(template_defaults()) - set(doc_rows()))
    assert not missing, f"template parameters without a row in docs/configuration.md: {missing}"


def test_every_parameter_in_the_functions_environment_has_a_configuration_row():
    parameters = set(environment_parameters().values())
    assert {"CodeTtlSeconds", "WebOrigin", "PublicApiUrl", "ViispTicketSeconds"} <= parameters  # the reader works
    assert not sorted(parameters - set(doc_rows()))


def test_a_wrong_documented_default_is_caught(tmp_path):
    """The check reads what it claims: a changed default in a copy of docs/configuration.md no longer matches."""
    changed = CONFIGURATION.read_text(encoding="utf-8").replace("| `CodeLength` | 8 |", "| `CodeLength` | 6 |")
    (tmp_path / "configuration.md").write_text(changed, encoding="utf-8")
    assert doc_rows(tmp_path / "configuration.md")["CodeLength"] == "6" != template_defaults()["CodeLength"]


# --- (2) Settings from the template's environment holds the template's defaults ---


def test_settings_has_no_default_of_its_own():
    with_defaults = sorted(name for name, field in Settings.model_fields.items() if not field.is_required())
    assert not with_defaults


def test_every_setting_is_a_variable_the_template_sets():
    environment = template().function_environment()
    assert not sorted(
        Settings.variable(name) for name in Settings.model_fields if Settings.variable(name) not in environment
    )


def expected_value(parameter: str, default: str) -> Any:
    spec = template().document["Parameters"][parameter]
    if spec["Type"] == "Number":
        return int(default)
    return default or None  # an empty parameter is "not set" (PublicApiUrl: the web origin)


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_settings_from_the_template_environment_hold_the_template_defaults(field):
    settings = Settings.from_env(template().function_environment())
    variable = Settings.variable(field)
    parameter = environment_parameters().get(variable)
    if parameter is None:  # a resource's name or an ARN path: no default, only what the template resolves to
        assert getattr(settings, field) == template().function_environment()[variable]
    else:
        assert getattr(settings, field) == expected_value(parameter, template_defaults()[parameter])


def test_an_override_reaches_settings():
    settings = Settings.from_env(Template.load({"CodeLength": "6"}).function_environment())
    assert settings.code_length == 6


# --- (3) a missing variable is an error naming it ---


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_a_missing_variable_is_named(field):
    environment = template().function_environment()
    variable = Settings.variable(field)
    del environment[variable]
    with pytest.raises(MissingEnvironmentError, match=rf"\b{re.escape(variable)}\b") as raised:
        Settings.from_env(environment)
    assert raised.value.names == (variable,)


@pytest.mark.parametrize("field", sorted(n for n, f in Settings.model_fields.items() if f.annotation is str))
def test_an_empty_required_variable_is_named_too(field):
    environment = template().function_environment()
    environment[Settings.variable(field)] = ""
    with pytest.raises(MissingEnvironmentError, match=Settings.variable(field)):
        Settings.from_env(environment)


def test_every_missing_variable_is_named_at_once():
    with pytest.raises(MissingEnvironmentError) as raised:
        Settings.from_env({"CODES_TABLE": "codes"})
    assert set(raised.value.names) == {Settings.variable(name) for name in Settings.model_fields} - {"CODES_TABLE"}


def test_only_a_field_that_admits_none_may_be_empty():
    environment = template().function_environment()
    assert Settings.from_env({**environment, "PUBLIC_API_URL": ""}).public_api_url is None
    with pytest.raises(MissingEnvironmentError, match="CODE_LENGTH"):
        Settings.from_env({**environment, "CODE_LENGTH": ""})
