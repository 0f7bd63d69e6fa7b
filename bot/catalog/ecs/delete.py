"""Deleting ECS clusters."""

from __future__ import annotations

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_ecs_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ecs = aws("ecs")
    clusters = ecs.describe_clusters(clusters=[req.import_id])["clusters"]
    if not clusters or clusters[0].get("status") == "INACTIVE":
        raise AlreadyGone(req.import_id)
    call(ecs.delete_cluster, cluster=req.import_id)
    return DeleteOutcome(f"Deleted ECS cluster {req.import_id}.")


EXECUTORS = {
    "aws_ecs_cluster": delete_ecs_cluster,
}
