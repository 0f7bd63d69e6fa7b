"""Deleting EFS file systems: refused while mount targets still connect it to a network (instances may have it
mounted); the files in it go with it, the recovery points AWS Backup made of it stay."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest
from bot.catalog.template_input import Clients


def _gone_if_missing(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """One EFS call whose FileSystemNotFound means the file system is gone already."""
    try:
        return fn(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "FileSystemNotFound":
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


EXECUTORS = {
    "aws_efs_file_system": delete_file_system,
}
