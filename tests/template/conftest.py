from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from devserver.template import load_template


@pytest.fixture(scope="session")
def sam_template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="session")
def cfn(sam_template) -> dict[str, Any]:
    """template.yaml translated offline to plain CloudFormation, as SAM deploys it. Our policies name no AWS
    managed policy, so the translator needs no map of them (and no AWS account)."""
    packaged = copy.deepcopy(sam_template)
    for logical_id, resource in packaged["Resources"].items():
        # As `sam package` would: local code folders become S3 locations.
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = f"s3://artifacts/{logical_id}.zip"
    translator = Translator({}, Parser(), boto_session=boto3.session.Session(region_name="eu-north-1"))
    return translator.translate(packaged, parameter_values={}, get_managed_policy_map=dict)
