"""Deleting EKS clusters: refused while node groups remain."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_eks_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    eks = aws("eks")
    groups = call(eks.list_nodegroups, clusterName=req.import_id).get("nodegroups", [])
    if groups:
        raise DeleteRefused(f"EKS cluster {req.import_id} still has node groups ({', '.join(groups)}); delete them "
                            "first")
    call(eks.delete_cluster, name=req.import_id)
    return DeleteOutcome(f"Deleting EKS cluster {req.import_id}.")


EXECUTORS = {
    "aws_eks_cluster": delete_eks_cluster,
}
