"""API Gateway v2 APIs: made in moto as the console makes them, and whether one is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_http_api(aws: Aws) -> Made:
    cors = {"AllowOrigins": ["https://shop.example.com"], "AllowMethods": ["GET", "POST"],
            "AllowHeaders": ["content-type"], "MaxAge": 300, "AllowCredentials": True}
    tags = {"team": "shop", "Name": "orders ${env}"}
    api = aws("apigatewayv2").create_api(Name="orders-http", ProtocolType="HTTP", Description="Orders %{api}",
                                         CorsConfiguration=cors, DisableExecuteApiEndpoint=True, Version="v2",
                                         Tags=tags)
    record = cloudtrail("apigateway.amazonaws.com", "CreateApi",
                        {"name": "orders-http", "protocolType": "HTTP", "description": "Orders %{api}",
                         "corsConfiguration": {"allowOrigins": ["https://shop.example.com"]}, "tags": tags},
                        {"apiId": api["ApiId"], "name": "orders-http", "protocolType": "HTTP",
                         "apiEndpoint": api.get("ApiEndpoint", "")})
    expect = {"name": "orders-http", "protocol_type": "HTTP", "description": "Orders %{api}",
              "disable_execute_api_endpoint": True, "version": "v2", "tags": tags,
              "cors_configuration": [{"allow_origins": ["https://shop.example.com"], "allow_methods": ["GET", "POST"],
                                      "allow_headers": ["content-type"], "max_age": 300, "allow_credentials": True}]}
    return Made(record, api["ApiId"], expect)


def _api_gone(aws: Aws, api_id: str) -> bool:
    try:
        aws("apigatewayv2").get_api(ApiId=api_id)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "NotFoundException", exc.response
        return True
    return False


CASES = {"aws_apigatewayv2_api": make_http_api}
GONE = {"aws_apigatewayv2_api": _api_gone}
PROVIDER_ENDPOINTS = {"apigatewayv2"}
