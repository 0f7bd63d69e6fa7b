"""Amazon Elastic Container Service: clusters, task definitions and services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    console,
    dig,
    first,
    name_tag,
    need,
    q,
    region_of,
    spelled,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord

# CreateCluster without clusterName makes the cluster ECS calls "default".
_DEFAULT_CLUSTER = "default"


def _cluster_console(region: str, name: str) -> str:
    return console(region, f"ecs/v2/clusters/{q(name)}/services?region={q(region)}")


def _task_definition_console(region: str, family: str, revision: str) -> str:
    return console(region, f"ecs/v2/task-definitions/{q(family)}/{q(revision)}/containers?region={q(region)}")


def _service_console(region: str, cluster: str, name: str) -> str:
    return console(region, f"ecs/v2/clusters/{q(cluster)}/services/{q(name)}/health?region={q(region)}")


def _cluster(record: CloudTrailRecord) -> list[Found]:
    name = first((text(dig(record.response, "cluster", "clusterName")), text(record.request.get("clusterName"))))
    if not name:
        # Only a request that was recorded and left the name out means the default cluster.
        if not isinstance(record.raw.get("requestParameters"), dict):
            raise ExtractError("the record has no requestParameters.clusterName")
        name = _DEFAULT_CLUSTER
    region = region_of(record)
    arn = text(dig(record.response, "cluster", "clusterArn"))
    if not arn:
        arn = _arn.build(record, "ecs", f"cluster/{name}")
    tags = tags_from_pairs(record.request.get("tags")) or tags_from_pairs(dig(record.response, "cluster", "tags"))
    return [
        Found(
            import_id=name,
            name=name,
            arn=arn,
            console_url=_cluster_console(region, name),
            tags=tags,
        )
    ]


def _state_id(attributes: Mapping[str, Any]) -> str | None:
    # The provider's id is the cluster ARN, but import takes the name.
    name = attributes.get("name")
    if isinstance(name, str) and name:
        return name
    arn = attributes.get("id") or attributes.get("arn")
    if isinstance(arn, str) and ":cluster/" in arn:
        return arn.rsplit(":cluster/", 1)[1] or None
    return None



def _task_definition(record: CloudTrailRecord) -> list[Found]:
    # Every RegisterTaskDefinition makes a new revision, a resource of its own: the ARN with the revision.
    arn = need(spelled(record.response, "taskDefinition", "taskDefinitionArn"),
               "responseElements.taskDefinition.taskDefinitionArn")
    family_revision = arn.rsplit(":task-definition/", 1)[-1]
    family, _, revision = family_revision.partition(":")
    tags = tags_from_pairs(spelled(record.request, "tags")) or tags_from_pairs(spelled(record.response, "tags"))
    region = region_of(record)
    return [
        Found(
            import_id=arn,
            name=name_tag(tags) or family_revision,
            arn=arn,
            console_url=_task_definition_console(region, family, revision),
            tags=tags,
        )
    ]


def _cluster_name(value: str) -> str:
    """A cluster's name from its name or ARN (arn:...:cluster/<name>)."""
    return value.rsplit(":cluster/", 1)[1] if ":cluster/" in value else value


def _service(record: CloudTrailRecord) -> list[Found]:
    service = spelled(record.response, "service")
    name = first((text(spelled(service, "serviceName")), text(spelled(record.request, "serviceName"))))
    name = need(name, "requestParameters.serviceName")
    cluster = first((text(spelled(service, "clusterArn")), text(spelled(record.request, "cluster"))))
    if not cluster:
        # A recorded request that names no cluster made the service in the one ECS calls "default".
        if not isinstance(record.raw.get("requestParameters"), dict):
            raise ExtractError("the record has no requestParameters.cluster")
        cluster = _DEFAULT_CLUSTER
    cluster = _cluster_name(cluster)
    arn = text(spelled(service, "serviceArn")) or _arn.build(record, "ecs", f"service/{cluster}/{name}")
    tags = tags_from_pairs(spelled(record.request, "tags")) or tags_from_pairs(spelled(service, "tags"))
    region = region_of(record)
    return [
        Found(
            import_id=f"{cluster}/{name}",
            name=name_tag(tags) or name,
            arn=arn,
            console_url=_service_console(region, cluster, name),
            tags=tags,
        )
    ]


def _task_definition_state_id(attributes: Mapping[str, Any]) -> str | None:
    # The provider's id is the family; import takes the ARN of the revision.
    arn = attributes.get("arn")
    return arn if isinstance(arn, str) and arn else None


def _service_state_id(attributes: Mapping[str, Any]) -> str | None:
    # The provider's id is the service ARN; import takes cluster-name/service-name.
    name, cluster = attributes.get("name"), attributes.get("cluster")
    if isinstance(name, str) and name and isinstance(cluster, str) and cluster:
        return f"{_cluster_name(cluster)}/{name}"
    arn = attributes.get("id")
    if isinstance(arn, str) and ":service/" in arn and arn.count("/") >= 2:
        return arn.split(":service/", 1)[1]
    return None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_ecs_cluster",
        label="ECS cluster",
        service="ecs",
        event_source="ecs.amazonaws.com",
        create_events=("CreateCluster",),
        delete_events=("DeleteCluster",),
        resolve=_cluster,
        import_id_format="cluster name: `terraform import aws_ecs_cluster.stateless stateless-app`",
        # ECS refuses to delete a cluster that still has services or container instances, and the cluster itself
        # stores nothing: task definitions, images and logs live elsewhere.
        loses_data=False,
        state_import_id=_state_id,
    ),
    CatalogEntry(
        tf_type="aws_ecs_task_definition",
        label="ECS task definition",
        service="ecs",
        event_source="ecs.amazonaws.com",
        create_events=("RegisterTaskDefinition",),
        delete_events=("DeregisterTaskDefinition", "DeleteTaskDefinitions"),
        resolve=_task_definition,
        import_id_format=(
            "task definition ARN with its revision: `terraform import aws_ecs_task_definition.example "
            "arn:aws:ecs:us-east-1:012345678910:task-definition/mytaskfamily:123`"
        ),
        state_import_id=_task_definition_state_id,
        # A description of containers to run; the images and the data they write live elsewhere.
        loses_data=False,
    ),
    CatalogEntry(
        tf_type="aws_ecs_service",
        label="ECS service",
        service="ecs",
        event_source="ecs.amazonaws.com",
        create_events=("CreateService",),
        delete_events=("DeleteService",),
        resolve=_service,
        import_id_format="cluster name and service name: `terraform import aws_ecs_service.imported "
        "cluster-name/service-name`",
        state_import_id=_service_state_id,
        # Its tasks are replaceable copies of the task definition; volumes it made for them are the task's.
        loses_data=False,
        # Terraform-only: whether an apply waits for the service to settle. An import does not record it; the
        # provider's default (false) changes nothing in AWS.
        argument_only_updates=("wait_for_steady_state",),
    ),
)
