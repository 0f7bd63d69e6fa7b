"""Deleting S3 buckets: only an empty one unless the person confirmed emptying it."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_bucket(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    s3 = aws("s3")
    bucket = req.import_id
    first = call(s3.list_object_versions, Bucket=bucket, MaxKeys=1)
    if (first.get("Versions") or first.get("DeleteMarkers")) and not req.confirm_empty:
        raise DeleteRefused(f"bucket {bucket} is not empty; confirm emptying it to delete its objects too")
    removed = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        batch = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                 for v in (*page.get("Versions", []), *page.get("DeleteMarkers", []))]
        for start in range(0, len(batch), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": batch[start : start + 1000], "Quiet": True})
        removed += len(batch)
    call(s3.delete_bucket, Bucket=bucket)
    return DeleteOutcome(f"Deleted bucket {bucket}" + (f" and {removed} object version(s)." if removed else "."))


EXECUTORS = {
    "aws_s3_bucket": delete_bucket,
}
