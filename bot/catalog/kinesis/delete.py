"""Deleting Kinesis streams: AWS refuses while registered consumers still read from one."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_stream(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    # EnforceConsumerDeletion=False: a stream that registered consumers still read from is refused by AWS.
    call(aws("kinesis").delete_stream, StreamName=req.import_id, EnforceConsumerDeletion=False)
    return DeleteOutcome(f"Deleting stream {req.import_id} with the records in it.")


EXECUTORS = {
    "aws_kinesis_stream": delete_stream,
}
