"""Deleting Redshift clusters: a final snapshot is kept, named after the cluster."""

from __future__ import annotations

from botocore.exceptions import ClientError

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRequest, call, final_name
from bot.catalog.template_input import Clients

_GONE = ("ClusterNotFound", "ClusterNotFoundFault")


def delete_redshift_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    redshift = aws("redshift")
    try:
        cluster = redshift.describe_clusters(ClusterIdentifier=req.import_id)["Clusters"][0]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _GONE:
            raise AlreadyGone(str(exc)) from None
        raise
    if cluster.get("ClusterStatus") in ("deleting", "final-snapshot"):
        raise AlreadyGone(f"Redshift cluster {req.import_id} is already being deleted")
    snapshot = final_name(req.import_id)
    call(redshift.delete_cluster, ClusterIdentifier=req.import_id, SkipFinalClusterSnapshot=False,
         FinalClusterSnapshotIdentifier=snapshot)
    return DeleteOutcome(f"Deleting Redshift cluster {req.import_id}, with final snapshot {snapshot}.",
                         kept=snapshot)


EXECUTORS = {
    "aws_redshift_cluster": delete_redshift_cluster,
}
