from __future__ import annotations

import pytest
import yaml

from devserver.template import Template, _CfnLoader, parse_parameter_overrides


def test_overrides_as_separate_arguments_or_one_string():
    assert parse_parameter_overrides(["CodeLength=6", "ResendCooldownSeconds=0"]) == {
        "CodeLength": "6",
        "ResendCooldownSeconds": "0",
    }
    assert parse_parameter_overrides(["CodeLength=6 ResendCooldownSeconds=0"]) == {
        "CodeLength": "6",
        "ResendCooldownSeconds": "0",
    }
    assert parse_parameter_overrides(["ParameterKey=CodeLength,ParameterValue=6"]) == {"CodeLength": "6"}


def test_bad_overrides_are_refused():
    with pytest.raises(ValueError):
        parse_parameter_overrides(["CodeLength"])
    with pytest.raises(ValueError, match="unknown"):
        Template.load({"NoSuchParameter": "1"})
    with pytest.raises(ValueError, match="at least"):
        Template.load({"CodeLength": "0"})
    with pytest.raises(ValueError, match="one of"):
        Template.load({"EnableWaf": "maybe"})


def test_functions_get_the_parameters_through_the_environment():
    env = Template.load({"CodeTtlSeconds": "5", "ResendCooldownSeconds": "0"}).function_environment()
    assert env["CODE_TTL_SECONDS"] == "5"
    assert env["RESEND_COOLDOWN_SECONDS"] == "0"
    assert env["CODE_LENGTH"] == "8"
    assert env["CODES_TABLE"].endswith("CodesTable")


def test_routes_come_from_the_template():
    routes = {(r.method, r.path, r.function) for r in Template.load().routes()}
    assert ("POST", "/login/email", "StartLoginFunction") in routes
    assert ("POST", "/login/email/verify", "VerifyCodeFunction") in routes
    assert ("GET", "/profile", "SaveProfileFunction") in routes
    assert ("POST", "/logout", "SaveProfileFunction") in routes


def test_short_tags_read_as_cloudformations_long_forms():
    text = "a: !Ref X\nb: !Condition HasDomain\nc: !Sub '${X}'\nd: !GetAtt T.Arn\n"
    assert yaml.load(text, Loader=_CfnLoader) == {
        "a": {"Ref": "X"},
        "b": {"Condition": "HasDomain"},
        "c": {"Fn::Sub": "${X}"},
        "d": {"Fn::GetAtt": ["T", "Arn"]},
    }
