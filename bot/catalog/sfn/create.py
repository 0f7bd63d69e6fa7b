"""Making a Step Functions state machine, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

import json

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, service_role, slug


def create_state_machine(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    machine = slug(name, limit=80)
    role = service_role(ctx)
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    arn = ctx.client("stepfunctions").create_state_machine(
        name=machine, definition=definition, roleArn=role, tags=pairs(tags, "key", "value"))["stateMachineArn"]
    return Call({"name": machine, "definition": definition, "roleArn": role, "tags": ct_tags(tags)},
                {"stateMachineArn": arn})


CREATORS = {
    "aws_sfn_state_machine": create_state_machine,
}
