"""Making an SNS topic, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug


def create_sns_topic(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    topic = slug(name, limit=256)
    arn = ctx.client("sns").create_topic(Name=topic, **({"Tags": pairs(tags)} if tags else {}))["TopicArn"]
    return Call({"name": topic, "tags": ct_tags(tags)}, {"topicArn": arn})


CREATORS = {
    "aws_sns_topic": create_sns_topic,
}
