"""Deleting ElastiCache clusters: a Redis cluster outside a replication group keeps a final snapshot."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call, final_name
from bot.catalog.template_input import Clients


def delete_cache_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    elasticache = aws("elasticache")
    cluster = call(elasticache.describe_cache_clusters, CacheClusterId=req.import_id)["CacheClusters"][0]
    if cluster.get("Engine") == "redis" and not cluster.get("ReplicationGroupId"):
        snapshot = final_name(req.import_id)
        call(elasticache.delete_cache_cluster, CacheClusterId=req.import_id, FinalSnapshotIdentifier=snapshot)
        return DeleteOutcome(f"Deleting cache cluster {req.import_id}, with final snapshot {snapshot}.",
                             kept=snapshot)
    # Memcached keeps nothing to snapshot; a replication group member is snapshotted through its group.
    call(elasticache.delete_cache_cluster, CacheClusterId=req.import_id)
    return DeleteOutcome(f"Deleting cache cluster {req.import_id}.")


EXECUTORS = {
    "aws_elasticache_cluster": delete_cache_cluster,
}
