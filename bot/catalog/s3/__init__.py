"""Amazon S3."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, dig, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord


def _bucket(record: CloudTrailRecord) -> list[Found]:
    name = need(record.request.get("bucketName"), "requestParameters.bucketName")
    region = text(dig(record.request, "CreateBucketConfiguration", "LocationConstraint")) or region_of(record)
    tags = tags_from_pairs(dig(record.request, "CreateBucketConfiguration", "Tags"), "Key", "Value")
    return [
        Found(
            import_id=name,
            name=name,
            arn=_arn.global_arn(record, "s3", name),
            console_url=console(region, f"s3/buckets/{q(name)}?region={q(region)}", subdomain="s3"),
            tags=tags,
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_s3_bucket",
        label="S3 bucket",
        service="s3",
        event_source="s3.amazonaws.com",
        create_events=("CreateBucket",),
        delete_events=("DeleteBucket",),
        resolve=_bucket,
        import_id_format="bucket name: `terraform import aws_s3_bucket.bucket bucket-name`",
        loses_data=True,
    ),
)
