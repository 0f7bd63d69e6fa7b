"""Making an EFS file system, as the console's quick create does, and a mount target, and the CloudTrail records
of the calls."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, default_subnets, pairs, slug


def create_file_system(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    token = slug(name, limit=64)
    # The console's Name box writes the Name tag; it also turns on encryption, backups and elastic throughput.
    all_tags = {"Name": name, **{k: v for k, v in tags.items() if k.lower() != "name"}}
    made = ctx.client("efs").create_file_system(
        CreationToken=token, PerformanceMode="generalPurpose", ThroughputMode="elastic", Encrypted=True, Backup=True,
        Tags=pairs(all_tags),
    )
    response = {"ownerId": ctx.account_id, "creationToken": token, "fileSystemId": made["FileSystemId"],
                "fileSystemArn": made["FileSystemArn"], "lifeCycleState": "creating", "name": name,
                "numberOfMountTargets": 0, "performanceMode": "generalPurpose", "encrypted": True,
                "throughputMode": "elastic", "tags": ct_tags(all_tags)}
    if made.get("KmsKeyId"):
        response["kmsKeyId"] = made["KmsKeyId"]
    return Call(
        {"creationToken": token, "performanceMode": "generalPurpose", "throughputMode": "elastic", "encrypted": True,
         "backup": True, "tags": ct_tags(all_tags)},
        response,
    )


def create_mount_target(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    # The file system it serves is made quietly first; a mount target takes no name or tags of its own.
    efs = ctx.client("efs")
    file_system = efs.create_file_system(CreationToken=slug(f"{name}-files", limit=64),
                                         Tags=pairs({"Name": f"{name} files"}))["FileSystemId"]
    subnet = default_subnets(ctx)[0]
    made = efs.create_mount_target(FileSystemId=file_system, SubnetId=subnet["SubnetId"])
    return Call({"fileSystemId": file_system, "subnetId": subnet["SubnetId"]},
                {"ownerId": ctx.account_id, "mountTargetId": made["MountTargetId"], "fileSystemId": file_system,
                 "subnetId": subnet["SubnetId"], "lifeCycleState": "creating",
                 "ipAddress": made.get("IpAddress", ""), "networkInterfaceId": made.get("NetworkInterfaceId", ""),
                 "availabilityZoneName": subnet["AvailabilityZone"], "vpcId": subnet["VpcId"]})


CREATORS = {
    "aws_efs_file_system": create_file_system,
    "aws_efs_mount_target": create_mount_target,
}
