"""Making a KMS key, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, pairs


def create_kms_key(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    # The console sends the key's usage and spec explicitly (moto also reports no KeyUsage for a key made without).
    meta = ctx.client("kms").create_key(Description=name.strip() or "sandbox key", KeyUsage="ENCRYPT_DECRYPT",
                                        KeySpec="SYMMETRIC_DEFAULT",
                                        Tags=pairs(tags, "TagKey", "TagValue"))["KeyMetadata"]
    return Call({"description": name.strip() or "sandbox key", "keyUsage": "ENCRYPT_DECRYPT",
                 "keySpec": "SYMMETRIC_DEFAULT", "tags": pairs(tags, "tagKey", "tagValue")},
                {"keyMetadata": {"keyId": meta["KeyId"], "arn": meta["Arn"], "awsAccountId": ctx.account_id,
                                 "description": meta.get("Description", "")}})


CREATORS = {
    "aws_kms_key": create_kms_key,
}
