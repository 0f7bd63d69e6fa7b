"""Making an SSM parameter, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug


def create_ssm_parameter(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    parameter = "/" + slug(name, limit=200).replace("-", "/", 1)
    ctx.client("ssm").put_parameter(Name=parameter, Value="made in the console", Type="String",
                                    **({"Tags": pairs(tags)} if tags else {}))
    return Call({"name": parameter, "type": "String", "tags": ct_tags(tags)}, {"version": 1, "tier": "Standard"})


CREATORS = {
    "aws_ssm_parameter": create_ssm_parameter,
}
