"""Making a CloudWatch log group, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, slug


def create_log_group(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    group = "/sandbox/" + slug(name, limit=200)
    ctx.client("logs").create_log_group(logGroupName=group, **({"tags": dict(tags)} if tags else {}))
    return Call({"logGroupName": group, "tags": dict(tags)}, None)


CREATORS = {
    "aws_cloudwatch_log_group": create_log_group,
}
