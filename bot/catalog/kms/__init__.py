"""AWS Key Management Service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, ExtractError, Found, console, dig, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord


def _key_id_from_resources(record: CloudTrailRecord) -> str:
    """CloudTrail lists the new key under resources[] even where a producer dropped responseElements."""
    resources = record.raw.get("resources")
    for item in resources if isinstance(resources, list) else ():
        arn = text(item.get("ARN")) if isinstance(item, dict) else ""
        if arn.startswith("arn:") and ":key/" in arn and item.get("type") in (None, "AWS::KMS::Key"):
            return arn.rsplit(":key/", 1)[1]
    return ""


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
            console_url=console(region, f"kms/home?region={q(region)}#/kms/keys/{q(key_id)}"),
            tags=tags_from_pairs(record.request.get("tags"), "tagKey", "tagValue"),
        )
    ]


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
)
