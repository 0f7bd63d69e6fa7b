"""Amazon CloudWatch Logs log groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _group_args(group: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    group_class = group.get("logGroupClass")
    return {
        "name": group.get("logGroupName"),
        "retention_in_days": group.get("retentionInDays"),
        "kms_key_id": group.get("kmsKeyId"),
        "log_group_class": group_class if group_class not in (None, "STANDARD") else None,
        "tags": clean_tags(tags),
    }


def _describe_group(clients: Clients, resource: Resource) -> Model:
    logs = clients("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix=resource.import_id)["logGroups"]
    group = next((g for g in groups if g.get("logGroupName") == resource.import_id), None)
    if group is None:
        raise NotFound(f"log group {resource.import_id}")
    tags = logs.list_tags_log_group(logGroupName=resource.import_id).get("tags") or {}
    return Model(args=_group_args(group, tags))


def _group_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = dict(record.request) if record is not None else {}
    request["logGroupName"] = resource.import_id
    return Model(args=_group_args(request, resource.tags))


CODEGEN = (TypeCodegen("aws_cloudwatch_log_group", _describe_group, _group_from_event),)
