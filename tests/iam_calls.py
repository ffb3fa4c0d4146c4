"""Every AWS call a function makes is allowed by that function's own role (issue 12): moto does not enforce
IAM, so without this a call the role lacks passes every test here and fails only in AWS (a 500 for the person).

While the local stack serves a request it names the function serving it (devserver.server.serving_function).
A botocore hook on the functions' boto3 session records each call that function makes, turns it into the
requests IAM authorises (a TransactWriteItems item as the action it names, a BatchGetItem per table, an SES
send against its identity and its configuration set) with the resource's ARN and the DynamoDB condition keys
(dynamodb:LeadingKeys, dynamodb:Attributes, dynamodb:ReturnValues), and evaluates them against the function's
role in the SAM-translated template. tests/conftest.py fails the test that made a call its role does not allow.

The evaluation covers what the template's function policies use: Allow statements, actions and resources with
IAM wildcards, and the condition operators ForAllValues:StringEquals, ForAllValues:StringLike,
ForAllValues:StringNotLike and StringEqualsIfExists; any other operator fails the check rather than being
skipped. dynamodb:Attributes of an update is its key and every top-level attribute its update expression names
(read or written); of a put, the item's attributes."""

from __future__ import annotations

import copy
import fnmatch
import functools
import re
import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from devserver.template import Template

PARTITION, REGION, ACCOUNT = "aws", "eu-north-1", "123456789012"
HOOK_ID = "tests-iam-calls"
SUPPORTED_OPERATORS = {
    "ForAllValues:StringEquals",
    "ForAllValues:StringLike",
    "ForAllValues:StringNotLike",
    "StringEqualsIfExists",
}
_UPDATE_KEYWORDS = {"SET", "REMOVE", "ADD", "DELETE", "if_not_exists", "list_append"}
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def sam_translated(template: dict[str, Any]) -> dict[str, Any]:
    """The template translated offline to plain CloudFormation, as SAM deploys it. Our policies name no AWS
    managed policy, so the translator needs no map of them (and no AWS account)."""
    packaged = copy.deepcopy(template)
    for logical_id, resource in packaged["Resources"].items():
        # As `sam package` would: local code folders become S3 locations.
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = f"s3://artifacts/{logical_id}.zip"
    translator = Translator({}, Parser(), boto_session=boto3.session.Session(region_name=REGION))
    return dict(translator.translate(packaged, parameter_values={}, get_managed_policy_map=dict))


Grant = tuple[str, int, str]  # function, index of the statement in its role, an action the statement names


@dataclass(frozen=True)
class AuthorisedRequest:
    """One request as IAM authorises it."""

    action: str
    resource: str
    context: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        shown = {key: values for key, values in self.context.items()}
        return f"{self.action} on {self.resource} {shown if shown else ''}".rstrip()


class Roles:
    """The function roles of the translated template, with their resources resolved to local ARNs."""

    def __init__(self, template: Template) -> None:
        self.template = template
        cfn = sam_translated(template.document)
        self.statements: dict[str, list[dict[str, Any]]] = {}
        for logical_id, resource in cfn["Resources"].items():
            if resource["Type"] != "AWS::Lambda::Function":
                continue
            role = cfn["Resources"][resource["Properties"]["Role"]["Fn::GetAtt"][0]]["Properties"]
            self.statements[logical_id] = [
                statement for policy in role.get("Policies", []) for statement in policy["PolicyDocument"]["Statement"]
            ]
        tables = template.tables()
        self.tables = {
            template.physical_name(logical_id): _hash_key(table["Properties"]["KeySchema"])
            for logical_id, table in tables.items()
        }
        self.indexes = {
            (template.physical_name(logical_id), index["IndexName"]): _hash_key(index["KeySchema"])
            for logical_id, table in tables.items()
            for index in table["Properties"].get("GlobalSecondaryIndexes", [])
        }

    # --- the template's side ---

    def arn(self, logical_id: str) -> str:
        kind = self.template.resources[logical_id]["Type"]
        name = self.template.physical_name(logical_id)
        if kind == "AWS::DynamoDB::Table":
            return table_arn(name)
        if kind == "AWS::SecretsManager::Secret":
            return secret_arn(name)
        raise KeyError(f"no ARN for {logical_id} ({kind})")

    def resolve(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        ((key, argument),) = value.items()
        if key == "Ref":
            return self._ref(str(argument))
        if key == "Fn::GetAtt" and argument[1] == "Arn":
            return self.arn(argument[0])
        if key == "Fn::Sub" and isinstance(argument, str):
            return re.sub(r"\$\{([^}]+)\}", lambda m: self._sub(m.group(1)), argument)
        raise ValueError(f"cannot resolve {value!r} in a policy")

    def _sub(self, name: str) -> str:
        if name.endswith(".Arn"):
            return self.arn(name.removesuffix(".Arn"))
        return self._ref(name)

    def _ref(self, name: str) -> str:
        if name in self.template.resources and self.template.resources[name]["Type"] == "AWS::SecretsManager::Secret":
            return self.arn(name)  # a secret's Ref is its ARN
        return str(self.template.resolve({"Ref": name}))

    # --- the check ---

    def refusals(self, function: str, requests: list[AuthorisedRequest]) -> list[str]:
        return self.evaluate(function, requests)[0]

    def evaluate(self, function: str, requests: list[AuthorisedRequest]) -> tuple[list[str], set[Grant]]:
        """The refusals, and the grants (function, statement index, action as granted) that allowed a request."""
        statements = self.statements.get(function)
        if statements is None:
            return [f"{function} is no function of the template"], set()
        problems: list[str] = []
        used: set[Grant] = set()
        for request in requests:
            verdicts = [self._allows(statement, request) for statement in statements]
            unsupported = [verdict for verdict in verdicts if isinstance(verdict, str)]
            if unsupported:
                problems.extend(unsupported)
            elif not any(verdicts):
                problems.append(f"{function} may not: {request}")
            for index, verdict in enumerate(verdicts):
                if verdict is True:
                    actions = _listed(statements[index]["Action"])
                    used.update((function, index, a) for a in actions if _matches(a, request.action, case=False))
        return problems, used

    def grants(self) -> set[Grant]:
        """Every (function, statement index, action) the functions' roles hold in the template's own policies."""
        return {
            (function, index, action)
            for function, statements in self.statements.items()
            for index, statement in enumerate(statements)
            for action in _listed(statement["Action"])
        }

    def _allows(self, statement: dict[str, Any], request: AuthorisedRequest) -> bool | str:
        if statement.get("Effect") != "Allow":
            return f"unsupported statement effect {statement.get('Effect')}"
        if not any(_matches(pattern, request.action, case=False) for pattern in _listed(statement["Action"])):
            return False
        if not any(_matches(self.resolve(pattern), request.resource) for pattern in _listed(statement["Resource"])):
            return False
        for operator, keys in statement.get("Condition", {}).items():
            if operator not in SUPPORTED_OPERATORS:
                return f"unsupported condition operator {operator} (teach tests/iam_calls.py)"
            for key, allowed in keys.items():
                if not _condition_holds(operator, request.context.get(key), _listed(allowed)):
                    return False
        return True


def _hash_key(key_schema: list[dict[str, str]]) -> str:
    return next(key["AttributeName"] for key in key_schema if key["KeyType"] == "HASH")


def table_arn(name: str) -> str:
    return f"arn:{PARTITION}:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


def secret_arn(name: str) -> str:
    return name if name.startswith("arn:") else f"arn:{PARTITION}:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}"


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(pattern: str, value: str, *, case: bool = True) -> bool:
    """IAM's wildcards: * any run of characters (slashes too), ? one character."""
    if not case:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern)


def _condition_holds(operator: str, values: list[str] | None, allowed: list[str]) -> bool:
    if operator == "StringEqualsIfExists":
        return values is None or all(value in allowed for value in values)
    if values is None:
        return True  # ForAllValues over a key the request does not have
    if operator == "ForAllValues:StringEquals":
        return all(value in allowed for value in values)
    if operator == "ForAllValues:StringNotLike":
        return not any(_matches(pattern, value) for pattern in allowed for value in values)
    return all(any(_matches(pattern, value) for pattern in allowed) for value in values)  # ForAllValues:StringLike


# --- a call as the requests IAM authorises ---


def authorised_requests(roles: Roles, service: str, operation: str, params: dict[str, Any]) -> list[AuthorisedRequest]:
    if service == "dynamodb":
        return _dynamodb_requests(roles, operation, params)
    if service == "ses" and operation in {"SendEmail", "SendRawEmail"}:
        source = str(params.get("Source", ""))
        resources = [f"arn:{PARTITION}:ses:{REGION}:{ACCOUNT}:identity/{source}"]
        if params.get("ConfigurationSetName"):
            resources.append(
                f"arn:{PARTITION}:ses:{REGION}:{ACCOUNT}:configuration-set/{params['ConfigurationSetName']}"
            )
        return [AuthorisedRequest(f"ses:{operation}", resource) for resource in resources]
    if service == "sqs" and "QueueUrl" in params:
        # https://sqs.<region>.amazonaws.com/<account>/<name> is arn:aws:sqs:<region>:<account>:<name>
        account, name = str(params["QueueUrl"]).rstrip("/").split("/")[-2:]
        return [AuthorisedRequest(f"sqs:{operation}", f"arn:{PARTITION}:sqs:{REGION}:{account}:{name}")]
    if service == "secretsmanager":
        return [AuthorisedRequest(f"secretsmanager:{operation}", secret_arn(str(params.get("SecretId", ""))))]
    if service == "ssm" and operation == "GetParametersByPath":
        return [
            AuthorisedRequest(
                "ssm:GetParametersByPath", f"arn:{PARTITION}:ssm:{REGION}:{ACCOUNT}:parameter{params['Path']}"
            )
        ]
    if service == "ssm" and operation in {"GetParameter", "GetParameters"}:
        names = params.get("Names") or [params.get("Name")]
        return [
            AuthorisedRequest(
                f"ssm:{operation}", f"arn:{PARTITION}:ssm:{REGION}:{ACCOUNT}:parameter/{str(n).lstrip('/')}"
            )
            for n in names
        ]
    return [AuthorisedRequest(f"{service}:{operation}", "*")]


def _dynamodb_requests(roles: Roles, operation: str, params: dict[str, Any]) -> list[AuthorisedRequest]:
    if operation == "TransactWriteItems":
        return [
            request
            for item in params["TransactItems"]
            for kind, body in item.items()
            for request in _dynamodb_requests(roles, _TRANSACT_ACTIONS[kind], body)
        ]
    if operation == "BatchGetItem":
        return [
            AuthorisedRequest(
                "dynamodb:BatchGetItem",
                table_arn(table),
                {"dynamodb:LeadingKeys": [_plain(key[roles.tables[table]]) for key in request["Keys"]]},
            )
            for table, request in params["RequestItems"].items()
        ]
    table = str(params["TableName"])
    resource = table_arn(table) + (f"/index/{params['IndexName']}" if params.get("IndexName") else "")
    hash_key = roles.indexes[(table, params["IndexName"])] if params.get("IndexName") else roles.tables[table]
    context: dict[str, list[str]] = {}
    if "Key" in params:
        context["dynamodb:LeadingKeys"] = [_plain(params["Key"][hash_key])]
    if "Item" in params:
        context["dynamodb:LeadingKeys"] = [_plain(params["Item"][hash_key])]
        context["dynamodb:Attributes"] = sorted(params["Item"])
    if operation == "Query":
        context["dynamodb:LeadingKeys"] = [_query_hash_value(params, hash_key)]
    if operation == "UpdateItem":
        names = _top_level_names(str(params.get("UpdateExpression", "")), params.get("ExpressionAttributeNames") or {})
        context["dynamodb:Attributes"] = sorted(set(params["Key"]) | names)
    if operation == "DeleteItem":
        context["dynamodb:Attributes"] = sorted(params["Key"])
    if params.get("ReturnValues"):
        context["dynamodb:ReturnValues"] = [str(params["ReturnValues"])]
    return [AuthorisedRequest(f"dynamodb:{operation}", resource, context)]


def _plain(value: Any) -> str:
    """A key value as given: plain Python (the functions' client) or DynamoDB's typed form."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in {"S", "N", "B"}:
        return str(next(iter(value.values())))
    return str(value)


def _query_hash_value(params: dict[str, Any], hash_key: str) -> str:
    names = {alias: name for alias, name in (params.get("ExpressionAttributeNames") or {}).items()}
    for left, placeholder in re.findall(r"(#?\w+)\s*=\s*(:\w+)", str(params.get("KeyConditionExpression", ""))):
        if names.get(left, left) == hash_key:
            return _plain(params["ExpressionAttributeValues"][placeholder])
    raise ValueError(f"a query without its partition key: {params.get('KeyConditionExpression')}")


def _top_level_names(expression: str, aliases: dict[str, str]) -> set[str]:
    """The top-level attributes an update expression names: the first element of every path in it."""
    found = set()
    for token in re.findall(r"(?<![.\w:#])#?[A-Za-z_]\w*", expression):
        if token in _UPDATE_KEYWORDS:
            continue
        found.add(aliases.get(token, token) if token.startswith("#") else token)
    return found


# --- recording, while the local stack serves a request ---


class CallChecker:
    """The hook on the functions' session: checks each call as it is made, keeps the refusals for the test."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.used: set[Grant] = set()  # the grants that allowed a call, since this process started
        self._lock = threading.Lock()

    @functools.cached_property
    def roles(self) -> Roles:
        return Roles(Template.load())

    def __call__(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        from devserver.server import serving_function

        function = serving_function.get()
        if function is None:
            return  # the local stack's own set-up, or a test's look into a table
        service, operation = model.service_model.service_name, model.name
        used: set[Grant] = set()
        try:
            requests = authorised_requests(self.roles, service, operation, copy.deepcopy(params))
            problems, used = self.roles.evaluate(function, requests)
        except (KeyError, ValueError) as error:
            problems = [f"{function}: cannot evaluate {service}:{operation}: {error!r}"]
        with self._lock:
            self.problems.extend(problems)
            self.used |= used

    def install(self) -> None:
        """On the functions' session, before any of its clients is made (a client copies its session's hooks)."""
        from devserver.local_aws import _function_session

        _function_session(REGION).events.register("before-parameter-build", self, unique_id=HOOK_ID)

    def take(self) -> list[str]:
        with self._lock:
            problems, self.problems = self.problems, []
        return problems


CHECKER = CallChecker()
