"""Deleting SQS queues (with any messages in them)."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_queue(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    sqs = aws("sqs")
    call(sqs.get_queue_attributes, QueueUrl=req.import_id, AttributeNames=["QueueArn"])
    call(sqs.delete_queue, QueueUrl=req.import_id)
    return DeleteOutcome(f"Deleted queue {req.import_id} with any messages in it.")


EXECUTORS = {
    "aws_sqs_queue": delete_queue,
}
