"""Deleting SSM parameters."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_parameter(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("ssm").delete_parameter, Name=req.import_id)
    return DeleteOutcome(f"Deleted parameter {req.import_id}.")


EXECUTORS = {
    "aws_ssm_parameter": delete_parameter,
}
