"""Deleting Lambda functions."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_function(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("lambda").delete_function, FunctionName=req.import_id)
    return DeleteOutcome(f"Deleted Lambda function {req.import_id}.")


EXECUTORS = {
    "aws_lambda_function": delete_function,
}
