"""Amazon S3 Express One Zone: a region's directory buckets (AWS makes none by itself)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope
from bot.catalog.s3express import _bucket_console, zone_of

# Every directory bucket's name ends so: bucket-base-name--zone-id--x-s3.
DIRECTORY_SUFFIX = "--x-s3"


def _directory_buckets(scope: ScanScope) -> Iterator[Listed]:
    # The s3 client sends ListDirectoryBuckets to the region's s3express-control endpoint.
    for bucket in paged(scope.clients("s3"), "list_directory_buckets", "Buckets"):
        if bucket.get("BucketRegion") and bucket["BucketRegion"] != scope.region:
            continue  # listed where it lives
        name = bucket["Name"]
        if not name.endswith(DIRECTORY_SUFFIX):
            continue  # not a directory bucket (an S3 emulator may list general purpose buckets here too)
        zone = zone_of(name)
        yield Listed(
            import_id=name,
            name=name,
            arn=bucket.get("BucketArn") or scope.arn("s3express", f"bucket/{name}"),
            console_url=_bucket_console(scope.region, name),
            facts=(("zone", zone),) if zone else (),
        )


LISTERS = {
    # As the s3 client's calls are recorded; IAM authorizes this one as s3express:ListAllMyDirectoryBuckets.
    "aws_s3_directory_bucket": Lister(("s3:ListDirectoryBuckets",), _directory_buckets),
}
