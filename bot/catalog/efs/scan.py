"""Amazon EFS: every file system of the region and every mount target of them, less what SageMaker made for its
domains and the destinations of replications."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from bot.catalog._scan import byte_size, error_code, paged
from bot.catalog.base import Listed, Lister, ScanScope, dig, first, name_tag, tags_from_pairs, text
from bot.catalog.efs import _console

# Being deleted, or gone: not there to adopt.
_GOING = {"deleting", "deleted"}
# The tag SageMaker puts on the file system (and the mount targets) it makes for each of its domains' home
# directories: the domain owns them, and deleting the domain is what removes them.
_SAGEMAKER_TAG = "ManagedByAmazonSageMakerResource"


def _file_systems(scope: ScanScope) -> Iterator[Mapping[str, Any]]:
    """Every file system people made and can adopt."""
    for file_system in paged(scope.clients("efs"), "describe_file_systems", "FileSystems"):
        tags = tags_from_pairs(file_system.get("Tags"))
        if text(file_system.get("LifeCycleState")) in _GOING or _SAGEMAKER_TAG in tags:
            continue
        # A replication's destination is read-only and belongs to its replication configuration, which made it (or
        # took it over); Terraform manages it through aws_efs_replication_configuration.
        if text(dig(file_system, "FileSystemProtection", "ReplicationOverwriteProtection")) == "REPLICATING":
            continue
        yield file_system


def _file_system_facts(file_system: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    size = dig(file_system, "SizeInBytes", "Value")
    throughput = text(file_system.get("ThroughputMode"))
    provisioned = file_system.get("ProvisionedThroughputInMibps")
    if throughput == "provisioned" and provisioned:
        throughput = f"provisioned {provisioned:g} MiB/s"
    state = text(file_system.get("LifeCycleState"))
    facts = [
        ("size", byte_size(size) if isinstance(size, int) else ""),
        ("throughput", throughput),
        ("mount targets", str(file_system.get("NumberOfMountTargets", ""))),
        ("zone", text(file_system.get("AvailabilityZoneName"))),  # a One Zone file system's zone
        ("state", state if state != "available" else ""),
    ]
    return tuple((label, value) for label, value in facts if value)


def _file_systems_listed(scope: ScanScope) -> Iterator[Listed]:
    for file_system in _file_systems(scope):
        file_system_id = text(file_system["FileSystemId"])
        tags = tags_from_pairs(file_system.get("Tags"))
        yield Listed(
            import_id=file_system_id,
            name=first((name_tag(tags), text(file_system.get("Name")), file_system_id)),
            arn=text(file_system.get("FileSystemArn"))
            or scope.arn("elasticfilesystem", f"file-system/{file_system_id}"),
            console_url=_console(scope.region, file_system_id),
            tags=tags,
            facts=_file_system_facts(file_system),
        )


def _targets_of(efs: Any, file_system_id: str) -> Iterator[Mapping[str, Any]]:
    try:
        yield from paged(efs, "describe_mount_targets", "MountTargets", FileSystemId=file_system_id)
    except ClientError as exc:
        if error_code(exc) != "FileSystemNotFound":
            raise  # else: the file system was deleted since the listing, and its mount targets with it


def _mount_targets(scope: ScanScope) -> Iterator[Listed]:
    efs = scope.clients("efs")
    # DescribeMountTargets takes one file system (or one mount target): the file systems are listed first, which
    # also leaves out the mount targets of those left out above.
    for file_system in _file_systems(scope):
        if not file_system.get("NumberOfMountTargets", 1):
            continue
        file_system_id = text(file_system["FileSystemId"])
        for target in _targets_of(efs, file_system_id):
            if text(target.get("LifeCycleState")) in _GOING:
                continue
            mount_target_id = text(target["MountTargetId"])
            zone = text(target.get("AvailabilityZoneName"))
            where = first((zone, text(target.get("SubnetId"))))
            facts = (("file system", file_system_id), ("zone", zone), ("subnet", text(target.get("SubnetId"))))
            yield Listed(
                import_id=mount_target_id,
                # As the resolver names it: its file system and the zone it serves.
                name=f"{file_system_id} in {where}" if where else mount_target_id,
                # Mount targets have no ARN of their own.
                arn="",
                console_url=_console(scope.region, file_system_id),
                facts=tuple((label, value) for label, value in facts if value),
            )


LISTERS = {
    "aws_efs_file_system": Lister(("elasticfilesystem:DescribeFileSystems",), _file_systems_listed),
    "aws_efs_mount_target": Lister(
        ("elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeMountTargets"), _mount_targets
    ),
}
