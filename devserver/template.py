"""Read template.yaml: parameters, the functions' environment, their API routes and the tables.

The local stack takes everything it serves from here, so it cannot drift from what is deployed."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"
LOCAL_STACK_NAME = "migris-local"
# The property that names a resource, where the template names one (else CloudFormation generates the name).
_NAME_PROPERTY = {"AWS::SQS::Queue": "QueueName", "AWS::SES::ConfigurationSet": "Name"}


# libyaml's parser where PyYAML was built with it (the wheels are): the same documents, read ten times faster.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CfnLoader(_SafeLoader):  # type: ignore[misc]  # its base is one of two classes
    """YAML with CloudFormation's short tags (!Ref, !Sub, !GetAtt ...) read as their long form."""


def _construct_tag(loader: yaml.constructor.SafeConstructor, suffix: str, node: yaml.Node) -> dict[str, Any]:
    # !Ref and !Condition are long-form "Ref" and "Condition"; every other short tag is "Fn::<tag>".
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass with CFN tags only
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a template")
    return document


def parse_parameter_overrides(values: list[str]) -> dict[str, str]:
    """`Name=Value` pairs, as separate arguments or one quoted string (as SAM CLI takes them); SAM's
    `ParameterKey=Name,ParameterValue=Value` form too."""
    overrides: dict[str, str] = {}
    for chunk in values:
        for token in shlex.split(chunk):
            if token.startswith("ParameterKey="):
                match = re.fullmatch(r"ParameterKey=([^,]+),ParameterValue=(.*)", token)
                if not match:
                    raise ValueError(f"cannot read parameter override {token!r}")
                overrides[match.group(1)] = match.group(2)
                continue
            name, sep, value = token.partition("=")
            if not sep or not name:
                raise ValueError(f"parameter overrides are Name=Value, not {token!r}")
            overrides[name] = value
    return overrides


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str
    code_uri: Path
    handler: str
    iam_auth: bool

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path)) + "$")


class Template:
    def __init__(self, document: dict[str, Any], overrides: dict[str, str] | None = None) -> None:
        self.document = document
        self.resources: dict[str, dict[str, Any]] = document.get("Resources", {})
        self.parameters = self._parameters(overrides or {})

    @classmethod
    def load(cls, overrides: dict[str, str] | None = None, path: Path = TEMPLATE_PATH) -> Template:
        return cls(load_template(path), overrides)

    def _parameters(self, overrides: dict[str, str]) -> dict[str, str]:
        declared: dict[str, dict[str, Any]] = self.document.get("Parameters", {})
        unknown = sorted(set(overrides) - set(declared))
        if unknown:
            raise ValueError(f"unknown template parameters: {', '.join(unknown)}")
        values: dict[str, str] = {}
        for name, spec in declared.items():
            value = overrides.get(name, spec.get("Default"))
            if value is None:
                raise ValueError(f"template parameter {name} has no default: give it with --parameter-overrides")
            text = str(value)
            if spec.get("Type") == "Number":
                number = float(text)
                if "MinValue" in spec and number < float(spec["MinValue"]):
                    raise ValueError(f"{name} must be at least {spec['MinValue']}, not {text}")
                if "MaxValue" in spec and number > float(spec["MaxValue"]):
                    raise ValueError(f"{name} must be at most {spec['MaxValue']}, not {text}")
            if "AllowedValues" in spec and text not in [str(v) for v in spec["AllowedValues"]]:
                raise ValueError(f"{name} must be one of {spec['AllowedValues']}, not {text}")
            # CloudFormation matches the whole value (Java's matches()); the template's patterns read the same
            # in Python.
            if "AllowedPattern" in spec and not re.fullmatch(str(spec["AllowedPattern"]), text):
                what = spec.get("ConstraintDescription") or f"match {spec['AllowedPattern']}"
                raise ValueError(f"{name} must be {what}, not {text!r}")
            values[name] = text
        return values

    def physical_name(self, logical_id: str) -> str:
        """The name a resource gets on the local stack: the name the template gives it, else one made up as
        CloudFormation would generate one."""
        resource = self.resources.get(logical_id, {})
        naming = _NAME_PROPERTY.get(str(resource.get("Type")))
        named = resource.get("Properties", {}).get(naming) if naming else None
        if named is not None:
            return str(self.resolve(named))
        return f"{LOCAL_STACK_NAME}-{logical_id}"

    def queue_url(self, logical_id: str) -> str:
        """A queue's URL (its Ref), as SQS and moto write it."""
        return f"https://sqs.eu-north-1.amazonaws.com/123456789012/{self.physical_name(logical_id)}"

    def resolve(self, value: Any) -> Any:
        """Resolve the intrinsics the local stack needs: Ref to parameters, resources and pseudo-parameters,
        Sub over those, and If over the template's conditions."""
        if isinstance(value, dict) and len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self._ref(str(argument))
            if key == "Fn::Sub":
                text = argument if isinstance(argument, str) else argument[0]
                return re.sub(r"\$\{([^}]+)\}", lambda m: str(self._ref(m.group(1))), text)
            if key == "Fn::If":
                name, chosen, otherwise = argument
                return self.resolve(chosen if self.condition(str(name)) else otherwise)
            if key == "Fn::GetAtt" and list(argument)[1:] == ["Arn"] and self._is_role(str(argument[0])):
                return self.role_arn(str(argument[0]))
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def condition(self, name: str) -> bool:
        """A condition of the template over the parameters (the condition functions the template uses)."""
        return self._holds(self.document.get("Conditions", {})[name])

    def _holds(self, expression: Any) -> bool:
        ((function, argument),) = expression.items()
        if function == "Condition":
            return self.condition(str(argument))
        if function == "Fn::Equals":
            left, right = (str(self.resolve(value)) for value in argument)
            return left == right
        if function == "Fn::Not":
            return not self._holds(argument[0])
        if function == "Fn::And":
            return all(self._holds(inner) for inner in argument)
        if function == "Fn::Or":
            return any(self._holds(inner) for inner in argument)
        raise ValueError(f"the local stack cannot evaluate {function} in a condition")

    def _is_role(self, logical_id: str) -> bool:
        return self.resources.get(logical_id, {}).get("Type") == "AWS::IAM::Role"

    def role_arn(self, logical_id: str) -> str:
        """The ARN an IAM role of the template has on the local stack (CloudFormation would generate its name)."""
        return f"arn:aws:iam::123456789012:role/{self.physical_name(logical_id)}"

    def _ref(self, name: str) -> str:
        pseudo = {
            "AWS::StackName": LOCAL_STACK_NAME,
            "AWS::Region": "eu-north-1",
            "AWS::AccountId": "123456789012",
            "AWS::Partition": "aws",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.resources:
            if self.resources[name].get("Type") == "AWS::SQS::Queue":
                return self.queue_url(name)
            return self.physical_name(name)
        raise KeyError(f"template has no parameter or resource {name}")

    def function_environment(self) -> dict[str, str]:
        """The Globals environment with each function's own on top (the functions share one process)."""
        env = self.resolve(self.document.get("Globals", {}).get("Function", {}).get("Environment", {}))
        variables = {k: str(v) for k, v in env.get("Variables", {}).items()}
        for resource in self.functions().values():
            own = self.resolve(resource.get("Properties", {}).get("Environment", {}))
            variables.update({k: str(v) for k, v in own.get("Variables", {}).items()})
        return variables

    def apply_process_environment(self) -> None:
        """Put the Powertools settings of the template into this process's environment, as Lambda does
        before any code loads (the loggers read them when they are made). Tracing and the EMF metric lines
        are off locally unless the caller set them."""
        for name, value in self.function_environment().items():
            if name.startswith("POWERTOOLS_"):
                os.environ[name] = value
        os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
        os.environ.setdefault("AWS_REGION", "eu-north-1")

    def functions(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v.get("Type") == "AWS::Serverless::Function"}

    def queues(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v.get("Type") == "AWS::SQS::Queue"}

    def event_sources(self) -> dict[str, tuple[str, str]]:
        """Each queue an event source mapping reads, with the function it invokes: {queue: (function, mapping)}."""
        found: dict[str, tuple[str, str]] = {}
        for logical_id, resource in self.resources.items():
            if resource.get("Type") != "AWS::Lambda::EventSourceMapping":
                continue
            properties = resource["Properties"]
            queue = properties["EventSourceArn"]["Fn::GetAtt"][0]
            function = properties["FunctionName"]["Ref"]
            found[queue] = (function, logical_id)
        return found

    def schedules(self) -> dict[str, str]:
        """Each function a Schedule event invokes, with its schedule expression: {function: "rate(1 minute)"}."""
        found: dict[str, str] = {}
        for logical_id, function in self.functions().items():
            for event in function["Properties"].get("Events", {}).values():
                if event.get("Type") == "Schedule":
                    found[logical_id] = str(event["Properties"]["Schedule"])
        return found

    def tables(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v.get("Type") == "AWS::DynamoDB::Table"}

    def routes(self) -> list[Route]:
        routes: list[Route] = []
        for logical_id, resource in self.functions().items():
            properties = resource.get("Properties", {})
            for event in properties.get("Events", {}).values():
                if event.get("Type") != "Api":
                    continue
                spec = event["Properties"]
                authorizer = (spec.get("Auth") or {}).get("Authorizer")
                routes.append(
                    Route(
                        method=str(spec["Method"]).upper(),
                        path=str(spec["Path"]),
                        function=logical_id,
                        code_uri=ROOT / str(properties["CodeUri"]),
                        handler=str(properties["Handler"]),
                        iam_auth=authorizer == "AWS_IAM",
                    )
                )
        return routes
