"""AWS KMS keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _key_args(meta: Mapping[str, Any], rotation: bool | None, tags: Mapping[str, str]) -> dict[str, Any]:
    usage = meta.get("KeyUsage")
    spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")
    return {
        "description": meta.get("Description") or None,
        "key_usage": usage if usage not in (None, "ENCRYPT_DECRYPT") else None,
        "customer_master_key_spec": spec if spec not in (None, "SYMMETRIC_DEFAULT") else None,
        "multi_region": True if meta.get("MultiRegion") else None,
        "enable_key_rotation": True if rotation else None,
        "tags": clean_tags(tags),
    }


def _describe_key(clients: Clients, resource: Resource) -> Model:
    kms = clients("kms")
    meta = kms.describe_key(KeyId=resource.import_id)["KeyMetadata"]
    if meta.get("KeyState") in ("PendingDeletion", "PendingReplicaDeletion"):
        raise NotFound(f"key {resource.import_id} is pending deletion")
    rotation = None
    if meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT":
        rotation = kms.get_key_rotation_status(KeyId=resource.import_id).get("KeyRotationEnabled")
    tags = pair_tags(kms.list_resource_tags(KeyId=resource.import_id).get("Tags"), "TagKey", "TagValue")
    return Model(args=_key_args(meta, rotation, tags))


def _recase(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k[0].upper() + k[1:]: v for k, v in body.items() if k}


def _key_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    response = dig(record.response, "keyMetadata") if record is not None else None
    meta = {**request, **_recase(response or {})}
    return Model(args=_key_args(meta, None, resource.tags))


def _target(value: Any) -> str | None:
    """The key ID the provider reads back, of a target given as an ID or a key ARN."""
    if not isinstance(value, str) or not value:
        return None
    return value.rsplit(":key/", 1)[1] if ":key/" in value else value


def _describe_alias(clients: Clients, resource: Resource) -> Model:
    kms = clients("kms")
    for page in kms.get_paginator("list_aliases").paginate():
        for alias in page.get("Aliases") or ():
            if alias.get("AliasName") == resource.import_id:
                return Model(args={"name": resource.import_id, "target_key_id": _target(alias.get("TargetKeyId"))})
    raise NotFound(f"alias {resource.import_id} does not exist")


def _alias_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    target = request.get("targetKeyId") or request.get("TargetKeyId")
    return Model(args={"name": resource.import_id, "target_key_id": _target(target)})


CODEGEN = (
    TypeCodegen("aws_kms_key", _describe_key, _key_from_event),
    TypeCodegen("aws_kms_alias", _describe_alias, _alias_from_event),
)
