"""Making a CloudFormation stack, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

import json

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug

# The smallest useful template: one queue, named after the stack.
_TEMPLATE = json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Description": "Sandbox stack",
                        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})


def create_stack(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    stack = slug(name, limit=128)
    made = ctx.client("cloudformation").create_stack(StackName=stack, TemplateBody=_TEMPLATE, Tags=pairs(tags))
    # CloudTrail keeps the template body out of the record when it is long; this one is short enough.
    return Call({"stackName": stack, "templateBody": _TEMPLATE, "tags": ct_tags(tags)}, {"stackId": made["StackId"]})


CREATORS = {
    "aws_cloudformation_stack": create_stack,
}
