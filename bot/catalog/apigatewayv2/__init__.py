"""Amazon API Gateway v2 APIs: HTTP and WebSocket APIs (REST APIs are bot/catalog/apigateway's)."""

from __future__ import annotations

from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, ExtractError, Found, console, first, q, region_of, tags_from_map, text
from bot.events import CloudTrailRecord


def _body(value: Any, *wrappers: str) -> dict[str, Any]:
    """A request or response, unwrapped where a producer nests it (createApiInput, CreateApiResponse...)."""
    if not isinstance(value, dict):
        return {}
    for wrapper in wrappers:
        inner = value.get(wrapper)
        if isinstance(inner, dict):
            return inner
    return value


def request_body(record: CloudTrailRecord) -> dict[str, Any]:
    return _body(record.request, "createApiInput", "CreateApiInput", "importApiInput", "ImportApiInput")


def _api(record: CloudTrailRecord) -> list[Found]:
    response = _body(record.response, "createApiResponse", "CreateApiResponse", "importApiResponse",
                     "ImportApiResponse")
    request = request_body(record)
    # API Gateway assigns the ID; only the response has it.
    api_id = first(text(response.get(key)) for key in ("apiId", "ApiId", "id"))
    if not api_id:
        raise ExtractError("the record has no responseElements.apiId")
    name = first(text(body.get(key)) for body in (response, request) for key in ("name", "Name"))
    region = region_of(record)
    tags = tags_from_map(request.get("tags") or request.get("Tags")) or tags_from_map(response.get("tags"))
    return [
        Found(
            import_id=api_id,
            name=name or api_id,
            # API Gateway resource ARNs carry no account.
            arn=_api_arn(region, api_id) if record.aws_region else "",
            console_url=_console_url(region, api_id),
            tags=tags,
        )
    ]


def _api_arn(region: str, api_id: str) -> str:
    return f"arn:{_arn.partition(region)}:apigateway:{region}::/apis/{api_id}"


def _console_url(region: str, api_id: str) -> str:
    return console(region, f"apigateway/main/api-detail?api={q(api_id)}&region={q(region)}")


ENTRIES = (
    CatalogEntry(
        tf_type="aws_apigatewayv2_api",
        label="API Gateway HTTP or WebSocket API",
        service="apigatewayv2",
        # The same source as REST APIs; the event names differ (CreateRestApi there).
        event_source="apigateway.amazonaws.com",
        # ImportApi creates a new API from an OpenAPI definition.
        create_events=("CreateApi", "ImportApi"),
        delete_events=("DeleteApi",),
        resolve=_api,
        import_id_format="API ID: `terraform import aws_apigatewayv2_api.example aabbccddee`",
        # Routes, integrations and stages are configuration the definition restores.
        loses_data=False,
    ),
)
