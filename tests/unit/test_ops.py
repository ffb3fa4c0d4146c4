"""The runbook's own commands (ops/): a lost stack comes back by importing what it kept before anything else is
made, and the versioned page bucket is emptied of every version so the stack can be deleted (issue 24)."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from devserver.template import load_template
from ops import empty_bucket
from ops.import_retained import RETAINED, import_template, main, resources_to_import


@pytest.fixture
def s3():
    with mock_aws():
        yield boto3.client("s3", region_name="eu-north-1")


def _versioned_bucket_with_history(s3) -> str:
    bucket = "migris-signin-webbucket-1"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for release in range(3):  # three page deploys: each file has three versions
        for name in ("index.html", "app.js", "style.css"):
            s3.put_object(Bucket=bucket, Key=name, Body=f"release {release}".encode())
    s3.delete_object(Bucket=bucket, Key="style.css")  # `aws s3 sync --delete`: a delete marker, versions stay
    return bucket


def test_a_plain_delete_leaves_the_versions_and_the_bucket_cannot_go(s3):
    bucket = _versioned_bucket_with_history(s3)
    for name in ("index.html", "app.js"):  # what `aws s3 rm --recursive` does
        s3.delete_object(Bucket=bucket, Key=name)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    with pytest.raises(s3.exceptions.ClientError, match="BucketNotEmpty"):
        s3.delete_bucket(Bucket=bucket)


def test_emptying_deletes_every_version_and_delete_marker_page_by_page(s3, monkeypatch):
    bucket = _versioned_bucket_with_history(s3)
    monkeypatch.setattr(empty_bucket, "BATCH", 4)  # several pages and several DeleteObjects calls
    assert empty_bucket.empty(s3, bucket) == 9 + 1
    listing = s3.list_object_versions(Bucket=bucket)
    assert not listing.get("Versions") and not listing.get("DeleteMarkers")
    s3.delete_bucket(Bucket=bucket)  # what CloudFormation does with the stack


def test_the_import_holds_every_kept_table_and_every_kept_name_of_the_stacks_own():
    """A table kept when the stack goes holds data the new stack must use; a kept resource named after the stack
    would make the new stack's create fail. Both kinds are imported, nothing else can be."""
    document = load_template()
    kept = {
        name
        for name, resource in document["Resources"].items()
        if str(resource.get("DeletionPolicy", "")).startswith("Retain")
        and (
            resource["Type"] == "AWS::DynamoDB::Table"
            or (resource["Type"] == "AWS::Logs::LogGroup" and "LogGroupName" in resource["Properties"])
        )
    }
    assert set(RETAINED) == kept


def test_the_import_template_is_those_resources_as_the_template_defines_them(tmp_path):
    document = load_template()
    template = import_template(document, list(RETAINED))
    assert template["Resources"] == {name: document["Resources"][name] for name in RETAINED}
    assert set(template["Parameters"]) == {"EnableWaf", "LogRetentionDays"}
    assert template["Conditions"] == {"WafEnabled": document["Conditions"]["WafEnabled"]}
    for resource in template["Resources"].values():
        assert resource["DeletionPolicy"] == "RetainExceptOnCreate"  # an import needs one
    # The operator's command writes both files of the change set.
    assert main(["--out", str(tmp_path), "AccountsTable=migris-signin-AccountsTable-1A2B", "WafBlockedLogs=x"]) == 0
    written = json.loads((tmp_path / "import-template.json").read_text())
    assert set(written["Resources"]) == {"AccountsTable", "WafBlockedLogs"}
    assert json.loads((tmp_path / "resources-to-import.json").read_text()) == [
        {
            "ResourceType": "AWS::DynamoDB::Table",
            "LogicalResourceId": "AccountsTable",
            "ResourceIdentifier": {"TableName": "migris-signin-AccountsTable-1A2B"},
        },
        {
            "ResourceType": "AWS::Logs::LogGroup",
            "LogicalResourceId": "WafBlockedLogs",
            "ResourceIdentifier": {"LogGroupName": "x"},
        },
    ]


def test_a_resource_that_names_another_cannot_be_imported_alone():
    document = load_template()
    keyed = {  # a table encrypted with a key of the stack: the import could not make the key
        "Parameters": {},
        "Resources": {
            "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Retain",
                "Properties": {"SSESpecification": {"KMSMasterKeyId": {"Ref": "Key"}}},
            },
        },
    }
    with pytest.raises(ValueError, match="outside the import"):
        import_template(keyed, ["Table"])
    del keyed["Resources"]["Table"]["DeletionPolicy"]
    with pytest.raises(ValueError, match="needs a DeletionPolicy"):
        import_template(keyed, ["Table"])
    with pytest.raises(ValueError, match="cannot import"):
        import_template(document, ["ViispOutboundAddressAllocation"])
    assert resources_to_import(document, {"AuditTable": "t"})[0]["ResourceIdentifier"] == {"TableName": "t"}


def test_only_kept_resources_are_taken(capsys):
    with pytest.raises(SystemExit):
        main(["--out", "/tmp/unused", "CodesTable=migris-signin-CodesTable-1"])  # made anew, never imported
    assert "LogicalId one of" in capsys.readouterr().err
