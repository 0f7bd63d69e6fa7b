"""EFS mount targets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import ACCOUNT, Made, cloudtrail

Aws = Callable[..., Any]


def make_mount_target(aws: Aws) -> Made:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.95.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.95.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    groups = sorted(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
                    for name in ("nfs", "nfs-admin"))
    efs = aws("efs")
    file_system = efs.create_file_system(CreationToken="shared-home")["FileSystemId"]
    target = efs.create_mount_target(FileSystemId=file_system, SubnetId=subnet, SecurityGroups=groups)
    record = cloudtrail(
        "elasticfilesystem.amazonaws.com", "CreateMountTarget",
        {"fileSystemId": file_system, "subnetId": subnet, "securityGroups": groups},
        {"ownerId": ACCOUNT, "mountTargetId": target["MountTargetId"], "fileSystemId": file_system,
         "subnetId": subnet, "lifeCycleState": "creating", "ipAddress": target["IpAddress"],
         "networkInterfaceId": target["NetworkInterfaceId"], "availabilityZoneName": "us-east-1a", "vpcId": vpc},
    )
    expect = {"file_system_id": file_system, "subnet_id": subnet, "security_groups": groups}
    return Made(record, target["MountTargetId"], expect)


def _gone(aws: Aws, mount_target_id: str) -> bool:
    try:
        aws("efs").describe_mount_targets(MountTargetId=mount_target_id)
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "MountTargetNotFound"
    return False


CASES = {"aws_efs_mount_target": make_mount_target}
GONE = {"aws_efs_mount_target": _gone}
