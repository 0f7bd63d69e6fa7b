"""Deleting SNS topics (their subscriptions go with them)."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_topic(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    sns = aws("sns")
    call(sns.get_topic_attributes, TopicArn=req.import_id)  # delete_topic succeeds for an unknown ARN
    call(sns.delete_topic, TopicArn=req.import_id)
    return DeleteOutcome(f"Deleted topic {req.import_id} and its subscriptions.")


EXECUTORS = {
    "aws_sns_topic": delete_topic,
}
