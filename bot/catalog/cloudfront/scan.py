"""Amazon CloudFront: the account's distributions, listed once per account (CloudFront is global)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.catalog.base import LISTS_PER_ACCOUNT, Listed, Lister, ScanScope, first
from bot.catalog.cloudfront import _distribution_console

# Where CloudTrail records CloudFront's calls, so where an event-detected distribution is placed.
_REGION = "us-east-1"
# A fact shows the origins' domain names up to this length.
_FACT_CHARS = 80


def _items(holder: Any) -> list[Any]:
    """The Items of CloudFront's {Quantity, Items} lists (Items is left out where Quantity is 0)."""
    found = holder.get("Items") if isinstance(holder, dict) else None
    return found if isinstance(found, list) else []


def _distributions(scope: ScanScope) -> Iterator[Listed]:
    # AWS makes no distribution in an account by itself (Amplify Hosting's and the like live in AWS's accounts).
    for page in scope.clients("cloudfront").get_paginator("list_distributions").paginate():
        for distribution in _items(page.get("DistributionList")):
            distribution_id = distribution["Id"]
            aliases = [a for a in _items(distribution.get("Aliases")) if isinstance(a, str)]
            domain = str(distribution.get("DomainName") or "")
            facts = [("state", "enabled" if distribution.get("Enabled") else "disabled")]
            if distribution.get("Status"):
                facts.append(("status", str(distribution["Status"])))
            if domain:
                facts.append(("domain", domain))
            origins = ", ".join(str(o.get("DomainName", "")) for o in _items(distribution.get("Origins")))
            if origins:
                facts.append(("origins", origins if len(origins) <= _FACT_CHARS else origins[: _FACT_CHARS - 1] + "…"))
            if distribution.get("PriceClass"):
                facts.append(("price class", str(distribution["PriceClass"])))
            yield Listed(
                import_id=distribution_id,
                # As the resolver names it: its first alternate domain name, else its cloudfront.net name.
                name=first((*aliases, domain, distribution_id)),
                arn=distribution.get("ARN") or scope.arn("cloudfront", f"distribution/{distribution_id}",
                                                         regional=False),
                console_url=_distribution_console(scope.region, distribution_id),
                facts=tuple(facts),
                region=_REGION,
            )


LISTERS = {
    "aws_cloudfront_distribution": Lister(("cloudfront:ListDistributions",), _distributions, per=LISTS_PER_ACCOUNT),
}
