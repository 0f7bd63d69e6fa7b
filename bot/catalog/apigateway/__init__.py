"""Amazon API Gateway REST APIs (v1)."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, dig, first, need, q, region_of, tags_from_map, text
from bot.events import CloudTrailRecord


def _rest_api(record: CloudTrailRecord) -> list[Found]:
    # API Gateway assigns the ID; only the response has it.
    api_id = need(record.response.get("id"), "responseElements.id")
    name = first((text(record.response.get("name")), text(dig(record.request, "createRestApiInput", "name"))))
    region = region_of(record)
    tags = tags_from_map(dig(record.request, "createRestApiInput", "tags")) or tags_from_map(
        record.response.get("tags")
    )
    return [
        Found(
            import_id=api_id,
            name=name or api_id,
            # API Gateway resource ARNs carry no account.
            arn=f"arn:{_arn.partition(region)}:apigateway:{region}::/restapis/{api_id}" if record.aws_region else "",
            console_url=console(
                region, f"apigateway/main/apis/{q(api_id)}/resources?api={q(api_id)}&region={q(region)}"
            ),
            tags=tags,
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_api_gateway_rest_api",
        label="API Gateway REST API",
        service="apigateway",
        event_source="apigateway.amazonaws.com",
        # ImportRestApi creates a new REST API from an OpenAPI definition.
        create_events=("CreateRestApi", "ImportRestApi"),
        delete_events=("DeleteRestApi",),
        resolve=_rest_api,
        import_id_format="REST API ID: `terraform import aws_api_gateway_rest_api.example 12345abcde`",
        # Its resources, methods and stages are configuration; an API stores no data of its own.
        loses_data=False,
    ),
)
