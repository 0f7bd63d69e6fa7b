"""Deleting RDS instances and clusters, and DocumentDB clusters: refused while deletion protection is on, and for a
cluster while it still has instances; a final snapshot is kept (a cluster member's data stays in its cluster)."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call, final_name
from bot.catalog.template_input import Clients


def delete_db_instance(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    rds = aws("rds")
    instance = call(rds.describe_db_instances, DBInstanceIdentifier=req.import_id)["DBInstances"][0]
    if instance.get("DeletionProtection"):
        raise DeleteRefused(f"DB instance {req.import_id} has deletion protection on; turn it off to delete it")
    if instance.get("DBClusterIdentifier"):
        # A cluster member's data lives in the cluster; RDS takes no instance snapshot of it.
        call(rds.delete_db_instance, DBInstanceIdentifier=req.import_id, SkipFinalSnapshot=True)
        return DeleteOutcome(f"Deleted DB instance {req.import_id}; its data stays in cluster "
                             f"{instance['DBClusterIdentifier']}.")
    snapshot = final_name(req.import_id)
    call(rds.delete_db_instance, DBInstanceIdentifier=req.import_id, SkipFinalSnapshot=False,
         FinalDBSnapshotIdentifier=snapshot, DeleteAutomatedBackups=False)
    return DeleteOutcome(f"Deleting DB instance {req.import_id}, with final snapshot {snapshot}.", kept=snapshot)


def delete_rds_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    rds = aws("rds")
    cluster = call(rds.describe_db_clusters, DBClusterIdentifier=req.import_id)["DBClusters"][0]
    if cluster.get("DeletionProtection"):
        raise DeleteRefused(f"DB cluster {req.import_id} has deletion protection on; turn it off to delete it")
    members = [m["DBInstanceIdentifier"] for m in cluster.get("DBClusterMembers", [])]
    if members:
        raise DeleteRefused(f"DB cluster {req.import_id} still has DB instances ({', '.join(members)}); "
                            "delete them first")
    snapshot = final_name(req.import_id)
    call(rds.delete_db_cluster, DBClusterIdentifier=req.import_id, SkipFinalSnapshot=False,
         FinalDBSnapshotIdentifier=snapshot)
    return DeleteOutcome(f"Deleting DB cluster {req.import_id}, with final snapshot {snapshot}.", kept=snapshot)


def delete_rds_cluster_instance(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    # The member's own describe decides: an instance that left its cluster is deleted as one, with its snapshot.
    return delete_db_instance(aws, req)


def delete_docdb_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    docdb = aws("docdb")
    cluster = call(docdb.describe_db_clusters, DBClusterIdentifier=req.import_id)["DBClusters"][0]
    if cluster.get("DeletionProtection"):
        raise DeleteRefused(f"DocumentDB cluster {req.import_id} has deletion protection on; turn it off to delete it")
    members = [m["DBInstanceIdentifier"] for m in cluster.get("DBClusterMembers", [])]
    if members:
        raise DeleteRefused(f"DocumentDB cluster {req.import_id} still has instances ({', '.join(members)}); "
                            "delete them first")
    snapshot = final_name(req.import_id)
    call(docdb.delete_db_cluster, DBClusterIdentifier=req.import_id, SkipFinalSnapshot=False,
         FinalDBSnapshotIdentifier=snapshot)
    return DeleteOutcome(f"Deleting DocumentDB cluster {req.import_id}, with final snapshot {snapshot}.",
                         kept=snapshot)


EXECUTORS = {
    "aws_db_instance": delete_db_instance,
    "aws_rds_cluster": delete_rds_cluster,
    "aws_rds_cluster_instance": delete_rds_cluster_instance,
    "aws_docdb_cluster": delete_docdb_cluster,
}
