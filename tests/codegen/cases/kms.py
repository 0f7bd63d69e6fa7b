"""KMS aliases: made in moto as the console makes them, and whether one is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_kms_alias(aws: Aws) -> Made:
    kms = aws("kms")
    key = kms.create_key(Description="orders data", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/orders/data-prod", TargetKeyId=key)
    record = cloudtrail("kms.amazonaws.com", "CreateAlias",
                        {"aliasName": "alias/orders/data-prod", "targetKeyId": key}, None)
    return Made(record, "alias/orders/data-prod", {"name": "alias/orders/data-prod", "target_key_id": key})


def _alias_gone(aws: Aws, name: str) -> bool:
    aliases = aws("kms").list_aliases()["Aliases"]
    return all(alias["AliasName"] != name for alias in aliases)


CASES = {"aws_kms_alias": make_kms_alias}
GONE = {"aws_kms_alias": _alias_gone}
