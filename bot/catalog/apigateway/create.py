"""Making an API Gateway REST API, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from datetime import datetime

from bot.catalog._create import Call, CreateContext


def create_rest_api(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    api_name = name.strip() or "sandbox-api"
    api = ctx.client("apigateway").create_rest_api(name=api_name, endpointConfiguration={"types": ["REGIONAL"]},
                                                   **({"tags": dict(tags)} if tags else {}))
    return Call({"createRestApiInput": {"name": api_name, "endpointConfiguration": {"types": ["REGIONAL"]},
                                        "tags": dict(tags)}},
                {"id": api["id"], "name": api_name, "createdDate": api["createdDate"].isoformat()
                 if isinstance(api.get("createdDate"), datetime) else ""})


CREATORS = {
    "aws_api_gateway_rest_api": create_rest_api,
}
