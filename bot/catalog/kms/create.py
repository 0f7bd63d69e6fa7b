"""Making a KMS key, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

import re

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


def create_kms_alias(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    # An alias needs a key to name; the console's alias page picks an existing one, made here quietly. Aliases take
    # no tags.
    kms = ctx.client("kms")
    key = kms.create_key(Description="sandbox key", KeyUsage="ENCRYPT_DECRYPT", KeySpec="SYMMETRIC_DEFAULT")
    key_id = key["KeyMetadata"]["KeyId"]
    alias = "alias/" + (re.sub(r"[^A-Za-z0-9:/_-]+", "-", name.strip()).strip("-/") or "sandbox")
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    # CloudTrail records CreateAlias with a null responseElements.
    return Call({"aliasName": alias, "targetKeyId": key_id}, None)


CREATORS = {
    "aws_kms_key": create_kms_key,
    "aws_kms_alias": create_kms_alias,
}
