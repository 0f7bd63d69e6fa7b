"""ElastiCache replication groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_replication_group(aws: Aws) -> Made:
    elasticache = aws("elasticache")
    group = elasticache.create_replication_group(
        ReplicationGroupId="sessions", ReplicationGroupDescription='Web sessions "primary" ${x}', Engine="redis",
        EngineVersion="7.1", CacheNodeType="cache.t3.small", NumCacheClusters=1,
        SnapshotRetentionLimit=5, SnapshotWindow="03:00-04:00", PreferredMaintenanceWindow="sun:05:00-sun:06:00",
        CacheParameterGroupName="default.redis7", Tags=[{"Key": "team", "Value": "web"}],
    )["ReplicationGroup"]
    # AWS makes the group's member cluster with it; moto only names it, so the member is made as AWS reports it.
    elasticache.create_cache_cluster(
        CacheClusterId=group["MemberClusters"][0], ReplicationGroupId="sessions", Engine="redis", EngineVersion="7.1",
        CacheNodeType="cache.t3.small", NumCacheNodes=1, CacheParameterGroupName="default.redis7",
        PreferredMaintenanceWindow="sun:05:00-sun:06:00", SnapshotRetentionLimit=5, SnapshotWindow="03:00-04:00",
        AutoMinorVersionUpgrade=True,
    )
    record = cloudtrail("elasticache.amazonaws.com", "CreateReplicationGroup",
                        {"replicationGroupId": "Sessions", "replicationGroupDescription": 'Web sessions "primary" ${x}',
                         "engine": "redis", "engineVersion": "7.1", "cacheNodeType": "cache.t3.small",
                         "numCacheClusters": 1,
                         "tags": [{"key": "team", "value": "web"}]},
                        {"replicationGroupId": "sessions", "description": 'Web sessions "primary" ${x}',
                         "status": "creating", "aRN": group["ARN"]})
    expect = {"replication_group_id": "sessions", "description": 'Web sessions "primary" ${x}', "engine": "redis",
              "engine_version": "7.1", "node_type": "cache.t3.small", "num_cache_clusters": 1,
              "snapshot_retention_limit": 5, "snapshot_window": "03:00-04:00",
              "maintenance_window": "sun:05:00-sun:06:00", "tags": {"team": "web"}}
    return Made(record, "sessions", expect)


def _group_gone(aws: Aws, group_id: str) -> bool:
    try:
        [group] = aws("elasticache").describe_replication_groups(ReplicationGroupId=group_id)["ReplicationGroups"]
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "ReplicationGroupNotFoundFault"
    return group["Status"] == "deleting"


CASES = {"aws_elasticache_replication_group": make_replication_group}
GONE = {"aws_elasticache_replication_group": _group_gone}
