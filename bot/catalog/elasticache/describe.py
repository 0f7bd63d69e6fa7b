"""Amazon ElastiCache clusters (Memcached, or a single-node Redis cluster)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_VERSION = re.compile(r"(\d+)\.(\d+)")


def _engine_version(engine: Any, version: Any) -> str | None:
    """The version as the provider reads it back: Redis 6 and later (and Valkey) as major.minor ("7.1", where AWS
    reports "7.1.0"); older Redis and Memcached as AWS reports them."""
    if not version:
        return None
    text = str(version)
    found = _VERSION.match(text)
    if engine in ("redis", "valkey") and found and int(found.group(1)) >= 6:
        return f"{found.group(1)}.{found.group(2)}"
    return text


def _port(cluster: Mapping[str, Any]) -> Any:
    nodes = cluster.get("CacheNodes") or ()
    node_port = (nodes[0].get("Endpoint") or {}).get("Port") if nodes else None
    return cluster.get("Port") or (cluster.get("ConfigurationEndpoint") or {}).get("Port") or node_port


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    group = (cluster.get("CacheParameterGroup") or {}).get("CacheParameterGroupName") or cluster.get(
        "CacheParameterGroupName"
    )
    groups = cluster.get("SecurityGroups")
    group_ids = [g.get("SecurityGroupId") for g in groups] if groups else cluster.get("SecurityGroupIds")
    engine = cluster.get("Engine")
    retention = cluster.get("SnapshotRetentionLimit")
    return {
        "cluster_id": cluster.get("CacheClusterId"),
        "engine": engine,
        "engine_version": _engine_version(engine, cluster.get("EngineVersion")),
        "node_type": cluster.get("CacheNodeType"),
        "num_cache_nodes": cluster.get("NumCacheNodes"),
        "parameter_group_name": group,
        "port": _port(cluster),
        "subnet_group_name": cluster.get("CacheSubnetGroupName"),
        "security_group_ids": sorted_strings(group_ids),
        "maintenance_window": cluster.get("PreferredMaintenanceWindow") or None,
        "snapshot_window": cluster.get("SnapshotWindow") or None,
        "snapshot_retention_limit": retention or None,
        # The provider holds this flag as a string, "true" unless turned off.
        "auto_minor_version_upgrade": "false" if cluster.get("AutoMinorVersionUpgrade") is False else None,
        "notification_topic_arn": (cluster.get("NotificationConfiguration") or {}).get("TopicArn")
        or cluster.get("NotificationTopicArn"),
        "tags": clean_tags(tags),
    }


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    elasticache = clients("elasticache")
    found = elasticache.describe_cache_clusters(CacheClusterId=resource.import_id, ShowCacheNodeInfo=True)[
        "CacheClusters"
    ]
    if not found:
        raise NotFound(f"cache cluster {resource.import_id}")
    cluster = found[0]
    tags = pair_tags(elasticache.list_tags_for_resource(ResourceName=cluster["ARN"]).get("TagList"))
    return Model(args=_cluster_args(cluster, tags))


def _recase(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k[0].upper() + k[1:]: v for k, v in body.items() if k}


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    response = _recase(record.response) if record is not None else {}
    cluster = {**request, **{k: v for k, v in response.items() if not isinstance(v, dict | list)}}
    cluster["CacheClusterId"] = resource.import_id
    return Model(args=_cluster_args(cluster, resource.tags))


CODEGEN = (TypeCodegen("aws_elasticache_cluster", _describe_cluster, _cluster_from_event),)
