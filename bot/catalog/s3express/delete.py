"""Deleting S3 directory buckets: only an empty one unless the person confirmed emptying it."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_directory_bucket(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    s3 = aws("s3")
    bucket = req.import_id
    deleted = 0
    while True:
        # Directory buckets list objects in no particular order and without versions; a page is at most 1,000.
        listed = call(s3.list_objects_v2, Bucket=bucket).get("Contents") or []
        if not listed:
            break
        if not req.confirm_empty:
            raise DeleteRefused(f"directory bucket {bucket} still holds objects; confirm emptying it to delete them "
                                "too")
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": o["Key"]} for o in listed], "Quiet": True})
        deleted += len(listed)
    call(s3.delete_bucket, Bucket=bucket)
    return DeleteOutcome(f"Deleted directory bucket {bucket}" + (f" and {deleted} object(s)." if deleted else "."))


EXECUTORS = {
    "aws_s3_directory_bucket": delete_directory_bucket,
}
