"""Deleting EFS file systems: refused while mount targets still connect it to a network (instances may have it
mounted); the files in it go with it, the recovery points AWS Backup made of it stay. A mount target is deleted
alone: the files stay in the file system."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest
from bot.catalog.template_input import Clients


def _gone_if_missing(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """One EFS call whose FileSystemNotFound or MountTargetNotFound means the resource is gone already."""
    try:
        return fn(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("FileSystemNotFound", "MountTargetNotFound"):
            raise AlreadyGone(str(exc)) from None
        raise


def delete_file_system(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    efs = aws("efs")
    systems = _gone_if_missing(efs.describe_file_systems, FileSystemId=req.import_id).get("FileSystems") or []
    if not systems:
        raise AlreadyGone(req.import_id)
    mounts = systems[0].get("NumberOfMountTargets") or 0
    if mounts:
        raise DeleteRefused(f"file system {req.import_id} still has {mounts} mount target(s); delete them first "
                            "(whatever has it mounted loses it)")
    _gone_if_missing(efs.delete_file_system, FileSystemId=req.import_id)
    name = systems[0].get("Name") or req.name or req.import_id
    return DeleteOutcome(f"Deleted file system {name} with the files in it; recovery points AWS Backup made of it "
                         "are kept.")


def delete_mount_target(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    efs = aws("efs")
    targets = _gone_if_missing(efs.describe_mount_targets, MountTargetId=req.import_id).get("MountTargets") or []
    if not targets or targets[0].get("LifeCycleState") in ("deleting", "deleted"):
        raise AlreadyGone(req.import_id)
    target = targets[0]
    _gone_if_missing(efs.delete_mount_target, MountTargetId=req.import_id)
    zone = target.get("AvailabilityZoneName") or target.get("SubnetId")
    return DeleteOutcome(f"Deleted mount target {req.import_id} of {target.get('FileSystemId')} in {zone}; the "
                         "files stay in the file system, and instances there that had it mounted lose the mount.")


EXECUTORS = {
    "aws_efs_file_system": delete_file_system,
    "aws_efs_mount_target": delete_mount_target,
}
