"""Amazon S3: every general purpose bucket of the account, from the one listing that answers for every region."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.base import LISTS_PER_ACCOUNT, Listed, Lister, ScanScope, console, q
from bot.catalog.s3 import _LEGACY_CONSTRAINTS

# ListBuckets' largest page.
BUCKETS_PER_PAGE = 10_000


def _buckets(scope: ScanScope) -> Iterator[Listed]:
    s3 = scope.clients("s3")
    # A request with a parameter (MaxBuckets, here the page size) is answered with each bucket's region
    # (BucketRegion, since 2024), which saves a GetBucketLocation per bucket; an endpoint that leaves it out gets one.
    for bucket in paged(s3, "list_buckets", "Buckets", PaginationConfig={"PageSize": BUCKETS_PER_PAGE}):
        name = bucket["Name"]
        region = bucket.get("BucketRegion") or _location(s3, name)
        yield Listed(
            import_id=name,
            name=name,
            arn=f"arn:{scope.partition}:s3:::{name}",
            console_url=console(region, f"s3/buckets/{q(name)}?region={q(region)}", subdomain="s3"),
            region=region,
        )


def _location(s3: object, name: str) -> str:
    constraint = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"  # type: ignore[attr-defined]
    return _LEGACY_CONSTRAINTS.get(constraint, constraint)


LISTERS = {
    "aws_s3_bucket": Lister(("s3:ListBuckets", "s3:GetBucketLocation"), _buckets, per=LISTS_PER_ACCOUNT,
                            regional_items=True),
}
