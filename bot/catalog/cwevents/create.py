"""Making an EventBridge rule, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

import json

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug


def create_event_rule(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    rule = slug(name, limit=64)
    pattern = json.dumps({"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]})
    arn = ctx.client("events").put_rule(Name=rule, EventPattern=pattern,
                                        **({"Tags": pairs(tags)} if tags else {}))["RuleArn"]
    return Call({"name": rule, "eventPattern": pattern, "tags": ct_tags(tags)}, {"ruleArn": arn})


CREATORS = {
    "aws_cloudwatch_event_rule": create_event_rule,
}
