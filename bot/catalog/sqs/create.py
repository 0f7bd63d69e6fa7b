"""Making an SQS queue, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, slug


def create_sqs_queue(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    queue = slug(name, limit=80)
    url = ctx.client("sqs").create_queue(QueueName=queue, **({"tags": dict(tags)} if tags else {}))["QueueUrl"]
    return Call({"queueName": queue, "tags": dict(tags)}, {"queueUrl": url})


CREATORS = {
    "aws_sqs_queue": create_sqs_queue,
}
