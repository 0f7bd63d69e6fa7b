"""Amazon ECS: every cluster, the latest active revision of every task definition family, and every cluster's
services."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import chunks, paged, paged_unless_gone
from bot.catalog.base import Listed, Lister, ScanScope, name_tag, tags_from_pairs, text
from bot.catalog.ecs import _cluster_console, _cluster_name, _service_console, _task_definition_console

# DescribeClusters takes up to 100 clusters a call, DescribeServices up to 10 services.
_CLUSTERS_PER_DESCRIBE = 100
_SERVICES_PER_DESCRIBE = 10
# A cluster on its way out (deleted clusters stay INACTIVE for a while), and a service being or already deleted.
_GONE_CLUSTER = frozenset({"DEPROVISIONING", "INACTIVE"})
_GONE_SERVICE = frozenset({"DRAINING", "INACTIVE"})
# AWS Batch makes an ECS cluster of its own for every managed compute environment, named
# <compute environment>_Batch_<uuid>: Batch manages it, nobody made it by hand. The cluster ECS calls "default" is
# listed: a person (or an ECS agent they configured) made it, and its creation record is reported too.
_BATCH_CLUSTER = re.compile(r"_Batch_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _cluster_arns(ecs: Any) -> list[str]:
    return list(paged(ecs, "list_clusters", "clusterArns"))


def _clusters(scope: ScanScope) -> Iterator[Listed]:
    ecs = scope.clients("ecs")
    for batch in chunks(_cluster_arns(ecs), _CLUSTERS_PER_DESCRIBE):
        # A cluster deleted since the listing comes back among the answer's failures, not its clusters.
        for cluster in ecs.describe_clusters(clusters=batch, include=["TAGS"]).get("clusters", []):
            name, status = cluster["clusterName"], text(cluster.get("status"))
            if status in _GONE_CLUSTER or _BATCH_CLUSTER.search(name):
                continue
            facts = [("services", str(cluster.get("activeServicesCount", 0))),
                     ("running tasks", str(cluster.get("runningTasksCount", 0))),
                     ("container instances", str(cluster.get("registeredContainerInstancesCount", 0)))]
            if status and status != "ACTIVE":
                facts.append(("state", status.lower()))
            yield Listed(
                import_id=name,
                name=name,
                arn=cluster.get("clusterArn") or scope.arn("ecs", f"cluster/{name}"),
                console_url=_cluster_console(scope.region, name),
                tags=tags_from_pairs(cluster.get("tags")),
                facts=tuple(facts),
            )


def _task_definitions(scope: ScanScope) -> Iterator[Listed]:
    """The latest ACTIVE revision of each family, and only that one: an aws_ecs_task_definition holds one revision
    of a family (the provider registers a new one on every change and deregisters the one it replaces), so adopting
    a family means adopting its latest revision; the older active ones are its history, not resources of their own
    to codify, and a family deployed by a pipeline may have hundreds. INACTIVE and DELETE_IN_PROGRESS revisions are
    never listed (status=ACTIVE)."""
    latest: dict[str, tuple[int, str]] = {}
    active: dict[str, int] = {}
    for arn in paged(scope.clients("ecs"), "list_task_definitions", "taskDefinitionArns", status="ACTIVE"):
        # arn:<partition>:ecs:<region>:<account>:task-definition/<family>:<revision>
        family, _, revision = arn.rsplit(":task-definition/", 1)[-1].rpartition(":")
        if not family or not revision.isdigit():
            continue
        active[family] = active.get(family, 0) + 1
        if family not in latest or int(revision) > latest[family][0]:
            latest[family] = (int(revision), arn)
    for family in sorted(latest):
        revision, arn = latest[family]
        yield Listed(
            import_id=arn,
            name=f"{family}:{revision}",
            arn=arn,
            console_url=_task_definition_console(scope.region, family, str(revision)),
            facts=(("revision", str(revision)), ("active revisions", str(active[family]))),
        )


def _services(scope: ScanScope) -> Iterator[Listed]:
    ecs = scope.clients("ecs")
    for cluster_arn in _cluster_arns(ecs):
        arns = paged_unless_gone(ecs, "list_services", "serviceArns", gone="ClusterNotFoundException",
                                 cluster=cluster_arn)
        if arns is None:
            continue  # deleted since the listing
        for batch in chunks(arns, _SERVICES_PER_DESCRIBE):
            answer = ecs.describe_services(cluster=cluster_arn, services=batch, include=["TAGS"])
            for service in answer.get("services", []):
                if text(service.get("status")) not in _GONE_SERVICE:
                    yield _service(scope, cluster_arn, service)


def _service(scope: ScanScope, cluster_arn: str, service: Mapping[str, Any]) -> Listed:
    name = service["serviceName"]
    cluster = _cluster_name(text(service.get("clusterArn")) or cluster_arn)
    tags = tags_from_pairs(service.get("tags"))
    return Listed(
        import_id=f"{cluster}/{name}",
        name=name_tag(tags) or name,
        arn=service.get("serviceArn") or scope.arn("ecs", f"service/{cluster}/{name}"),
        console_url=_service_console(scope.region, cluster, name),
        tags=tags,
        facts=_service_facts(service),
    )


def _service_facts(service: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    providers = [text(p.get("capacityProvider")) for p in service.get("capacityProviderStrategy") or []]
    if text(service.get("launchType")):
        facts.append(("launch type", service["launchType"]))
    elif any(providers):
        facts.append(("capacity providers", ", ".join(p for p in providers if p)))
    if service.get("schedulingStrategy") == "DAEMON":
        facts.append(("scheduling", "DAEMON"))
    facts.append(("desired tasks", str(service.get("desiredCount", 0))))
    facts.append(("running tasks", str(service.get("runningCount", 0))))
    task_definition = text(service.get("taskDefinition"))
    if task_definition:
        facts.append(("task definition", task_definition.rsplit(":task-definition/", 1)[-1]))
    return tuple(facts)


LISTERS = {
    "aws_ecs_cluster": Lister(("ecs:ListClusters", "ecs:DescribeClusters"), _clusters),
    "aws_ecs_task_definition": Lister(("ecs:ListTaskDefinitions",), _task_definitions),
    "aws_ecs_service": Lister(("ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices"), _services),
}
