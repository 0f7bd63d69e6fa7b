"""Deleting ECS clusters; deregistering task definitions (AWS keeps a deregistered revision, INACTIVE, and the
tasks and services already running it go on); deleting services, refused while they still run tasks."""

from __future__ import annotations

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_ecs_cluster(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ecs = aws("ecs")
    clusters = ecs.describe_clusters(clusters=[req.import_id])["clusters"]
    if not clusters or clusters[0].get("status") == "INACTIVE":
        raise AlreadyGone(req.import_id)
    call(ecs.delete_cluster, cluster=req.import_id)
    return DeleteOutcome(f"Deleted ECS cluster {req.import_id}.")


def deregister_task_definition(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ecs = aws("ecs")
    task = call(ecs.describe_task_definition, taskDefinition=req.import_id).get("taskDefinition") or {}
    if not task or task.get("status") in ("INACTIVE", "DELETE_IN_PROGRESS"):
        raise AlreadyGone(req.import_id)
    # Deregistering is the safe default: the revision stays readable (INACTIVE), nothing running stops. Deleting
    # it for good (DeleteTaskDefinitions) is left to a person.
    call(ecs.deregister_task_definition, taskDefinition=req.import_id)
    revision = f"{task.get('family')}:{task.get('revision')}"
    return DeleteOutcome(f"Deregistered task definition {revision}: no new task or service can use it; tasks "
                         "already running it go on, and AWS keeps it as INACTIVE.")


def delete_service(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ecs = aws("ecs")
    cluster, _, name = req.import_id.partition("/")
    found = call(ecs.describe_services, cluster=cluster, services=[name]).get("services") or []
    if not found or found[0].get("status") in ("INACTIVE", "DRAINING"):
        raise AlreadyGone(req.import_id)
    service = found[0]
    running = (service.get("runningCount") or 0) + (service.get("pendingCount") or 0)
    if service.get("desiredCount") or running:
        raise DeleteRefused(f"ECS service {req.import_id} still runs {running} task(s) (desired count "
                            f"{service.get('desiredCount')}); scale it to 0 first")
    call(ecs.delete_service, cluster=cluster, service=name)
    return DeleteOutcome(f"Deleted ECS service {req.import_id}; its task definition and cluster are kept.")


EXECUTORS = {
    "aws_ecs_cluster": delete_ecs_cluster,
    "aws_ecs_task_definition": deregister_task_definition,
    "aws_ecs_service": delete_service,
}
