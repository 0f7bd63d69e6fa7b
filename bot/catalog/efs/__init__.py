"""Amazon Elastic File System: file systems and their mount targets."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    Found,
    console,
    dig,
    first,
    name_tag,
    need,
    q,
    region_of,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord


def _console(region: str, file_system_id: str) -> str:
    """The file system's page, or the list of file systems where the ID is unknown."""
    if not file_system_id:
        return console(region, f"efs/home?region={q(region)}#/file-systems")
    return console(region, f"efs/home?region={q(region)}#/file-systems/{q(file_system_id)}")


def _file_system(record: CloudTrailRecord) -> list[Found]:
    # CreateFileSystem answers with the file system; its ID (fs-...) is what Terraform imports.
    file_system_id = need(record.response.get("fileSystemId"), "responseElements.fileSystemId")
    tags = tags_from_pairs(record.request.get("tags")) or tags_from_pairs(dig(record.response, "tags"))
    owner = text(record.response.get("ownerId"))
    arn = text(record.response.get("fileSystemArn")) or _arn.build(
        record, "elasticfilesystem", f"file-system/{file_system_id}", owner
    )
    region = region_of(record)
    return [
        Found(
            import_id=file_system_id,
            # The console's Name box writes the Name tag; a file system has no other name.
            name=first((name_tag(tags), text(record.response.get("name")), file_system_id)),
            arn=arn,
            console_url=_console(region, file_system_id),
            tags=tags,
        )
    ]


def _mount_target(record: CloudTrailRecord) -> list[Found]:
    # CreateMountTarget answers with the mount target; its ID (fsmt-...) is what Terraform imports.
    response = record.response
    mount_target_id = need(
        response.get("mountTargetId", response.get("MountTargetId")), "responseElements.mountTargetId"
    )
    file_system_id = text(response.get("fileSystemId")) or text(record.request.get("fileSystemId"))
    where = first((text(response.get("availabilityZoneName")), text(response.get("subnetId")),
                   text(record.request.get("subnetId"))))
    region = region_of(record)
    return [
        Found(
            import_id=mount_target_id,
            # A mount target has no name: people know it by its file system and the zone it serves.
            name=f"{file_system_id} in {where}" if file_system_id and where else mount_target_id,
            # Mount targets have no ARN of their own (IAM names them through their file system).
            arn="",
            console_url=_console(region, file_system_id),
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_efs_file_system",
        label="EFS file system",
        service="efs",
        event_source="elasticfilesystem.amazonaws.com",
        create_events=("CreateFileSystem",),
        delete_events=("DeleteFileSystem",),
        resolve=_file_system,
        import_id_format="file system ID: `terraform import aws_efs_file_system.foo fs-6fa144c6`",
        loses_data=True,
    ),
    CatalogEntry(
        tf_type="aws_efs_mount_target",
        label="EFS mount target",
        service="efs",
        event_source="elasticfilesystem.amazonaws.com",
        create_events=("CreateMountTarget",),
        delete_events=("DeleteMountTarget",),
        resolve=_mount_target,
        import_id_format="mount target ID: `terraform import aws_efs_mount_target.alpha fsmt-52a643fb`",
        # The files stay in the file system; instances in its zone lose their mount.
        loses_data=False,
    ),
)
