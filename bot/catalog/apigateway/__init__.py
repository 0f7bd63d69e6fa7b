"""Amazon API Gateway REST APIs (v1)."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    Located,
    Lookup,
    console,
    dig,
    first,
    q,
    region_of,
    tags_from_map,
    text,
)
from bot.catalog.template_input import Clients, NotFound
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _rest_api(record: CloudTrailRecord) -> list[Found]:
    # API Gateway assigns the ID; only the response has it. Without a response the name in the request is all there
    # is, and GetRestApis finds the ID when exactly one API has that name (_locate). Console records wrap the
    # request in createRestApiInput; older SDK records put name and tags at the top.
    api_id = text(record.response.get("id"))
    name = first((text(record.response.get("name")), text(dig(record.request, "createRestApiInput", "name")),
                  text(record.request.get("name"))))
    if not api_id and not name:
        raise ExtractError("the record has neither responseElements.id nor the API's name")
    region = region_of(record)
    tags = (tags_from_map(dig(record.request, "createRestApiInput", "tags"))
            or tags_from_map(record.request.get("tags")) or tags_from_map(record.response.get("tags")))
    return [
        Found(
            import_id=api_id,
            name=name or api_id,
            # API Gateway resource ARNs carry no account.
            arn=_rest_api_arn(region, api_id) if record.aws_region and api_id else "",
            console_url=_console_url(region, api_id),
            tags=tags,
        )
    ]


def _console_url(region: str, api_id: str) -> str:
    return console(region, f"apigateway/main/apis/{q(api_id)}/resources?api={q(api_id)}&region={q(region)}")


def _rest_api_arn(region: str, api_id: str) -> str:
    return f"arn:{_arn.partition(region)}:apigateway:{region}::/restapis/{api_id}"


def _locate(clients: Clients, resource: Resource) -> Located:
    ids = [api["id"] for page in clients("apigateway").get_paginator("get_rest_apis").paginate()
           for api in page.get("items", ()) if api.get("name") == resource.name]
    if len(ids) != 1:
        raise NotFound(f"{len(ids)} REST APIs are named {resource.name!r}, so the name does not tell which one")
    return Located(import_id=ids[0], arn=_rest_api_arn(resource.region, ids[0]))


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
        lookup=Lookup("apigateway:GetRestApis", _locate),
    ),
)
