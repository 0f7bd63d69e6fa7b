"""Deleting CloudWatch log groups."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_log_group(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("logs").delete_log_group, logGroupName=req.import_id)
    return DeleteOutcome(f"Deleted log group {req.import_id} with its log events.")


EXECUTORS = {
    "aws_cloudwatch_log_group": delete_log_group,
}
