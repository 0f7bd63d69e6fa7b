"""Amazon SNS topics (the import ID is the topic ARN)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _topic_args(name: str, attributes: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    fifo = str(attributes.get("FifoTopic", "")).lower() == "true"
    dedup = str(attributes.get("ContentBasedDeduplication", "")).lower() == "true"
    return {
        "name": name,
        "display_name": attributes.get("DisplayName") or None,
        "fifo_topic": True if fifo else None,
        "content_based_deduplication": True if dedup else None,
        "kms_master_key_id": attributes.get("KmsMasterKeyId") or None,
        "tags": clean_tags(tags),
    }


def _describe_topic(clients: Clients, resource: Resource) -> Model:
    sns = clients("sns")
    attributes = sns.get_topic_attributes(TopicArn=resource.import_id).get("Attributes", {})
    tags = pair_tags(sns.list_tags_for_resource(ResourceArn=resource.import_id).get("Tags"))
    return Model(args=_topic_args(resource.import_id.rsplit(":", 1)[-1], attributes, tags))


def _topic_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    found = request.get("attributes")
    attributes: dict[str, Any] = found if isinstance(found, dict) else {}
    return Model(args=_topic_args(resource.import_id.rsplit(":", 1)[-1], attributes, resource.tags))


CODEGEN = (TypeCodegen("aws_sns_topic", _describe_topic, _topic_from_event),)
