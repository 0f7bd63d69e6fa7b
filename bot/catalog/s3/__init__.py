"""Amazon S3."""

from __future__ import annotations

import re
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, dig, first, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord

# The constraint S3 still accepts for Ireland from before regions had codes.
_LEGACY_CONSTRAINTS = {"EU": "eu-west-1"}
# The region an S3 endpoint host names: s3.<region>., s3-<region>., s3.dualstack.<region>., bucket.s3.<region>.
_HOST_REGION = re.compile(r"(?:^|\.)s3[.-](?:dualstack\.)?([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$")
# The global endpoints, and s3-external-1, serve us-east-1.
_HOST_US_EAST_1 = re.compile(r"(?:^|\.)s3(?:-external-1)?\.amazonaws\.com$")


def _host(request: dict[str, Any]) -> str:
    # Records spell the header Host (a string) or, in some producers' records, host (a list of one string).
    value = request.get("Host", request.get("host"))
    if isinstance(value, list):
        value = value[0] if value else ""
    return text(value).lower().split(":", 1)[0]


def _host_region(host: str) -> str:
    match = _HOST_REGION.search(host)
    if match:
        return match.group(1)
    return "us-east-1" if _HOST_US_EAST_1.search(host) else ""


def _region(record: CloudTrailRecord) -> str:
    """Where the bucket lives: the LocationConstraint asked for, else the region the request was served in (S3
    refuses a create without a constraint at another region's endpoint): the record's awsRegion, or for a record
    without one, the region its Host header's endpoint names."""
    constraint = text(dig(record.request, "CreateBucketConfiguration", "LocationConstraint"))
    return (
        _LEGACY_CONSTRAINTS.get(constraint, constraint)
        or record.aws_region
        or _host_region(_host(record.request))
        or region_of(record)
    )


def _tags(request: dict[str, Any]) -> dict[str, str]:
    # The XML body's <Tags><Tag>...</Tag></Tags> reaches the record as {"Tag": [...]}, or {"Tag": {...}} when there
    # is one tag; a JSON rendering of the API model gives the list itself.
    tags = dig(request, "CreateBucketConfiguration", "Tags")
    if isinstance(tags, dict) and isinstance(tags.get("Tag"), dict):
        tags = [tags["Tag"]]
    return tags_from_pairs(tags, "Key", "Value")


def _bucket(record: CloudTrailRecord) -> list[Found]:
    # CloudTrail spells the bucket bucketName; Bucket is the API model's name for the same member.
    name = need(
        first((text(record.request.get("bucketName")), text(record.request.get("Bucket")))),
        "requestParameters.bucketName",
    )
    region = _region(record)
    return [
        Found(
            import_id=name,
            name=name,
            arn=_arn.global_arn(record, "s3", name),
            console_url=console(region, f"s3/buckets/{q(name)}?region={q(region)}", subdomain="s3"),
            tags=_tags(record.request),
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
