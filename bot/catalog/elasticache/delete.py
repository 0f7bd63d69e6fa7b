"""Deleting ElastiCache clusters and replication groups: a Redis cluster outside a replication group, and a
replication group, keep a final snapshot."""

from __future__ import annotations

from botocore.exceptions import ClientError

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest, call, final_name
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


def delete_replication_group(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    elasticache = aws("elasticache")
    try:
        group = elasticache.describe_replication_groups(ReplicationGroupId=req.import_id)["ReplicationGroups"][0]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("ReplicationGroupNotFoundFault", "ReplicationGroupNotFound"):
            raise AlreadyGone(str(exc)) from None
        raise
    if group.get("Status") == "deleting":
        raise AlreadyGone(f"replication group {req.import_id} is already being deleted")
    if group.get("GlobalReplicationGroupInfo", {}).get("GlobalReplicationGroupId"):
        raise DeleteRefused(f"replication group {req.import_id} belongs to global datastore "
                            f"{group['GlobalReplicationGroupInfo']['GlobalReplicationGroupId']}; remove it first")
    snapshot = final_name(req.import_id)
    call(elasticache.delete_replication_group, ReplicationGroupId=req.import_id, RetainPrimaryCluster=False,
         FinalSnapshotIdentifier=snapshot)
    return DeleteOutcome(f"Deleting replication group {req.import_id} and its clusters, with final snapshot "
                         f"{snapshot}.", kept=snapshot)


EXECUTORS = {
    "aws_elasticache_cluster": delete_cache_cluster,
    "aws_elasticache_replication_group": delete_replication_group,
}
