"""Amazon CloudFront distributions."""

from __future__ import annotations

from typing import Any

from bot.catalog import _arn
from bot.catalog._describe import items
from bot.catalog.base import CatalogEntry, ExtractError, Found, console, dig, first, region_of, text
from bot.events import CloudTrailRecord

# CloudTrail has named CloudFront's calls with the API version appended (CreateDistribution2017_03_25) and, since
# the 2020-05-31 API, without it (the version moved to the record's apiVersion field): both are listed.
_API_VERSIONS = ("2016_09_29", "2016_11_25", "2017_03_25", "2017_10_30", "2018_06_18", "2018_11_05", "2019_03_26",
                 "2020_05_31")
CREATE_EVENTS = tuple(
    f"{name}{version}"
    for name in ("CreateDistribution", "CreateDistributionWithTags")
    for version in ("", *_API_VERSIONS)
)


def distribution_config(request: Any) -> dict[str, Any]:
    """The DistributionConfig of either request shape (with or without tags), in any spelling."""
    with_tags = dig(request, "distributionConfigWithTags") or dig(request, "DistributionConfigWithTags") or {}
    for holder in (with_tags, request):
        config = dig(holder, "distributionConfig") or dig(holder, "DistributionConfig")
        if isinstance(config, dict):
            return config
    return {}


def request_tags(request: Any) -> dict[str, str]:
    with_tags = dig(request, "distributionConfigWithTags") or dig(request, "DistributionConfigWithTags") or {}
    tags: dict[str, str] = {}
    for pair in items(dig(with_tags, "tags") or dig(with_tags, "Tags")):
        key = pair.get("key", pair.get("Key")) if isinstance(pair, dict) else None
        if isinstance(key, str):
            value = pair.get("value", pair.get("Value"))
            tags[key] = value if isinstance(value, str) else ""
    return tags


def _distribution_console(region: str, distribution_id: str) -> str:
    """CloudFront is global: its console has no regional host."""
    return console(region, f"cloudfront/v4/home#/distributions/{distribution_id}", subdomain="")


def _distribution(record: CloudTrailRecord) -> list[Found]:
    response = record.response
    distribution = dig(response, "distribution") or dig(response, "Distribution") or {}
    distribution_id = first(text(dig(distribution, key)) for key in ("id", "Id"))
    if not distribution_id:
        # The Location header CloudTrail keeps ends in the ID: https://cloudfront.amazonaws.com/<version>/distribution/<id>
        location = first(text(dig(response, key)) for key in ("location", "Location"))
        distribution_id = location.rsplit("/distribution/", 1)[-1] if "/distribution/" in location else ""
    if not distribution_id:
        raise ExtractError("the record has no responseElements.distribution.id")
    arn = first(text(dig(distribution, key)) for key in ("aRN", "arn", "ARN"))
    if not arn and record.account_id:
        arn = _arn.global_arn(record, "cloudfront", f"distribution/{distribution_id}", record.account_id)
    config = distribution_config(record.request)
    aliases = [a for a in items(dig(config, "aliases") or dig(config, "Aliases")) if isinstance(a, str)]
    domain = first(text(dig(distribution, key)) for key in ("domainName", "DomainName"))
    return [
        Found(
            import_id=distribution_id,
            # People know a distribution by its first alternate domain name, else by its cloudfront.net name.
            name=first((*aliases, domain, distribution_id)),
            arn=arn,
            console_url=_distribution_console(region_of(record), distribution_id),
            tags=request_tags(record.request),
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_cloudfront_distribution",
        label="CloudFront distribution",
        service="cloudfront",
        event_source="cloudfront.amazonaws.com",
        create_events=CREATE_EVENTS,
        delete_events=tuple(f"DeleteDistribution{version}" for version in ("", *_API_VERSIONS)),
        resolve=_distribution,
        import_id_format="distribution ID: `terraform import aws_cloudfront_distribution.distribution E74FTE3EXAMPLE`",
        # A distribution holds configuration and a cache; its content stays at the origins.
        loses_data=False,
    ),
)
