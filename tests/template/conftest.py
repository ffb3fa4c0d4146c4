from __future__ import annotations

from typing import Any

import pytest

from devserver.template import load_template
from tests.iam_calls import sam_translated


@pytest.fixture(scope="session")
def sam_template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="session")
def cfn(sam_template) -> dict[str, Any]:
    """template.yaml translated offline to plain CloudFormation, as SAM deploys it."""
    return sam_translated(sam_template)
