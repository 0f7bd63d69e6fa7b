"""Making a Kinesis stream, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, slug


def create_kinesis_stream(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    stream = slug(name, limit=128)
    kinesis = ctx.client("kinesis")
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    if tags:
        kinesis.add_tags_to_stream(StreamName=stream, Tags=dict(tags))
    return Call({"streamName": stream, "shardCount": 1, "tags": dict(tags)}, None)


CREATORS = {
    "aws_kinesis_stream": create_kinesis_stream,
}
