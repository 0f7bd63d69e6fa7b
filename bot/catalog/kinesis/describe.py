"""Amazon Kinesis data streams."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_DEFAULT_RETENTION = 24


def _stream_args(stream: Mapping[str, Any], shards: Any, tags: Mapping[str, str]) -> dict[str, Any]:
    mode = dig(stream, "StreamModeDetails", "StreamMode") or "PROVISIONED"
    retention = stream.get("RetentionPeriodHours")
    kms = stream.get("EncryptionType") == "KMS"
    metrics = sorted_strings(
        metric for entry in stream.get("EnhancedMonitoring") or () for metric in entry.get("ShardLevelMetrics") or ()
    )
    return {
        "name": stream.get("StreamName"),
        "shard_count": shards if mode == "PROVISIONED" else None,
        "retention_period": retention if retention and retention != _DEFAULT_RETENTION else None,
        "encryption_type": "KMS" if kms else None,
        "kms_key_id": stream.get("KeyId") if kms else None,
        "stream_mode": mode if mode != "PROVISIONED" else None,
        "shard_level_metrics": metrics,
        "tags": clean_tags(tags),
    }


def _describe_stream(clients: Clients, resource: Resource) -> Model:
    kinesis = clients("kinesis")
    summary = kinesis.describe_stream_summary(StreamName=resource.import_id)["StreamDescriptionSummary"]
    tags = pair_tags(kinesis.list_tags_for_stream(StreamName=resource.import_id).get("Tags"))
    return Model(args=_stream_args(summary, summary.get("OpenShardCount"), tags))


def _stream_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    stream = {"StreamName": resource.import_id,
              "StreamModeDetails": {"StreamMode": dig(request, "streamModeDetails", "streamMode")}}
    return Model(args=_stream_args(stream, request.get("shardCount"), resource.tags))


CODEGEN = (TypeCodegen("aws_kinesis_stream", _describe_stream, _stream_from_event),)
