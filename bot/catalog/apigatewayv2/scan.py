"""Amazon API Gateway v2: every HTTP and WebSocket API of the region, with its protocol."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.apigatewayv2 import _api_arn, _console_url
from bot.catalog.base import Listed, Lister, ScanScope, tags_from_map, text


def _apis(scope: ScanScope) -> Iterator[Listed]:
    # AWS makes no HTTP or WebSocket API by itself: every one in the region was made by someone.
    for api in paged(scope.clients("apigatewayv2"), "get_apis", "Items"):
        api_id = api["ApiId"]
        protocol = text(api.get("ProtocolType"))  # HTTP or WEBSOCKET
        yield Listed(
            import_id=api_id,
            name=text(api.get("Name")) or api_id,
            arn=_api_arn(scope.region, api_id),
            console_url=_console_url(scope.region, api_id),
            tags=tags_from_map(api.get("Tags")),
            facts=(("protocol", protocol),) if protocol else (),
        )


LISTERS = {
    "aws_apigatewayv2_api": Lister(("apigateway:GetApis",), _apis),
}
