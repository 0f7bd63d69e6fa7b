"""Amazon SQS queues (the import ID is the queue URL)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, json_doc
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource
from renderers.hcl import JsonDocument

# Attribute -> (argument, provider default, kind)
_ATTRIBUTES = {
    "FifoQueue": ("fifo_queue", False, bool),
    "ContentBasedDeduplication": ("content_based_deduplication", False, bool),
    "VisibilityTimeout": ("visibility_timeout_seconds", 30, int),
    "MessageRetentionPeriod": ("message_retention_seconds", 345600, int),
    "MaximumMessageSize": ("max_message_size", 262144, int),
    "DelaySeconds": ("delay_seconds", 0, int),
    "ReceiveMessageWaitTimeSeconds": ("receive_wait_time_seconds", 0, int),
    "KmsMasterKeyId": ("kms_master_key_id", None, str),
    "KmsDataKeyReusePeriodSeconds": ("kms_data_key_reuse_period_seconds", 300, int),
    "DeduplicationScope": ("deduplication_scope", "queue", str),
    "FifoThroughputLimit": ("fifo_throughput_limit", "perQueue", str),
}
# The largest max_message_size the AWS provider 5.x accepts; AWS has allowed (and defaulted to) 1 MiB since 2025.
_PROVIDER_MAX_MESSAGE_SIZE = 262144


def _convert(value: Any, kind: type) -> Any:
    if kind is bool:
        return str(value).lower() == "true"
    if kind is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    return str(value)


def _queue_args(name: str, attributes: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    args: dict[str, Any] = {"name": name}
    for attribute, (argument, default, kind) in _ATTRIBUTES.items():
        if attribute in attributes:
            value = _convert(attributes[attribute], kind)
            args[argument] = None if value in (default, "") else value
    size = args.get("max_message_size")
    # The provider cannot be given a larger size; its import keeps the real one, which the code then leaves alone.
    args["ignore_max_message_size"] = bool(size and size > _PROVIDER_MAX_MESSAGE_SIZE)
    if args["ignore_max_message_size"]:
        args["max_message_size"] = None
    if str(attributes.get("SqsManagedSseEnabled", "")).lower() == "false" and not args.get("kms_master_key_id"):
        args["sqs_managed_sse_enabled"] = False
    redrive = attributes.get("RedrivePolicy")
    args["redrive_policy"] = JsonDocument(json_doc(redrive)) if redrive else None
    args["tags"] = clean_tags(tags)
    return args


def _name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _describe_queue(clients: Clients, resource: Resource) -> Model:
    sqs = clients("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=resource.import_id, AttributeNames=["All"]).get("Attributes", {})
    tags = sqs.list_queue_tags(QueueUrl=resource.import_id).get("Tags") or {}
    return Model(args=_queue_args(_name(resource.import_id), attributes, tags))


def _queue_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    attributes = request.get("attribute") or request.get("attributes") or {}
    if not isinstance(attributes, dict):
        attributes = {}
    return Model(args=_queue_args(_name(resource.import_id), attributes, resource.tags))


CODEGEN = (TypeCodegen("aws_sqs_queue", _describe_queue, _queue_from_event),)
