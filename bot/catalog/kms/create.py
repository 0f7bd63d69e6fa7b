"""Making a KMS key, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, pairs


def create_kms_key(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    meta = ctx.client("kms").create_key(Description=name.strip() or "sandbox key",
                                        Tags=pairs(tags, "TagKey", "TagValue"))["KeyMetadata"]
    return Call({"description": name.strip() or "sandbox key", "tags": pairs(tags, "tagKey", "tagValue")},
                {"keyMetadata": {"keyId": meta["KeyId"], "arn": meta["Arn"], "awsAccountId": ctx.account_id,
                                 "description": meta.get("Description", "")}})


CREATORS = {
    "aws_kms_key": create_kms_key,
}
