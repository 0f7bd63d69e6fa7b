"""Amazon ECS clusters, task definitions and services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource
from renderers.hcl import JsonDocument

# The execute-command log settings: the API's names and the provider's.
_LOG_CONFIGURATION = {
    "cloudWatchEncryptionEnabled": "cloud_watch_encryption_enabled",
    "cloudWatchLogGroupName": "cloud_watch_log_group_name",
    "s3BucketEncryptionEnabled": "s3_bucket_encryption_enabled",
    "s3BucketName": "s3_bucket_name",
    "s3KeyPrefix": "s3_key_prefix",
}


def _configuration(configuration: Mapping[str, Any]) -> dict[str, Any] | None:
    """The `configuration` block: execute-command settings and the managed storage keys, where any is set."""
    execute = configuration.get("executeCommandConfiguration") or {}
    logs = execute.get("logConfiguration") or {}
    storage = configuration.get("managedStorageConfiguration") or {}
    out: dict[str, Any] = {}
    if execute:
        out["execute_command"] = {
            "kms_key_id": execute.get("kmsKeyId") or None,
            "logging": execute.get("logging") or None,
            "log_configuration": {
                argument: logs[field]
                for field, argument in _LOG_CONFIGURATION.items()
                if logs.get(field) not in (None, "")
            },
        }
    if storage.get("kmsKeyId") or storage.get("fargateEphemeralStorageKmsKeyId"):
        out["managed_storage"] = {
            "kms_key_id": storage.get("kmsKeyId") or None,
            "fargate_ephemeral_storage_kms_key_id": storage.get("fargateEphemeralStorageKmsKeyId") or None,
        }
    return out or None


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    settings = [
        {"name": s.get("name"), "value": s.get("value")}
        for s in cluster.get("settings") or ()
        if s.get("name") == "containerInsights" and s.get("value") not in (None, "disabled")
    ]
    return {
        "name": cluster.get("clusterName"),
        "settings": settings,
        "configuration": _configuration(cluster.get("configuration") or {}),
        "service_connect_namespace": dig(cluster, "serviceConnectDefaults", "namespace") or None,
        "tags": clean_tags(tags),
    }


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    found = clients("ecs").describe_clusters(
        clusters=[resource.import_id], include=["SETTINGS", "TAGS", "CONFIGURATIONS"]
    )["clusters"]
    if not found or found[0].get("status") == "INACTIVE":
        raise NotFound(f"ECS cluster {resource.import_id}")
    return Model(args=_cluster_args(found[0], pair_tags(found[0].get("tags"), "key", "value")))


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    cluster = dict(dig(record.response, "cluster") or {}) if record is not None else {}
    if record is not None:
        for key in ("settings", "configuration", "serviceConnectDefaults"):
            if not cluster.get(key):
                cluster[key] = record.request.get(key)
    cluster["clusterName"] = resource.import_id
    return Model(args=_cluster_args(cluster, resource.tags))


# aws_ecs_task_definition

# What DescribeTaskDefinition reports about a revision beyond what was registered: AWS's bookkeeping.
_TASK_BOOKKEEPING = ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
                     "registeredAt", "registeredBy", "deregisteredAt")


def _compact(value: Any) -> Any:
    """A container definition without the empty lists, maps and nulls AWS adds: the provider compares definitions
    with those left out, and the code reads better without them."""
    if isinstance(value, Mapping):
        out = {k: _compact(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def _volume(volume: Mapping[str, Any]) -> dict[str, Any]:
    efs = volume.get("efsVolumeConfiguration") or {}
    docker = volume.get("dockerVolumeConfiguration") or {}
    auth = efs.get("authorizationConfig") or {}
    return {
        "name": volume.get("name"),
        "host_path": (volume.get("host") or {}).get("sourcePath"),
        "configure_at_launch": True if volume.get("configuredAtLaunch") else None,
        "efs": {
            "file_system_id": efs.get("fileSystemId"),
            "root_directory": efs.get("rootDirectory"),
            "transit_encryption": efs.get("transitEncryption"),
            "transit_encryption_port": efs.get("transitEncryptionPort"),
            "authorization_config": {"access_point_id": auth.get("accessPointId"), "iam": auth.get("iam")}
            if auth else None,
        } if efs else None,
        "docker": {
            "scope": docker.get("scope"),
            "autoprovision": docker.get("autoprovision"),
            "driver": docker.get("driver"),
            "driver_opts": docker.get("driverOpts") or None,
            "labels": docker.get("labels") or None,
        } if docker else None,
    }


def _task_definition_args(task: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    containers = [_compact(c) for c in task.get("containerDefinitions") or () if isinstance(c, Mapping)]
    platform = task.get("runtimePlatform") or {}
    storage = task.get("ephemeralStorage") or {}
    return {
        "family": task.get("family"),
        "requires_compatibilities": sorted_strings(task.get("requiresCompatibilities")),
        "network_mode": task.get("networkMode"),
        "cpu": str(task["cpu"]) if task.get("cpu") not in (None, "") else None,
        "memory": str(task["memory"]) if task.get("memory") not in (None, "") else None,
        "execution_role_arn": task.get("executionRoleArn"),
        "task_role_arn": task.get("taskRoleArn"),
        "pid_mode": task.get("pidMode"),
        "ipc_mode": task.get("ipcMode"),
        "container_definitions": JsonDocument(containers),
        "runtime_platform": {
            "operating_system_family": platform.get("operatingSystemFamily"),
            "cpu_architecture": platform.get("cpuArchitecture"),
        } if platform else None,
        "ephemeral_storage": {"size_in_gib": storage["sizeInGiB"]} if storage.get("sizeInGiB") else None,
        "volumes": [_volume(v) for v in task.get("volumes") or () if isinstance(v, Mapping) and v.get("name")],
        "placement_constraints": [
            {"type": c.get("type"), "expression": c.get("expression")}
            for c in task.get("placementConstraints") or () if isinstance(c, Mapping) and c.get("type")
        ],
        "tags": clean_tags(tags),
    }


def _describe_task_definition(clients: Clients, resource: Resource) -> Model:
    found = clients("ecs").describe_task_definition(taskDefinition=resource.import_id, include=["TAGS"])
    task = found.get("taskDefinition") or {}
    if not task or task.get("status") in ("INACTIVE", "DELETE_IN_PROGRESS"):
        raise NotFound(f"task definition {resource.import_id}")
    return Model(args=_task_definition_args(task, pair_tags(found.get("tags"), "key", "value")))


def _task_definition_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    task: dict[str, Any] = dict(record.request) if record is not None else {}
    if record is not None:
        response = dig(record.response, "taskDefinition")
        if isinstance(response, dict):
            task.update({k: v for k, v in response.items() if k not in _TASK_BOOKKEEPING})
    return Model(args=_task_definition_args(task, resource.tags))


# aws_ecs_service

# The provider's defaults (and ECS's), left out of the code.
_MAX_PERCENT = 200
_MIN_HEALTHY = 100
_SCHEDULING = "REPLICA"


def _service_args(service: Mapping[str, Any], tags: Mapping[str, str]) -> tuple[dict[str, Any], tuple[str, ...]]:
    deployment = service.get("deploymentConfiguration") or {}
    breaker = deployment.get("deploymentCircuitBreaker") or {}
    controller = (service.get("deploymentController") or {}).get("type")
    network = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    strategy = service.get("schedulingStrategy") or _SCHEDULING
    daemon = strategy == "DAEMON"
    maximum, minimum = deployment.get("maximumPercent"), deployment.get("minimumHealthyPercent")
    propagate = service.get("propagateTags")
    rebalancing = service.get("availabilityZoneRebalancing")
    task_definition = str(service.get("taskDefinition") or "")
    notes: tuple[str, ...] = ()
    if service.get("serviceRegistries") or service.get("serviceConnectConfiguration"):
        notes = ("The service registers with Cloud Map (service discovery or Service Connect), which is not written "
                 "here: add its block before planning.",)
    args = {
        "name": service.get("serviceName"),
        # As the provider reads them back on import: the cluster by ARN, the task definition as family:revision.
        "cluster": service.get("clusterArn"),
        "task_definition": task_definition.rsplit(":task-definition/", 1)[-1] or None,
        "desired_count": None if daemon else service.get("desiredCount"),
        "launch_type": service.get("launchType") if not service.get("capacityProviderStrategy") else None,
        "platform_version": service.get("platformVersion") if service.get("launchType") == "FARGATE" else None,
        "scheduling_strategy": strategy if daemon else None,
        "availability_zone_rebalancing": rebalancing if rebalancing and rebalancing != "DISABLED" else None,
        "deployment_maximum_percent": maximum if maximum is not None and maximum != _MAX_PERCENT and not daemon
        else None,
        "deployment_minimum_healthy_percent": minimum if minimum is not None and minimum != _MIN_HEALTHY else None,
        "health_check_grace_period_seconds": service.get("healthCheckGracePeriodSeconds") or None,
        "enable_execute_command": True if service.get("enableExecuteCommand") else None,
        "enable_ecs_managed_tags": True if service.get("enableECSManagedTags") else None,
        "propagate_tags": propagate if propagate and propagate != "NONE" else None,
        "iam_role": service.get("roleArn") if service.get("loadBalancers") and service.get("roleArn") else None,
        "deployment_controller": controller if controller and controller != "ECS" else None,
        "deployment_circuit_breaker": {"enable": bool(breaker.get("enable")), "rollback": bool(breaker.get("rollback"))}
        if breaker.get("enable") else None,
        "network_configuration": {
            "subnets": sorted_strings(network.get("subnets")),
            "security_groups": sorted_strings(network.get("securityGroups")),
            "assign_public_ip": True if network.get("assignPublicIp") == "ENABLED" else None,
        } if network.get("subnets") else None,
        "load_balancers": [
            {"target_group_arn": lb.get("targetGroupArn"), "elb_name": lb.get("loadBalancerName"),
             "container_name": lb.get("containerName"), "container_port": lb.get("containerPort")}
            for lb in service.get("loadBalancers") or () if isinstance(lb, Mapping)
        ],
        "capacity_provider_strategy": [
            {"capacity_provider": c.get("capacityProvider"), "weight": c.get("weight"), "base": c.get("base") or None}
            for c in service.get("capacityProviderStrategy") or () if isinstance(c, Mapping)
        ],
        "ordered_placement_strategy": [
            {"type": p.get("type"), "field": p.get("field")}
            for p in service.get("placementStrategy") or () if isinstance(p, Mapping)
        ],
        "placement_constraints": [
            {"type": c.get("type"), "expression": c.get("expression")}
            for c in service.get("placementConstraints") or () if isinstance(c, Mapping)
        ],
        "tags": clean_tags(tags),
    }
    return args, notes


def _split(import_id: str) -> tuple[str, str]:
    cluster, _, name = import_id.partition("/")
    return cluster, name


def _describe_service(clients: Clients, resource: Resource) -> Model:
    cluster, name = _split(resource.import_id)
    found = clients("ecs").describe_services(cluster=cluster, services=[name], include=["TAGS"]).get("services")
    if not found or found[0].get("status") in ("INACTIVE", "DRAINING"):
        raise NotFound(f"ECS service {resource.import_id}")
    args, notes = _service_args(found[0], pair_tags(found[0].get("tags"), "key", "value"))
    return Model(args=args, notes=notes)


def _service_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    service: dict[str, Any] = dict(record.request) if record is not None else {}
    if record is not None and isinstance(dig(record.response, "service"), dict):
        service.update(record.response["service"])
    cluster, name = _split(resource.import_id)
    service["serviceName"] = name
    service["clusterArn"] = service.get("clusterArn") or cluster
    args, notes = _service_args(service, resource.tags)
    return Model(args=args, notes=notes)


CODEGEN = (
    TypeCodegen("aws_ecs_cluster", _describe_cluster, _cluster_from_event),
    TypeCodegen("aws_ecs_task_definition", _describe_task_definition, _task_definition_from_event),
    TypeCodegen("aws_ecs_service", _describe_service, _service_from_event),
)
