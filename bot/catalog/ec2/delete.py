"""Deleting EC2 and VPC resources: termination protection is respected, a volume keeps a final snapshot, an
attached volume or associated Elastic IP is refused, an internet gateway is detached first, a route table still
routing subnets is refused."""

from __future__ import annotations

from bot.catalog._delete import (
    AlreadyGone,
    DeleteFailed,
    DeleteOutcome,
    DeleteRefused,
    DeleteRequest,
    call,
    final_name,
)
from bot.catalog.template_input import Clients


def delete_instance(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    attribute = call(ec2.describe_instance_attribute, InstanceId=req.import_id, Attribute="disableApiTermination")
    if req.stop_only:
        call(ec2.stop_instances, InstanceIds=[req.import_id])
        return DeleteOutcome(f"Stopped instance {req.import_id}; its volumes are kept.")
    if attribute.get("DisableApiTermination", {}).get("Value"):
        raise DeleteRefused(f"instance {req.import_id} has termination protection on; turn it off to delete it")
    call(ec2.terminate_instances, InstanceIds=[req.import_id])
    return DeleteOutcome(f"Terminated instance {req.import_id}.")


def delete_security_group(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("ec2").delete_security_group, GroupId=req.import_id)
    return DeleteOutcome(f"Deleted security group {req.import_id}.")


def delete_vpc(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("ec2").delete_vpc, VpcId=req.import_id)
    return DeleteOutcome(f"Deleted VPC {req.import_id}.")


def delete_subnet(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("ec2").delete_subnet, SubnetId=req.import_id)
    return DeleteOutcome(f"Deleted subnet {req.import_id}.")


def delete_volume(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    volume = call(ec2.describe_volumes, VolumeIds=[req.import_id])["Volumes"][0]
    if volume.get("Attachments"):
        raise DeleteRefused(f"volume {req.import_id} is attached to {volume['Attachments'][0].get('InstanceId')}")
    name = final_name(req.import_id)
    snapshot = ec2.create_snapshot(
        VolumeId=req.import_id,
        Description=f"tfsync final snapshot of {req.import_id}",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": name}]}],
    )["SnapshotId"]
    call(ec2.delete_volume, VolumeId=req.import_id)
    return DeleteOutcome(f"Deleted volume {req.import_id}, keeping snapshot {snapshot} ({name}).", kept=snapshot)


def delete_eip(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    address = call(ec2.describe_addresses, AllocationIds=[req.import_id])["Addresses"][0]
    if address.get("AssociationId"):
        raise DeleteRefused(f"Elastic IP {address.get('PublicIp')} is associated with "
                            f"{address.get('InstanceId') or address.get('NetworkInterfaceId')}; disassociate it first")
    call(ec2.release_address, AllocationId=req.import_id)
    return DeleteOutcome(f"Released Elastic IP {address.get('PublicIp', req.import_id)}.")


def delete_key_pair(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    call(ec2.describe_key_pairs, KeyNames=[req.import_id])  # delete_key_pair succeeds for an unknown name
    call(ec2.delete_key_pair, KeyName=req.import_id)
    return DeleteOutcome(f"Deleted key pair {req.import_id}; instances launched with it keep their key.")


def delete_internet_gateway(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    gateway = call(ec2.describe_internet_gateways, InternetGatewayIds=[req.import_id])["InternetGateways"][0]
    for attachment in gateway.get("Attachments", []):
        call(ec2.detach_internet_gateway, InternetGatewayId=req.import_id, VpcId=attachment["VpcId"])
    call(ec2.delete_internet_gateway, InternetGatewayId=req.import_id)
    return DeleteOutcome(f"Detached and deleted internet gateway {req.import_id}.")


def delete_nat_gateway(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    call(aws("ec2").delete_nat_gateway, NatGatewayId=req.import_id)
    return DeleteOutcome(f"Deleted NAT gateway {req.import_id}; its Elastic IP is kept.")


def delete_launch_template(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    if not call(ec2.describe_launch_templates, LaunchTemplateIds=[req.import_id])["LaunchTemplates"]:
        raise AlreadyGone(req.import_id)
    call(ec2.delete_launch_template, LaunchTemplateId=req.import_id)
    return DeleteOutcome(f"Deleted launch template {req.import_id}.")


def delete_route_table(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    tables = call(ec2.describe_route_tables, RouteTableIds=[req.import_id])["RouteTables"]
    if not tables:
        raise AlreadyGone(req.import_id)
    associations = tables[0].get("Associations") or ()
    if any(a.get("Main") for a in associations):
        raise DeleteRefused(f"route table {req.import_id} is its VPC's main route table; AWS deletes it with the VPC")
    attached = [a.get("SubnetId") or a.get("GatewayId") for a in associations]
    if attached:
        raise DeleteRefused(f"route table {req.import_id} still routes {len(attached)} subnet(s) or gateway(s) "
                            f"({', '.join(str(a) for a in attached)}); associate them with another table first")
    call(ec2.delete_route_table, RouteTableId=req.import_id)
    return DeleteOutcome(f"Deleted route table {req.import_id} with its routes.")


def delete_vpc_endpoint(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    ec2 = aws("ec2")
    found = call(ec2.describe_vpc_endpoints, VpcEndpointIds=[req.import_id])["VpcEndpoints"]
    if not found or str(found[0].get("State", "")).lower() in ("deleted", "deleting"):
        raise AlreadyGone(req.import_id)
    result = call(ec2.delete_vpc_endpoints, VpcEndpointIds=[req.import_id])
    failed = [u for u in result.get("Unsuccessful") or () if u.get("ResourceId") == req.import_id]
    if failed:
        error = failed[0].get("Error") or {}
        if str(error.get("Code", "")).endswith("NotFound"):
            raise AlreadyGone(req.import_id)
        raise DeleteFailed(f"AWS refused the delete (AWS: {error.get('Code')}: {error.get('Message')})",
                           str(error.get("Code", "")))
    return DeleteOutcome(f"Deleted VPC endpoint {req.import_id} ({found[0].get('ServiceName')}); traffic to the "
                         "service takes its public route again.")


EXECUTORS = {
    "aws_instance": delete_instance,
    "aws_security_group": delete_security_group,
    "aws_vpc": delete_vpc,
    "aws_subnet": delete_subnet,
    "aws_ebs_volume": delete_volume,
    "aws_eip": delete_eip,
    "aws_key_pair": delete_key_pair,
    "aws_internet_gateway": delete_internet_gateway,
    "aws_nat_gateway": delete_nat_gateway,
    "aws_launch_template": delete_launch_template,
    "aws_route_table": delete_route_table,
    "aws_vpc_endpoint": delete_vpc_endpoint,
}
