"""Amazon ElastiCache clusters (Memcached, or a single-node Redis cluster) and replication groups."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, optional, pair_tags, sorted_strings
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


def _enabled(value: Any) -> bool | None:
    """A group's "enabled"/"disabled" (or true/false) setting: True where on, None (the default) where off."""
    return True if value is True or str(value).lower() in ("enabled", "enabling", "true") else None


def _group_args(group: Mapping[str, Any], member: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    """The group's own settings, and those AWS reports on its member clusters (engine version, parameter group,
    network, maintenance) as the provider reads them from the first member."""
    engine = group.get("Engine") or member.get("Engine")
    node_groups = [g for g in group.get("NodeGroups") or () if isinstance(g, Mapping)]
    members = group.get("MemberClusters") or ()
    clustered = group.get("ClusterEnabled") is True or group.get("ClusterMode") == "enabled"
    endpoint = group.get("ConfigurationEndpoint") or (node_groups[0].get("PrimaryEndpoint") if node_groups else None)
    retention = group.get("SnapshotRetentionLimit")
    args: dict[str, Any] = {
        "replication_group_id": group.get("ReplicationGroupId"),
        "description": group.get("Description") or group.get("ReplicationGroupDescription"),
        "engine": engine,
        "engine_version": _engine_version(engine, member.get("EngineVersion") or group.get("EngineVersion")),
        "node_type": group.get("CacheNodeType"),
        "num_cache_clusters": len(members) if members and not clustered else group.get("NumCacheClusters"),
        "num_node_groups": len(node_groups) if clustered and node_groups else None,
        "replicas_per_node_group": max(len(node_groups[0].get("NodeGroupMembers") or ()) - 1, 0)
        if clustered and node_groups else None,
        "cluster_mode": "enabled" if clustered else None,
        "port": (endpoint or {}).get("Port") or group.get("Port"),
        "parameter_group_name": (member.get("CacheParameterGroup") or {}).get("CacheParameterGroupName")
        or group.get("CacheParameterGroupName"),
        "subnet_group_name": member.get("CacheSubnetGroupName") or group.get("CacheSubnetGroupName"),
        "security_group_ids": sorted_strings(
            [g.get("SecurityGroupId") for g in member.get("SecurityGroups") or ()] or group.get("SecurityGroupIds")
        ),
        "automatic_failover_enabled": _enabled(group.get("AutomaticFailover") or
                                               group.get("AutomaticFailoverEnabled")),
        "multi_az_enabled": _enabled(group.get("MultiAZ") or group.get("MultiAZEnabled")),
        "at_rest_encryption_enabled": _enabled(group.get("AtRestEncryptionEnabled")),
        "transit_encryption_enabled": _enabled(group.get("TransitEncryptionEnabled")),
        "kms_key_id": group.get("KmsKeyId") or None,
        "data_tiering_enabled": _enabled(group.get("DataTiering") or group.get("DataTieringEnabled")),
        "maintenance_window": member.get("PreferredMaintenanceWindow") or group.get("PreferredMaintenanceWindow")
        or None,
        "snapshot_window": (group.get("SnapshotWindow") or None) if retention else None,
        "snapshot_retention_limit": retention or None,
        # The provider holds this flag as a string, "true" unless turned off.
        "auto_minor_version_upgrade": "false" if (member.get("AutoMinorVersionUpgrade") is False
                                                  or group.get("AutoMinorVersionUpgrade") is False) else None,
        "notification_topic_arn": (member.get("NotificationConfiguration") or {}).get("TopicArn")
        or group.get("NotificationTopicArn"),
        "tags": clean_tags(tags),
    }
    return args


def _describe_group(clients: Clients, resource: Resource) -> Model:
    elasticache = clients("elasticache")
    found = elasticache.describe_replication_groups(ReplicationGroupId=resource.import_id)["ReplicationGroups"]
    if not found:
        raise NotFound(f"replication group {resource.import_id}")
    group = found[0]
    member: Mapping[str, Any] = {}
    for cluster_id in (group.get("MemberClusters") or ())[:1]:
        # A member being replaced may be gone for a moment; the group's own fields stand in for it.
        found_member = optional(elasticache.describe_cache_clusters, "CacheClusterNotFound",
                                CacheClusterId=cluster_id, ShowCacheNodeInfo=True)
        member = (found_member or {}).get("CacheClusters", [{}])[0]
    tags = pair_tags(elasticache.list_tags_for_resource(ResourceName=group["ARN"]).get("TagList"))
    return Model(args=_group_args(group, member, tags))


def _group_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    body: Any = record.response if record is not None else {}
    wrapped = body.get("replicationGroup") or body.get("ReplicationGroup") if isinstance(body, dict) else None
    response = _recase(wrapped if isinstance(wrapped, dict) else body) if isinstance(body, dict) else {}
    group = {**request, **{k: v for k, v in response.items() if not isinstance(v, dict | list)}}
    group["ReplicationGroupId"] = resource.import_id
    return Model(args=_group_args(group, {}, resource.tags))


CODEGEN = (
    TypeCodegen("aws_elasticache_cluster", _describe_cluster, _cluster_from_event),
    TypeCodegen("aws_elasticache_replication_group", _describe_group, _group_from_event),
)
