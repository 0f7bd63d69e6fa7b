"""Amazon EFS file systems, with the backup policy as the separate resource the AWS provider expects, and their
mount targets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.catalog._describe import clean_tags, optional, pair_tags
from bot.catalog.template_input import Clients, Companion, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

# The provider's defaults, left out of the code (the console picks elastic throughput; the API, bursting).
_DEFAULT_PERFORMANCE = "generalPurpose"
_DEFAULT_THROUGHPUT = "bursting"
# Each lifecycle policy holds one transition; the API's names and the provider's.
_TRANSITIONS = {
    "TransitionToIA": "transition_to_ia",
    "TransitionToPrimaryStorageClass": "transition_to_primary_storage_class",
    "TransitionToArchive": "transition_to_archive",
}


def _args(system: Mapping[str, Any], lifecycle: Iterable[Mapping[str, Any]], tags: Mapping[str, str],
          backup: str | None) -> dict[str, Any]:
    """The arguments from a file system in the API's field names (PascalCase or CloudTrail's camelCase)."""

    def get(name: str) -> Any:
        return system.get(name, system.get(name[0].lower() + name[1:]))

    encrypted = get("Encrypted") is True
    throughput = get("ThroughputMode") or _DEFAULT_THROUGHPUT
    performance = get("PerformanceMode") or _DEFAULT_PERFORMANCE
    policies = []
    for policy in lifecycle:
        for field, argument in _TRANSITIONS.items():
            value = policy.get(field, policy.get(field[0].lower() + field[1:]))
            if value:
                policies.append({argument: value})
    return {
        "creation_token": get("CreationToken") or None,
        "availability_zone_name": get("AvailabilityZoneName") or None,
        "performance_mode": performance if performance != _DEFAULT_PERFORMANCE else None,
        "throughput_mode": throughput if throughput != _DEFAULT_THROUGHPUT else None,
        "provisioned_throughput_in_mibps": get("ProvisionedThroughputInMibps") if throughput == "provisioned" else None,
        "encrypted": True if encrypted else None,
        "kms_key_id": (get("KmsKeyId") or None) if encrypted else None,
        "lifecycle_policies": policies,
        "tags": clean_tags(tags),
        "backup_policy": {"status": backup} if backup else None,
    }


def _model(file_system_id: str, args: dict[str, Any]) -> Model:
    backup = args.get("backup_policy")
    companions = (Companion("aws_efs_backup_policy", file_system_id),) if backup else ()
    return Model(args=args, companions=companions)


def _describe_file_system(clients: Clients, resource: Resource) -> Model:
    efs = clients("efs")
    systems = efs.describe_file_systems(FileSystemId=resource.import_id).get("FileSystems") or []
    if not systems:
        raise NotFound(resource.import_id)
    [system] = systems
    lifecycle = efs.describe_lifecycle_configuration(FileSystemId=resource.import_id).get("LifecyclePolicies")
    # A file system that never had automatic backups has no backup policy at all.
    backup = optional(efs.describe_backup_policy, "PolicyNotFound", FileSystemId=resource.import_id)
    status = ((backup or {}).get("BackupPolicy") or {}).get("Status")
    args = _args(system, lifecycle or (), pair_tags(system.get("Tags")), status if status == "ENABLED" else None)
    return _model(resource.import_id, args)


def _file_system_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    response = record.response if record is not None else {}
    # The response repeats what the request chose and adds what AWS decided (the KMS key, the throughput mode).
    system = {**request, **response}
    backup = "ENABLED" if request.get("backup") is True else None
    # Lifecycle policies are set by a later call (PutLifecycleConfiguration), never by the creation.
    return _model(resource.import_id, _args(system, (), resource.tags, backup))


def _mount_target_args(target: Mapping[str, Any], groups: Iterable[str], address: str | None = None) -> dict[str, Any]:
    """The arguments; the IP address only where the person asked for one (AWS picks it from the subnet otherwise,
    and the provider reads it back computed)."""

    def get(name: str) -> Any:
        return target.get(name, target.get(name[0].lower() + name[1:]))

    return {
        "file_system_id": get("FileSystemId"),
        "subnet_id": get("SubnetId"),
        "ip_address": address or None,
        "security_groups": sorted(str(g) for g in groups if g),
    }


def _describe_mount_target(clients: Clients, resource: Resource) -> Model:
    efs = clients("efs")
    targets = efs.describe_mount_targets(MountTargetId=resource.import_id).get("MountTargets") or []
    if not targets or targets[0].get("LifeCycleState") in ("deleting", "deleted"):
        raise NotFound(resource.import_id)
    groups = efs.describe_mount_target_security_groups(MountTargetId=resource.import_id).get("SecurityGroups")
    return Model(args=_mount_target_args(targets[0], groups or ()))


def _mount_target_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    response = record.response if record is not None else {}
    groups = request.get("securityGroups") or ()
    address = request.get("ipAddress") if isinstance(request.get("ipAddress"), str) else None
    return Model(args=_mount_target_args({**request, **response}, groups if isinstance(groups, list) else (), address))


CODEGEN = (
    TypeCodegen(
        "aws_efs_file_system",
        _describe_file_system,
        _file_system_from_event,
        companion_types=("aws_efs_backup_policy",),
    ),
    TypeCodegen("aws_efs_mount_target", _describe_mount_target, _mount_target_from_event),
)
