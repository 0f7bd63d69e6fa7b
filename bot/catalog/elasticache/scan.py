"""Amazon ElastiCache: standalone cache clusters (a replication group's member clusters are the group's) and
replication groups."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, text
from bot.catalog.elasticache import _cluster_console, _group_console

# Being deleted: not there to adopt.
_GOING = {"deleting"}


def _state_fact(status: str) -> tuple[tuple[str, str], ...]:
    return (("state", status),) if status and status != "available" else ()


def _engine_fact(engine: str, version: str) -> tuple[tuple[str, str], ...]:
    value = " ".join(v for v in (engine, version) if v)
    return (("engine", value),) if value else ()


def _clusters(scope: ScanScope) -> Iterator[Listed]:
    for cluster in paged(scope.clients("elasticache"), "describe_cache_clusters", "CacheClusters"):
        # A replication group's members are made with the group (CreateReplicationGroup, or a shard or replica
        # added to it): the group's aws_elasticache_replication_group holds them, not aws_elasticache_cluster.
        if text(cluster.get("ReplicationGroupId")) or text(cluster.get("CacheClusterStatus")) in _GOING:
            continue
        # ElastiCache stores the ID lower-cased; the resolver and the provider's import use that stored form.
        cluster_id = text(cluster["CacheClusterId"]).lower()
        engine = text(cluster.get("Engine")).lower()
        facts = (
            ("nodes", f"{cluster.get('NumCacheNodes', 0)} x {text(cluster.get('CacheNodeType'))}"),
            *_engine_fact(text(cluster.get("Engine")), text(cluster.get("EngineVersion"))),
            *_state_fact(text(cluster.get("CacheClusterStatus"))),
        )
        yield Listed(
            import_id=cluster_id,
            name=cluster_id,
            arn=text(cluster.get("ARN")) or scope.arn("elasticache", f"cluster:{cluster_id}"),
            console_url=_cluster_console(scope.region, cluster_id, engine),
            facts=facts,
        )


def _groups(scope: ScanScope) -> Iterator[Listed]:
    for group in paged(scope.clients("elasticache"), "describe_replication_groups", "ReplicationGroups"):
        if text(group.get("Status")) in _GOING:
            continue
        group_id = text(group["ReplicationGroupId"]).lower()
        engine = text(group.get("Engine")).lower()
        # Each member cluster is one node (a shard's primary or a replica).
        nodes = len(dict.fromkeys(group.get("MemberClusters") or ()))
        shards = len(group.get("NodeGroups") or ())
        node_type = text(group.get("CacheNodeType"))
        facts = [("nodes", f"{nodes} x {node_type}") if nodes else ("node type", node_type)]
        if group.get("ClusterEnabled") or shards > 1:  # cluster mode: the data is split over shards
            facts.append(("shards", str(shards)))
        facts.extend(_engine_fact(text(group.get("Engine")), ""))
        facts.extend(_state_fact(text(group.get("Status"))))
        yield Listed(
            import_id=group_id,
            name=group_id,
            arn=text(group.get("ARN")) or scope.arn("elasticache", f"replicationgroup:{group_id}"),
            console_url=_group_console(scope.region, group_id, engine),
            facts=tuple((label, value) for label, value in facts if value),
        )


LISTERS = {
    "aws_elasticache_cluster": Lister(("elasticache:DescribeCacheClusters",), _clusters),
    "aws_elasticache_replication_group": Lister(("elasticache:DescribeReplicationGroups",), _groups),
}
