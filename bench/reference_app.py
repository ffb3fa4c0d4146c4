"""The reference for the cold start: a minimal Powertools handler (a resolver with validation, Logger, Metrics,
one DynamoDB PutItem), served its first request the same way as the service's handlers (bench/cold.py)."""

from __future__ import annotations

import os
import uuid
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

logger = Logger()
metrics = Metrics()
app = APIGatewayRestResolver(enable_validation=True)
dynamodb = boto3.client("dynamodb")
TABLE = os.environ["CODES_TABLE"]


class StartRequest(BaseModel):
    email: str
    language: str | None = None


@app.post("/login/email")
def start(body: StartRequest) -> tuple[dict[str, Any], int]:
    key = f"reference#{uuid.uuid4()}"
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": key}, "email": {"S": body.email}})
    metrics.add_metric(name="ReferenceStarted", unit=MetricUnit.Count, value=1)
    return {"id": key}, 202


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
