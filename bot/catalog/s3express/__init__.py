"""Amazon S3 Express One Zone directory buckets.

A package of its own rather than part of bot/catalog/s3: CloudTrail records directory bucket calls with their own
event source (s3express.amazonaws.com, where general purpose buckets are s3.amazonaws.com), the calls go to the
Regional s3express-control endpoint and the Zonal ones, and the provider models them as a type of its own.
"""

from __future__ import annotations

import re

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, ExtractError, Found, console, first, need, q, region_of, text
from bot.events import CloudTrailRecord

# <base name>--<zone ID>--x-s3: a directory bucket's name always carries its Availability or Local Zone ID.
NAME = re.compile(r"^(?P<base>.+)--(?P<zone>[a-z0-9-]+?)--x-s3$")


def zone_of(bucket: str) -> str:
    match = NAME.match(bucket)
    return match.group("zone") if match else ""


def _bucket_console(region: str, bucket: str) -> str:
    return console(region, f"s3/buckets/{q(bucket)}?region={q(region)}&bucketType=directory&tab=objects")


def _directory_bucket(record: CloudTrailRecord) -> list[Found]:
    request = record.request
    bucket = need(first(text(request.get(key)) for key in ("bucketName", "BucketName", "bucket", "Bucket")),
                  "requestParameters.bucketName")
    if not zone_of(bucket):
        # The s3express source serves directory buckets only, whose names AWS requires to end so.
        raise ExtractError(f"requestParameters.bucketName {bucket!r} is not a directory bucket name "
                           "(<name>--<zone ID>--x-s3)")
    resources = record.raw.get("resources")
    arn = first(text(item.get("ARN")) for item in (resources if isinstance(resources, list) else ())
                if isinstance(item, dict) and item.get("type") == "AWS::S3Express::DirectoryBucket")
    if not arn:
        # arn:<partition>:s3express:<region>:<account>:bucket/<name>
        arn = _arn.build(record, "s3express", f"bucket/{bucket}")
    region = region_of(record)
    return [
        Found(
            import_id=bucket,
            name=bucket,
            arn=arn,
            console_url=_bucket_console(region, bucket),
            # CreateBucket for a directory bucket takes no tags.
            tags={},
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_s3_directory_bucket",
        label="S3 directory bucket",
        service="s3",
        event_source="s3express.amazonaws.com",
        create_events=("CreateBucket",),
        delete_events=("DeleteBucket",),
        resolve=_directory_bucket,
        import_id_format="bucket name: `terraform import aws_s3_directory_bucket.example example--usw2-az1--x-s3`",
        # Its objects are in no Terraform definition.
        loses_data=True,
    ),
)
