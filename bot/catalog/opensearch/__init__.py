"""Amazon OpenSearch Service domains, made through the OpenSearch API or the older Elasticsearch API."""

from __future__ import annotations

from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, dig, first, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord


def _status(response: Any) -> dict[str, Any]:
    """The created domain: CloudTrail writes it under domainStatus (DomainStatus in the API's own casing)."""
    for key in ("domainStatus", "DomainStatus"):
        inner = dig(response, key)
        if isinstance(inner, dict):
            return inner
    return response if isinstance(response, dict) else {}


def _console(region: str, name: str) -> str:
    return console(region, f"aos/home?region={q(region)}#opensearch/domains/{q(name)}")


def _domain(record: CloudTrailRecord) -> list[Found]:
    status = _status(record.response)
    name = need(
        first((text(status.get("domainName")), text(status.get("DomainName")),
               text(record.request.get("domainName")), text(record.request.get("DomainName")))),
        "requestParameters.domainName",
    )
    region = region_of(record)
    tags = (tags_from_pairs(record.request.get("tagList")) or tags_from_pairs(record.request.get("TagList"))
            or tags_from_pairs(record.request.get("tags")))
    return [
        Found(
            import_id=name,
            name=name,
            # CloudTrail camel-cases the response's ARN field as "aRN".
            arn=first(text(status.get(key)) for key in ("aRN", "arn", "ARN"))
            or _arn.build(record, "es", f"domain/{name}"),
            console_url=_console(region, name),
            tags=tags,
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_opensearch_domain",
        label="OpenSearch domain",
        service="opensearch",
        event_source="es.amazonaws.com",
        # CreateElasticsearchDomain is the older Elasticsearch API's name for the same call; the provider's type
        # manages domains of both engines.
        create_events=("CreateDomain", "CreateElasticsearchDomain"),
        delete_events=("DeleteDomain", "DeleteElasticsearchDomain"),
        resolve=_domain,
        import_id_format="domain name: `terraform import aws_opensearch_domain.example domain_name`",
        loses_data=True,
    ),
)
