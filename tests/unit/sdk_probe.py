"""Where the AWS SDK would send the functions' requests, and what it would send, without sending anything.

    python tests/unit/sdk_probe.py requests [SDK_DIR]
    python tests/unit/sdk_probe.py models [SDK_DIR]

With SDK_DIR, its botocore comes first on sys.path (the layer's, cut: sdk_trim). `requests` prints a JSON list:
for each region, FIPS and dual-stack choice and call of CALLS, the request's method, URL, credential scope
(region and signing name), target and content type headers and body; or the error the SDK raised before
sending. `models` prints, for each operation of CALLS, what the SDK reads and writes by: the operation's
definition and every shape its input, output and errors reach (a response or an error is parsed by these),
without documentation."""

from __future__ import annotations

import json
import sys
from typing import Any

MESSAGE = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}
KEY = {"pk": {"S": "user#1"}}
QUEUE = "https://sqs.eu-north-1.amazonaws.com/123456789012/migris-mail-bulk"
PUT = {"Put": {"TableName": "t", "Item": KEY}}
# One call of every operation the layer keeps (sdk_trim.SERVICES), with the parameters' shapes the code uses.
CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("dynamodb", "get_item", {"TableName": "t", "Key": KEY, "ConsistentRead": True}),
    ("dynamodb", "put_item", {"TableName": "t", "Item": KEY, "ConditionExpression": "attribute_not_exists(pk)"}),
    (
        "dynamodb",
        "update_item",
        {
            "TableName": "t",
            "Key": KEY,
            "UpdateExpression": "SET #n = :v",
            "ExpressionAttributeNames": {"#n": "n"},
            "ExpressionAttributeValues": {":v": {"N": "1"}},
            "ReturnValues": "ALL_NEW",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        },
    ),
    ("dynamodb", "delete_item", {"TableName": "t", "Key": KEY}),
    (
        "dynamodb",
        "query",
        {
            "TableName": "t",
            "IndexName": "by_user",
            "KeyConditionExpression": "u = :u",
            "ExpressionAttributeValues": {":u": {"S": "1"}},
            "Limit": 5,
        },
    ),
    ("dynamodb", "batch_get_item", {"RequestItems": {"t": {"Keys": [KEY], "ConsistentRead": True}}}),
    # With its own token: botocore would make a random one.
    ("dynamodb", "transact_write_items", {"TransactItems": [PUT], "ClientRequestToken": "probe"}),
    ("dynamodb", "describe_endpoints", {}),
    ("secretsmanager", "get_secret_value", {"SecretId": "pepper"}),
    ("ses", "send_email", {"Source": "a@b.lt", "Destination": {"ToAddresses": ["c@d.lt"]}, "Message": MESSAGE}),
    ("sqs", "send_message", {"QueueUrl": QUEUE, "MessageBody": '{"id": "code-1"}'}),
    ("sqs", "get_queue_attributes", {"QueueUrl": QUEUE, "AttributeNames": ["ApproximateNumberOfMessages"]}),
]
REGIONS = ("eu-north-1", "eu-central-1", "us-east-1", "us-gov-west-1", "cn-north-1")
CHOICES = ((False, False), (True, False), (False, True), (True, True))  # (FIPS, dual-stack)


class _Sent(Exception):
    """Raised in place of sending: the request as the SDK built it."""

    def __init__(self, request: Any) -> None:
        self.request = request


def _stop(request: Any, **_: Any) -> None:
    raise _Sent(request)


def probe() -> list[dict[str, Any]]:
    import botocore.session
    from botocore.config import Config

    session = botocore.session.get_session()
    seen: list[dict[str, Any]] = []
    for region in REGIONS:
        for fips, dual_stack in CHOICES:
            config = Config(use_fips_endpoint=fips, use_dualstack_endpoint=dual_stack, retries={"max_attempts": 1})
            clients: dict[str, Any] = {}
            for service, operation, params in CALLS:
                where = {"region": region, "fips": fips, "dual_stack": dual_stack, "call": operation}
                try:
                    client = clients.get(service)
                    if client is None:
                        client = clients[service] = session.create_client(
                            service,
                            region_name=region,
                            aws_access_key_id="AKIDEXAMPLE",
                            aws_secret_access_key="secret",  # signs nothing that is sent
                            config=config,
                        )
                        client.meta.events.register("before-send", _stop)
                    getattr(client, operation)(**params)
                except _Sent as sent:
                    request = sent.request
                    authorization = str(request.headers["Authorization"])
                    scope = authorization.split("Credential=")[1].split(",")[0].split("/")[2:4]
                    body = request.body
                    seen.append(
                        {
                            **where,
                            "method": request.method,
                            "url": request.url,
                            "scope": scope,
                            "target": str(request.headers.get("X-Amz-Target", "")),
                            "content_type": str(request.headers.get("Content-Type", "")),
                            "body": body.decode() if isinstance(body, bytes) else str(body or ""),
                        }
                    )
                except Exception as error:  # the SDK refused: the refusal is compared
                    seen.append({**where, "error": type(error).__name__})
    return seen


def _shape(shape: Any, seen: set[str]) -> Any:
    """A shape as the SDK uses it: its type, its metadata (limits, required members, error codes) and its
    members, one level per shape name (recursive shapes, as DynamoDB's AttributeValue, are named once)."""
    if shape.name in seen:
        return shape.name
    seen = seen | {shape.name}
    described: dict[str, Any] = {"name": shape.name, "type": shape.type_name, "metadata": shape.metadata}
    described["serialization"] = shape.serialization
    if shape.type_name == "structure":
        described["members"] = {name: _shape(member, seen) for name, member in shape.members.items()}
    elif shape.type_name == "list":
        described["member"] = _shape(shape.member, seen)
    elif shape.type_name == "map":
        described["key"], described["value"] = _shape(shape.key, seen), _shape(shape.value, seen)
    return described


def models() -> dict[str, Any]:
    import botocore.session
    from botocore import xform_name

    session = botocore.session.get_session()
    described: dict[str, Any] = {}
    for service in sorted({service for service, _, _ in CALLS}):
        model = session.get_service_model(service)
        described[service] = {"metadata": model.metadata}
        for name in model.operation_names:
            if xform_name(name) not in {operation for kind, operation, _ in CALLS if kind == service}:
                continue
            operation = model.operation_model(name)
            spec = {key: value for key, value in operation._operation_model.items() if key != "documentation"}
            described[f"{service}:{name}"] = {
                "operation": spec,
                "input": _shape(operation.input_shape, set()) if operation.input_shape else None,
                "output": _shape(operation.output_shape, set()) if operation.output_shape else None,
                "errors": [_shape(error, set()) for error in operation.error_shapes],
            }
    return described


if __name__ == "__main__":
    mode, *sdk = sys.argv[1:]
    if sdk:
        sys.path.insert(0, sdk[0])
    print(json.dumps(probe() if mode == "requests" else models(), sort_keys=True, default=str))
