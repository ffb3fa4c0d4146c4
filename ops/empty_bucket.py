"""`python -m ops.empty_bucket <bucket>`: delete every version and delete marker of a versioned bucket (the page
bucket, WebBucketName), so that deleting the stack can delete the bucket.

`aws s3 rm --recursive` is not enough: on a versioned bucket it only adds a delete marker over each file, the
versions stay, and CloudFormation's delete of a bucket that still holds any fails (DELETE_FAILED)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import boto3

BATCH = 1000  # DeleteObjects takes at most 1000 keys a call


def empty(s3: Any, bucket: str) -> int:
    """Delete every object version and delete marker of `bucket`; the number deleted. Each round lists from the
    start again (a page's markers would name versions just deleted) until nothing is left."""
    deleted = 0
    while True:
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=BATCH)
        entries = [
            {"Key": entry["Key"], "VersionId": entry["VersionId"]}
            for kind in ("Versions", "DeleteMarkers")
            for entry in page.get(kind, [])
        ][:BATCH]
        if not entries:
            return deleted
        answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": entries, "Quiet": True})
        if answer.get("Errors"):
            first = answer["Errors"][0]
            raise RuntimeError(f"{len(answer['Errors'])} not deleted, e.g. {first['Key']}: {first['Code']}")
        deleted += len(entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.empty_bucket", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("bucket", help="the bucket's name (the stack's WebBucketName output)")
    parser.add_argument("--region", help="the stack's region (default: your AWS configuration's)")
    args = parser.parse_args(argv)
    s3 = boto3.client("s3", region_name=args.region)
    print(f"{args.bucket}: {empty(s3, args.bucket)} versions and delete markers deleted", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
