"""AWS Key Management Service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    console,
    dig,
    first,
    need,
    q,
    region_of,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord

_ALIAS_PREFIX = "alias/"


def _key_id_from_resources(record: CloudTrailRecord) -> str:
    """CloudTrail lists the new key under resources[] even where a producer dropped responseElements."""
    resources = record.raw.get("resources")
    for item in resources if isinstance(resources, list) else ():
        arn = text(item.get("ARN")) if isinstance(item, dict) else ""
        if arn.startswith("arn:") and ":key/" in arn and item.get("type") in (None, "AWS::KMS::Key"):
            return arn.rsplit(":key/", 1)[1]
    return ""


def _key_console(region: str, key_id: str) -> str:
    return console(region, f"kms/home?region={q(region)}#/kms/keys/{q(key_id)}")


def _alias_console(region: str, target: str) -> str:
    """The console lists a key's aliases on the key's page; an alias has no page of its own."""
    page = f"#/kms/keys/{q(target)}" if target else "#/kms/keys"
    return console(region, f"kms/home?region={q(region)}{page}")


def _key(record: CloudTrailRecord) -> list[Found]:
    metadata = dig(record.response, "keyMetadata")
    key_id = text(dig(metadata, "keyId")) or _key_id_from_resources(record)
    if not key_id:
        raise ExtractError("the record has no responseElements.keyMetadata.keyId")
    region = region_of(record)
    arn = text(dig(metadata, "arn"))
    if not arn:
        arn = _arn.build(record, "kms", f"key/{key_id}")
    return [
        Found(
            import_id=key_id,
            # A key has no name of its own (aliases are separate resources); its ID is what people quote.
            name=key_id,
            arn=arn,
            console_url=_key_console(region, key_id),
            tags=tags_from_pairs(record.request.get("tags"), "tagKey", "tagValue"),
        )
    ]


def _alias_arn_from_resources(record: CloudTrailRecord) -> str:
    resources = record.raw.get("resources")
    for item in resources if isinstance(resources, list) else ():
        arn = text(item.get("ARN")) if isinstance(item, dict) else ""
        if arn.startswith("arn:") and ":alias/" in arn:
            return arn
    return ""


def _key_id(target: str) -> str:
    """The key ID of a target given as an ID or as a key ARN (the API takes both)."""
    return target.rsplit(":key/", 1)[1] if ":key/" in target else target


def _alias(record: CloudTrailRecord) -> list[Found]:
    request = record.request
    from_resources = _alias_arn_from_resources(record)
    name = first((
        text(request.get("aliasName")), text(request.get("AliasName")),
        # The alias ARN is arn:<partition>:kms:<region>:<account>:alias/<name>.
        from_resources.split(":", 5)[5] if from_resources.count(":") >= 5 else "",
    ))
    name = need(name, "requestParameters.aliasName")
    if not name.startswith(_ALIAS_PREFIX):
        # KMS rejects a name without the prefix, so a record without it names something else.
        raise ExtractError(f"requestParameters.aliasName {name!r} does not start with {_ALIAS_PREFIX!r}")
    region = region_of(record)
    target = _key_id(first((text(request.get("targetKeyId")), text(request.get("TargetKeyId")))))
    return [
        Found(
            import_id=name,
            name=name,
            # Built from the record's own region and account: resources[] has been seen naming another account.
            arn=_arn.build(record, "kms", name) or from_resources,
            console_url=_alias_console(region, target),
            # An alias takes no tags.
            tags={},
        )
    ]


def _alias_state_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("name") or attributes.get("id")
    return value if isinstance(value, str) and value else None


def _state_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("key_id") or attributes.get("id")
    return value if isinstance(value, str) and value else None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_kms_key",
        label="KMS key",
        service="kms",
        event_source="kms.amazonaws.com",
        create_events=("CreateKey",),
        # KMS has no immediate delete: ScheduleKeyDeletion is the deletion, after a waiting period.
        delete_events=("ScheduleKeyDeletion",),
        resolve=_key,
        import_id_format="key ID: `terraform import aws_kms_key.a 1234abcd-12ab-34cd-56ef-1234567890ab`",
        # Once the key is gone, everything encrypted under it can never be decrypted again.
        loses_data=True,
        state_import_id=_state_id,
    ),
    CatalogEntry(
        tf_type="aws_kms_alias",
        label="KMS alias",
        service="kms",
        event_source="kms.amazonaws.com",
        create_events=("CreateAlias",),
        delete_events=("DeleteAlias",),
        resolve=_alias,
        import_id_format="alias name: `terraform import aws_kms_alias.a alias/my-key-alias`",
        # An alias is a name for a key; deleting it leaves the key and everything encrypted under it.
        loses_data=False,
        state_import_id=_alias_state_id,
    ),
)
