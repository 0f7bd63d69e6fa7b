"""Amazon SNS topics (the import ID is the topic ARN)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, json_doc, pair_tags
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource
from renderers.hcl import JsonDocument

# Delivery status logging: SNS's attribute prefix for each protocol, and the provider's.
_FEEDBACK = {"Application": "application", "Firehose": "firehose", "HTTP": "http", "Lambda": "lambda", "SQS": "sqs"}


def _feedback_args(attributes: Mapping[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for prefix, protocol in _FEEDBACK.items():
        args[f"{protocol}_success_feedback_role_arn"] = attributes.get(f"{prefix}SuccessFeedbackRoleArn") or None
        rate = str(attributes.get(f"{prefix}SuccessFeedbackSampleRate") or "")
        args[f"{protocol}_success_feedback_sample_rate"] = int(rate) if rate.isdigit() else None
        args[f"{protocol}_failure_feedback_role_arn"] = attributes.get(f"{prefix}FailureFeedbackRoleArn") or None
    return args


def _topic_args(name: str, attributes: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    fifo = str(attributes.get("FifoTopic", "")).lower() == "true"
    dedup = str(attributes.get("ContentBasedDeduplication", "")).lower() == "true"
    delivery = attributes.get("DeliveryPolicy")
    signature = str(attributes.get("SignatureVersion") or "")
    tracing = attributes.get("TracingConfig")
    return {
        "name": name,
        "display_name": attributes.get("DisplayName") or None,
        "fifo_topic": True if fifo else None,
        "content_based_deduplication": True if dedup else None,
        "kms_master_key_id": attributes.get("KmsMasterKeyId") or None,
        # SNS reports version 1 and PassThrough tracing when they were never chosen: written only when changed.
        "signature_version": int(signature) if signature.isdigit() and signature != "1" else None,
        "tracing_config": tracing if tracing and tracing != "PassThrough" else None,
        "delivery_policy": JsonDocument(json_doc(delivery)) if delivery else None,
        **_feedback_args(attributes),
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
