"""Deleting Step Functions state machines."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_state_machine(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    sfn = aws("stepfunctions")
    call(sfn.describe_state_machine, stateMachineArn=req.import_id)  # delete succeeds for an unknown ARN
    call(sfn.delete_state_machine, stateMachineArn=req.import_id)
    return DeleteOutcome(f"Deleted state machine {req.name or req.import_id}.")


EXECUTORS = {
    "aws_sfn_state_machine": delete_state_machine,
}
