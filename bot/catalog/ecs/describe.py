"""Amazon ECS clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

# The execute-command log settings: the API's names and the provider's.
_LOG_CONFIGURATION = {
    "cloudWatchEncryptionEnabled": "cloud_watch_encryption_enabled",
    "cloudWatchLogGroupName": "cloud_watch_log_group_name",
    "s3BucketEncryptionEnabled": "s3_bucket_encryption_enabled",
    "s3BucketName": "s3_bucket_name",
    "s3KeyPrefix": "s3_key_prefix",
}


def _configuration(configuration: Mapping[str, Any]) -> dict[str, Any] | None:
    """The `configuration` block: execute-command settings and the managed storage keys, where any is set."""
    execute = configuration.get("executeCommandConfiguration") or {}
    logs = execute.get("logConfiguration") or {}
    storage = configuration.get("managedStorageConfiguration") or {}
    out: dict[str, Any] = {}
    if execute:
        out["execute_command"] = {
            "kms_key_id": execute.get("kmsKeyId") or None,
            "logging": execute.get("logging") or None,
            "log_configuration": {
                argument: logs[field]
                for field, argument in _LOG_CONFIGURATION.items()
                if logs.get(field) not in (None, "")
            },
        }
    if storage.get("kmsKeyId") or storage.get("fargateEphemeralStorageKmsKeyId"):
        out["managed_storage"] = {
            "kms_key_id": storage.get("kmsKeyId") or None,
            "fargate_ephemeral_storage_kms_key_id": storage.get("fargateEphemeralStorageKmsKeyId") or None,
        }
    return out or None


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    settings = [
        {"name": s.get("name"), "value": s.get("value")}
        for s in cluster.get("settings") or ()
        if s.get("name") == "containerInsights" and s.get("value") not in (None, "disabled")
    ]
    return {
        "name": cluster.get("clusterName"),
        "settings": settings,
        "configuration": _configuration(cluster.get("configuration") or {}),
        "service_connect_namespace": dig(cluster, "serviceConnectDefaults", "namespace") or None,
        "tags": clean_tags(tags),
    }


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    found = clients("ecs").describe_clusters(
        clusters=[resource.import_id], include=["SETTINGS", "TAGS", "CONFIGURATIONS"]
    )["clusters"]
    if not found or found[0].get("status") == "INACTIVE":
        raise NotFound(f"ECS cluster {resource.import_id}")
    return Model(args=_cluster_args(found[0], pair_tags(found[0].get("tags"), "key", "value")))


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    cluster = dict(dig(record.response, "cluster") or {}) if record is not None else {}
    if record is not None:
        for key in ("settings", "configuration", "serviceConnectDefaults"):
            if not cluster.get(key):
                cluster[key] = record.request.get(key)
    cluster["clusterName"] = resource.import_id
    return Model(args=_cluster_args(cluster, resource.tags))


CODEGEN = (TypeCodegen("aws_ecs_cluster", _describe_cluster, _cluster_from_event),)
