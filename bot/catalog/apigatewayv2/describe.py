"""Amazon API Gateway v2 APIs: the API's own settings (routes, integrations and stages are resources of their own)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, sorted_strings
from bot.catalog.apigatewayv2 import request_body
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

# The selection expressions API Gateway and the provider use where none is given, by protocol.
_ROUTE_SELECTION = {"HTTP": "$request.method $request.path"}
_KEY_SELECTION = "$request.header.x-api-key"


def _cors(cors: Any) -> dict[str, Any] | None:
    if not isinstance(cors, Mapping) or not cors:
        return None
    return {
        "allow_credentials": True if cors.get("AllowCredentials") else None,
        "allow_headers": sorted_strings(cors.get("AllowHeaders")),
        "allow_methods": sorted_strings(cors.get("AllowMethods")),
        "allow_origins": sorted_strings(cors.get("AllowOrigins")),
        "expose_headers": sorted_strings(cors.get("ExposeHeaders")),
        "max_age": cors.get("MaxAge") or None,
    }


def _api_args(api: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    protocol = api.get("ProtocolType")
    route_selection = api.get("RouteSelectionExpression")
    key_selection = api.get("ApiKeySelectionExpression")
    return {
        "name": api.get("Name"),
        "protocol_type": protocol,
        "description": api.get("Description") or None,
        "route_selection_expression": route_selection
        if route_selection and route_selection != _ROUTE_SELECTION.get(str(protocol)) else None,
        "api_key_selection_expression": key_selection if key_selection and key_selection != _KEY_SELECTION else None,
        "disable_execute_api_endpoint": True if api.get("DisableExecuteApiEndpoint") else None,
        "version": api.get("Version") or None,
        "cors_configuration": _cors(api.get("CorsConfiguration")),
        "tags": clean_tags(tags),
    }


def _describe_api(clients: Clients, resource: Resource) -> Model:
    api = clients("apigatewayv2").get_api(ApiId=resource.import_id)
    return Model(args=_api_args(api, api.get("Tags") or {}))


def _recase(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k[:1].upper() + k[1:]: v for k, v in value.items() if k}
    return value


def _api_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(request_body(record)) if record is not None else {}
    request.setdefault("Name", resource.name)
    request["CorsConfiguration"] = _recase(request.get("CorsConfiguration"))
    return Model(args=_api_args(request, resource.tags))


CODEGEN = (TypeCodegen("aws_apigatewayv2_api", _describe_api, _api_from_event),)
