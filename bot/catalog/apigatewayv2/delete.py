"""Deleting API Gateway v2 APIs (their routes, integrations and stages go with them)."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_api(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    apigatewayv2 = aws("apigatewayv2")
    api = call(apigatewayv2.get_api, ApiId=req.import_id)
    call(apigatewayv2.delete_api, ApiId=req.import_id)
    return DeleteOutcome(f"Deleted {api.get('ProtocolType', '')} API {api.get('Name') or req.import_id} with its "
                         "routes, integrations and stages.")


EXECUTORS = {
    "aws_apigatewayv2_api": delete_api,
}
