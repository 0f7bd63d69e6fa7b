"""Amazon API Gateway: every REST API (v1) of the region, with its endpoint type."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.apigateway import _console_url, _rest_api_arn
from bot.catalog.base import Listed, Lister, ScanScope, tags_from_map, text


def _rest_apis(scope: ScanScope) -> Iterator[Listed]:
    # AWS makes no REST API by itself: every one in the region was made by someone.
    for api in paged(scope.clients("apigateway"), "get_rest_apis", "items"):
        api_id = api["id"]
        yield Listed(
            import_id=api_id,
            name=text(api.get("name")) or api_id,
            arn=_rest_api_arn(scope.region, api_id),
            console_url=_console_url(scope.region, api_id),
            tags=tags_from_map(api.get("tags")),
            facts=_facts(api),
        )


def _facts(api: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    # EDGE, REGIONAL or PRIVATE: one type per API.
    types = (api.get("endpointConfiguration") or {}).get("types") or []
    return (("endpoint type", ", ".join(types)),) if types else ()


LISTERS = {
    "aws_api_gateway_rest_api": Lister(("apigateway:GetRestApis",), _rest_apis),
}
