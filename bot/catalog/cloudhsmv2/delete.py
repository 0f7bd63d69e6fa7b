"""Deleting CloudHSM clusters: only one without HSMs; the cluster's backups stay, as its retention policy says."""

from __future__ import annotations

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_cloudhsm_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    cloudhsm = aws("cloudhsmv2")
    found = call(cloudhsm.describe_clusters, Filters={"clusterIds": [req.import_id]}).get("Clusters") or []
    cluster = found[0] if found else {}
    if not cluster or cluster.get("State") in ("DELETE_IN_PROGRESS", "DELETED"):
        raise AlreadyGone(f"CloudHSM cluster {req.import_id} is deleted or being deleted")
    hsms = [h.get("HsmId", "") for h in cluster.get("Hsms") or ()]
    if hsms:
        raise DeleteRefused(f"CloudHSM cluster {req.import_id} still has HSMs ({', '.join(hsms)}), which hold its "
                            "keys; delete them first")
    call(cloudhsm.delete_cluster, ClusterId=req.import_id)
    return DeleteOutcome(f"Deleting CloudHSM cluster {req.import_id}; its backups stay, as its retention policy says.")


EXECUTORS = {
    "aws_cloudhsm_v2_cluster": delete_cloudhsm_cluster,
}
