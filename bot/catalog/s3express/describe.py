"""Amazon S3 directory buckets: the bucket's name and location (its objects are data, never code)."""

from __future__ import annotations

from typing import Any

from bot.catalog._describe import optional
from bot.catalog.base import dig
from bot.catalog.s3express import zone_of
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_DEFAULT_TYPE = "AvailabilityZone"
# The redundancy each location type has by default (the provider's and AWS's).
_DEFAULT_REDUNDANCY = {"AvailabilityZone": "SingleAvailabilityZone", "LocalZone": "SingleLocalZone"}


def _bucket_args(bucket: str, zone: Any, kind: Any, redundancy: Any) -> dict[str, Any]:
    kind = kind or _DEFAULT_TYPE
    return {
        "bucket": bucket,
        "location": {"name": zone or zone_of(bucket), "type": kind if kind != _DEFAULT_TYPE else None},
        "data_redundancy": redundancy if redundancy and redundancy != _DEFAULT_REDUNDANCY.get(str(kind)) else None,
    }


def _describe_bucket(clients: Clients, resource: Resource) -> Model:
    s3 = clients("s3")
    # HeadBucket on a directory bucket names its location; botocore sends it to the bucket's Zonal endpoint.
    head = optional(s3.head_bucket, "404", "NoSuchBucket", Bucket=resource.import_id)
    if head is None:
        raise NotFound(f"directory bucket {resource.import_id} does not exist")
    return Model(args=_bucket_args(resource.import_id, head.get("BucketLocationName"), head.get("BucketLocationType"),
                                   None))


def _bucket_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    configuration = request.get("CreateBucketConfiguration") or request.get("createBucketConfiguration") or {}
    location = dig(configuration, "Location") or dig(configuration, "location") or {}
    bucket = dig(configuration, "Bucket") or dig(configuration, "bucket") or {}
    return Model(args=_bucket_args(resource.import_id, dig(location, "Name") or dig(location, "name"),
                                   dig(location, "Type") or dig(location, "type"),
                                   dig(bucket, "DataRedundancy") or dig(bucket, "dataRedundancy")))


CODEGEN = (TypeCodegen("aws_s3_directory_bucket", _describe_bucket, _bucket_from_event),)
