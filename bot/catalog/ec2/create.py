"""Making EC2 and VPC resources, as the console does, and the CloudTrail records of the calls (EC2's own shapes:
`...Set` lists of `items`, and the wrapped Create...Request/Response of the newer APIs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from bot.catalog._create import Call, CreateContext, CreateError, ct_tags, default_subnets, pairs, slug


def _ec2_spec(kind: str, tags: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": pairs(tags)}] if tags else []


def _ct_spec(kind: str, tags: Mapping[str, str]) -> dict[str, Any]:
    return {"items": [{"resourceType": kind, "tags": pairs(tags, "key", "value")}]}


def _with_name(name: str, tags: Mapping[str, str]) -> dict[str, str]:
    """EC2 resources have no name field; the console's name box writes the Name tag."""
    return {"Name": name, **{k: v for k, v in tags.items() if k.lower() != "name"}}


def _ami(ctx: CreateContext) -> str:
    images = ctx.client("ec2").describe_images(Owners=["amazon"])["Images"]
    if not images:
        raise CreateError("the account has no Amazon AMI to launch")
    return sorted(images, key=lambda i: i["ImageId"])[0]["ImageId"]


def create_volume(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    all_tags = _with_name(name, tags)
    volume = ctx.client("ec2").create_volume(AvailabilityZone=f"{ctx.region}a", Size=8, VolumeType="gp3",
                                             TagSpecifications=_ec2_spec("volume", all_tags))
    return Call({"size": 8, "zone": f"{ctx.region}a", "volumeType": "gp3",
                 "tagSpecificationSet": _ct_spec("volume", all_tags)},
                {"volumeId": volume["VolumeId"], "size": 8, "zone": f"{ctx.region}a", "status": "creating",
                 "tagSet": {"items": ct_tags(all_tags)}})


def create_eip(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    all_tags = _with_name(name, tags)
    address = ctx.client("ec2").allocate_address(Domain="vpc", TagSpecifications=_ec2_spec("elastic-ip", all_tags))
    return Call({"domain": "vpc", "tagSpecificationSet": _ct_spec("elastic-ip", all_tags)},
                {"allocationId": address["AllocationId"], "publicIp": address["PublicIp"], "domain": "vpc",
                 "tagSet": {"items": ct_tags(all_tags)}})


def create_instance(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    subnet = default_subnets(ctx)[0]["SubnetId"]
    ami = _ami(ctx)
    all_tags = _with_name(name, tags)
    instance = ctx.client("ec2").run_instances(
        ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
        TagSpecifications=_ec2_spec("instance", all_tags),
    )["Instances"][0]
    return Call(
        {"instancesSet": {"items": [{"imageId": ami, "minCount": 1, "maxCount": 1}]}, "instanceType": "t3.micro",
         "subnetId": subnet, "tagSpecificationSet": _ct_spec("instance", all_tags)},
        {"ownerId": ctx.account_id, "instancesSet": {"items": [
            {"instanceId": instance["InstanceId"], "imageId": ami, "instanceType": "t3.micro",
             "subnetId": subnet, "tagSet": {"items": ct_tags(all_tags)}}]}},
    )


def create_internet_gateway(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    all_tags = _with_name(name, tags)
    gateway = ctx.client("ec2").create_internet_gateway(
        TagSpecifications=_ec2_spec("internet-gateway", all_tags))["InternetGateway"]
    return Call({"tagSpecificationSet": _ct_spec("internet-gateway", all_tags)},
                {"internetGateway": {"internetGatewayId": gateway["InternetGatewayId"], "ownerId": ctx.account_id,
                                     "tagSet": {"items": ct_tags(all_tags)}}})


def create_key_pair(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    key = slug(name, limit=255)
    spec = _ec2_spec("key-pair", tags)
    made = ctx.client("ec2").create_key_pair(KeyName=key, **({"TagSpecifications": spec} if spec else {}))
    request: dict[str, Any] = {"keyName": key}
    if tags:
        request["tagSpecificationSet"] = _ct_spec("key-pair", tags)
    return Call(request, {"keyName": key, "keyFingerprint": made.get("KeyFingerprint", ""),
                          "keyPairId": made.get("KeyPairId", "")})


def create_launch_template(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    template_name = slug(name, limit=128)
    ami = _ami(ctx)
    spec = _ec2_spec("launch-template", tags)
    template = ctx.client("ec2").create_launch_template(
        LaunchTemplateName=template_name, LaunchTemplateData={"ImageId": ami, "InstanceType": "t3.micro"},
        **({"TagSpecifications": spec} if spec else {}),
    )["LaunchTemplate"]
    request: dict[str, Any] = {"LaunchTemplateName": template_name,
                               "LaunchTemplateData": {"ImageId": ami, "InstanceType": "t3.micro"}}
    if tags:
        request["TagSpecification"] = {"ResourceType": "launch-template", "Tag": pairs(tags)}
    return Call({"CreateLaunchTemplateRequest": request},
                {"CreateLaunchTemplateResponse": {"launchTemplate": {
                    "launchTemplateId": template["LaunchTemplateId"], "launchTemplateName": template_name}}})


def create_nat_gateway(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    ec2 = ctx.client("ec2")
    subnet = default_subnets(ctx)[0]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    all_tags = _with_name(name, tags)
    # The console sends the connectivity type it shows selected (public); the embedded AWS reports it back only
    # when it was sent, and the provider reads a missing one as a change that replaces the gateway.
    gateway = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation, ConnectivityType="public",
                                     TagSpecifications=_ec2_spec("natgateway", all_tags))["NatGateway"]
    return Call(
        {"CreateNatGatewayRequest": {"SubnetId": subnet, "AllocationId": allocation, "ConnectivityType": "public",
                                     "TagSpecification": {"ResourceType": "natgateway", "Tag": pairs(all_tags)}}},
        {"CreateNatGatewayResponse": {"natGateway": {"natGatewayId": gateway["NatGatewayId"], "subnetId": subnet,
                                                     "tagSet": {"item": ct_tags(all_tags)}}}},
    )


def create_security_group(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    vpc = default_subnets(ctx)[0]["VpcId"]
    group = slug(name, limit=255)
    spec = _ec2_spec("security-group", tags)
    group_id = ctx.client("ec2").create_security_group(
        GroupName=group, Description=f"{group} (made in the console)", VpcId=vpc, **({"TagSpecifications": spec}
                                                                                   if spec else {}),
    )["GroupId"]
    request: dict[str, Any] = {"groupName": group, "groupDescription": f"{group} (made in the console)",
                               "vpcId": vpc}
    if tags:
        request["tagSpecificationSet"] = _ct_spec("security-group", tags)
    return Call(request, {"_return": True, "groupId": group_id})


def create_subnet(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    first = default_subnets(ctx)[0]
    ec2 = ctx.client("ec2")
    all_tags = _with_name(name, tags)
    for _ in range(160):
        # The default subnets fill 172.31.0.0-172.31.95.255; the sandbox's own subnets take /24s above them.
        cidr = f"172.31.{96 + ctx.counter() % 160}.0/24"
        try:
            subnet = ec2.create_subnet(VpcId=first["VpcId"], CidrBlock=cidr, AvailabilityZone=first["AvailabilityZone"],
                                       TagSpecifications=_ec2_spec("subnet", all_tags))["Subnet"]
        except ClientError as exc:
            if "Conflict" in str(exc) or "InvalidSubnet" in str(exc):
                continue
            raise
        return Call({"vpcId": first["VpcId"], "cidrBlock": cidr, "availabilityZone": first["AvailabilityZone"],
                     "tagSpecificationSet": _ct_spec("subnet", all_tags)},
                    {"subnet": {"subnetId": subnet["SubnetId"], "vpcId": first["VpcId"], "cidrBlock": cidr,
                                "tagSet": {"items": ct_tags(all_tags)}}})
    raise CreateError("no free subnet range left in the default VPC")


def create_vpc(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    cidr = f"10.{ctx.counter() % 250 + 1}.0.0/16"
    all_tags = _with_name(name, tags)
    vpc = ctx.client("ec2").create_vpc(CidrBlock=cidr, TagSpecifications=_ec2_spec("vpc", all_tags))["Vpc"]
    return Call({"cidrBlock": cidr, "tagSpecificationSet": _ct_spec("vpc", all_tags)},
                {"vpc": {"vpcId": vpc["VpcId"], "cidrBlock": cidr, "ownerId": ctx.account_id,
                         "tagSet": {"items": ct_tags(all_tags)}}})


def create_route_table(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    vpc = default_subnets(ctx)[0]["VpcId"]
    all_tags = _with_name(name, tags)
    table = ctx.client("ec2").create_route_table(
        VpcId=vpc, TagSpecifications=_ec2_spec("route-table", all_tags))["RouteTable"]
    return Call({"vpcId": vpc, "tagSpecificationSet": _ct_spec("route-table", all_tags)},
                {"routeTable": {"routeTableId": table["RouteTableId"], "vpcId": vpc, "ownerId": ctx.account_id,
                                "routeSet": {"items": [{"destinationCidrBlock": "172.31.0.0/16",
                                                        "gatewayId": "local", "state": "active",
                                                        "origin": "CreateRouteTable"}]},
                                "associationSet": {}, "propagatingVgwSet": {},
                                "tagSet": {"items": ct_tags(all_tags)}}})


def create_vpc_endpoint(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    # A gateway endpoint for S3 on the default VPC's main route table: the console's most common first endpoint.
    ec2 = ctx.client("ec2")
    vpc = default_subnets(ctx)[0]["VpcId"]
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                {"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    table_ids = [t["RouteTableId"] for t in tables[:1]]
    service = f"com.amazonaws.{ctx.region}.s3"
    all_tags = _with_name(name, tags)
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=service, VpcEndpointType="Gateway",
                                       RouteTableIds=table_ids,
                                       TagSpecifications=_ec2_spec("vpc-endpoint", all_tags))["VpcEndpoint"]
    request: dict[str, Any] = {"VpcId": vpc, "ServiceName": service, "VpcEndpointType": "Gateway",
                               "TagSpecification": {"ResourceType": "vpc-endpoint", "Tag": pairs(all_tags)}}
    if table_ids:
        request["RouteTableId"] = {"content": table_ids[0], "tag": 1}
    return Call({"CreateVpcEndpointRequest": request},
                {"CreateVpcEndpointResponse": {"vpcEndpoint": {
                    "vpcEndpointId": endpoint["VpcEndpointId"], "vpcEndpointType": "Gateway", "vpcId": vpc,
                    "serviceName": service, "state": "available", "ownerId": ctx.account_id,
                    "routeTableIdSet": {"item": {"routeTableId": table_ids[0]}} if table_ids else {},
                    "tagSet": {"item": ct_tags(all_tags)}}}})


CREATORS = {
    "aws_ebs_volume": create_volume,
    "aws_eip": create_eip,
    "aws_instance": create_instance,
    "aws_internet_gateway": create_internet_gateway,
    "aws_key_pair": create_key_pair,
    "aws_launch_template": create_launch_template,
    "aws_nat_gateway": create_nat_gateway,
    "aws_security_group": create_security_group,
    "aws_subnet": create_subnet,
    "aws_vpc": create_vpc,
    "aws_route_table": create_route_table,
    "aws_vpc_endpoint": create_vpc_endpoint,
}
