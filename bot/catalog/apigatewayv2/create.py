"""Making an API Gateway HTTP API, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext


def create_api(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    api_name = name.strip()[:128] or "sandbox-api"
    made = ctx.client("apigatewayv2").create_api(Name=api_name, ProtocolType="HTTP", Tags=tags)
    return Call({"name": api_name, "protocolType": "HTTP", "tags": dict(tags)},
                {"apiId": made["ApiId"], "name": api_name, "protocolType": "HTTP",
                 "apiEndpoint": made.get("ApiEndpoint", "")})


CREATORS = {
    "aws_apigatewayv2_api": create_api,
}
