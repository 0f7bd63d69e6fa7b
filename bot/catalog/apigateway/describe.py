"""Amazon API Gateway REST APIs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _api_args(api: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    types = sorted_strings(dig(api, "endpointConfiguration", "types"))
    source = api.get("apiKeySource")
    return {
        "name": api.get("name"),
        "description": api.get("description") or None,
        "api_key_source": source if source not in (None, "HEADER") else None,
        # A list to the provider: in AWS's order, which a sorted copy would show as a change.
        "binary_media_types": [str(kind) for kind in api.get("binaryMediaTypes") or () if kind],
        "disable_execute_api_endpoint": True if api.get("disableExecuteApiEndpoint") else None,
        "endpoint_types": types,
        "tags": clean_tags(tags),
    }


def _describe_api(clients: Clients, resource: Resource) -> Model:
    api = clients("apigateway").get_rest_api(restApiId=resource.import_id)
    return Model(args=_api_args(api, api.get("tags") or {}))


def _api_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = dig(record.request, "createRestApiInput") if record is not None else None
    api = {**(request or {}), **(record.response if record is not None else {})}
    api["name"] = api.get("name") or resource.name
    return Model(args=_api_args(api, resource.tags))


CODEGEN = (TypeCodegen("aws_api_gateway_rest_api", _describe_api, _api_from_event),)
