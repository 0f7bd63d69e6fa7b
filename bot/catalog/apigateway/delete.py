"""Deleting API Gateway REST APIs (their stages go with them)."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_rest_api(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    apigateway = aws("apigateway")
    call(apigateway.get_rest_api, restApiId=req.import_id)
    call(apigateway.delete_rest_api, restApiId=req.import_id)
    return DeleteOutcome(f"Deleted REST API {req.name or req.import_id} with its stages.")


EXECUTORS = {
    "aws_api_gateway_rest_api": delete_rest_api,
}
