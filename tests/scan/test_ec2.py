"""EC2's listers: what AWS or a service made (default VPCs and their subnets, every VPC's default security group and
main route table, a default VPC's gateway, Auto Scaling's instances, a stack's resources) and what is going or gone
is not listed; what a person made is, identified as its creation record identifies it, with its facts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.catalog import CATALOG
from bot.catalog.base import Listed
from bot.catalog.ec2.scan import LISTERS
from bot.events import CloudTrailRecord
from tests.codegen.helpers import ACCOUNT
from tests.codegen.test_types import CASES
from tests.scan import helpers
from tests.scan.helpers import REGION

Aws = Callable[..., Any]
OTHER_ACCOUNT = "210987654321"


def listed(aws_calls: Any, tf_type: str, region: str = REGION) -> dict[str, Listed]:
    return helpers.by_id(helpers.listed(aws_calls, tf_type, region))


def _tags(**tags: str) -> list[dict[str, Any]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _spec(kind: str, **tags: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": _tags(**tags)}]


def _default_vpc(ec2: Any) -> str:
    [vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    return str(vpc["VpcId"])


def _ami(ec2: Any) -> str:
    return str(ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"])


@pytest.mark.parametrize("tf_type", sorted(LISTERS))
def test_listed_as_its_creation_record_identifies_it(tf_type: str, aws_client: Aws, aws_calls: Any) -> None:
    made = CASES[tf_type](aws_client)
    found = {f.import_id: f for f in CATALOG[tf_type].resolve(CloudTrailRecord(made.record, "test"))}[made.import_id]
    item = listed(aws_calls, tf_type)[made.import_id]
    assert (item.import_id, item.arn, item.console_url) == (found.import_id, found.arn, found.console_url)
    assert item.region == ""


def test_the_default_vpc_its_subnets_and_every_default_group_are_not_listed(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    default = _default_vpc(ec2)
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16", TagSpecifications=_spec("vpc", Name="core"))["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    # A person may add a subnet and a group to the default VPC: those are theirs.
    extra_subnet = ec2.create_subnet(VpcId=default, CidrBlock="172.31.200.0/24", AvailabilityZone="us-east-1b")
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    extra_group = ec2.create_security_group(GroupName="extra", Description="extra", VpcId=default)["GroupId"]

    vpcs = listed(aws_calls, "aws_vpc")
    assert list(vpcs) == [vpc]
    assert (vpcs[vpc].name, vpcs[vpc].facts) == ("core", (("CIDR", "10.40.0.0/16"),))
    assert vpcs[vpc].tags == {"Name": "core"}

    subnets = listed(aws_calls, "aws_subnet")
    assert set(subnets) == {subnet["SubnetId"], extra_subnet["Subnet"]["SubnetId"]}
    assert subnets[subnet["SubnetId"]].facts == (("CIDR", "10.40.1.0/24"), ("zone", "us-east-1a"))
    assert subnets[subnet["SubnetId"]].arn == subnet["SubnetArn"]

    groups = listed(aws_calls, "aws_security_group")
    assert set(groups) == {web, extra_group}  # the new VPC's `default` group is not among them
    assert groups[web].name == "web"
    assert groups[web].facts == (("VPC", vpc), ("inbound rules", "1"))
    assert groups[extra_group].facts == (("VPC", default), ("inbound rules", "0"))


def test_main_route_tables_and_the_default_vpcs_tables_are_not_listed(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.41.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.41.1.0/24")["Subnet"]["SubnetId"]
    public = ec2.create_route_table(VpcId=vpc, TagSpecifications=_spec("route-table", Name="public"))
    public_id = public["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=public_id, SubnetId=subnet)
    spare = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route_table(VpcId=_default_vpc(ec2))

    tables = listed(aws_calls, "aws_route_table")
    assert set(tables) == {public_id, spare}  # not the new VPC's main table, nor any of the default VPC's
    assert (tables[public_id].name, tables[public_id].facts) == ("public", (("VPC", vpc), ("subnets", "1")))
    assert tables[spare].facts == (("VPC", vpc), ("subnets", "0"))


def test_the_default_vpcs_internet_gateway_is_not_listed(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    default_gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=default_gateway, VpcId=_default_vpc(ec2))
    attached = ec2.create_internet_gateway(TagSpecifications=_spec("internet-gateway", Name="edge"))
    attached_id = attached["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=attached_id, VpcId=vpc)
    detached = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]

    gateways = listed(aws_calls, "aws_internet_gateway")
    assert set(gateways) == {attached_id, detached}
    assert (gateways[attached_id].name, gateways[attached_id].facts) == ("edge", (("VPC", vpc),))
    assert gateways[detached].facts == (("state", "detached"),)


def test_terminated_and_auto_scaling_instances_are_not_listed(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    ami = _ami(ec2)

    def run(instance_type: str, **tags: str) -> str:
        spec = _spec("instance", **tags) if tags else []
        reservation = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType=instance_type,
                                        TagSpecifications=spec)
        return str(reservation["Instances"][0]["InstanceId"])

    web = run("t3.micro", Name="web-1")
    stopped = run("m5.large")
    ec2.stop_instances(InstanceIds=[stopped])
    gone = run("t3.nano")
    ec2.terminate_instances(InstanceIds=[gone])
    ec2.create_launch_template(LaunchTemplateName="nodes", LaunchTemplateData={"ImageId": ami,
                                                                               "InstanceType": "t3.micro"})
    aws_client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="nodes", LaunchTemplate={"LaunchTemplateName": "nodes"}, MinSize=1, MaxSize=1,
        AvailabilityZones=["us-east-1a"])
    scaled = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
              if {"Key": "aws:autoscaling:groupName", "Value": "nodes"} in i.get("Tags", [])]
    assert scaled  # moto launched the group's instance, tagged as AWS tags it

    instances = listed(aws_calls, "aws_instance")
    assert set(instances) == {web, stopped}
    assert instances[web].name == "web-1"
    assert instances[web].facts == (("instance type", "t3.micro"), ("state", "running"))
    assert instances[stopped].name == stopped
    assert instances[stopped].facts == (("instance type", "m5.large"), ("state", "stopped"))


def test_a_stacks_resources_are_not_listed(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    template = {"Resources": {
        "Network": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.43.0.0/16"}},
        "Group": {"Type": "AWS::EC2::SecurityGroup",
                  "Properties": {"GroupDescription": "stack", "VpcId": {"Ref": "Network"}}},
    }}
    aws_client("cloudformation").create_stack(StackName="net", TemplateBody=json.dumps(template))
    mine = ec2.create_vpc(CidrBlock="10.44.0.0/16")["Vpc"]["VpcId"]
    stack_vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v.get("CidrBlock") == "10.43.0.0/16"]
    assert stack_vpcs  # moto made the stack's VPC, tagged aws:cloudformation:* as AWS tags it

    assert list(listed(aws_calls, "aws_vpc")) == [mine]
    assert listed(aws_calls, "aws_security_group") == {}


def test_volume_facts(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    spare = ec2.create_volume(AvailabilityZone="us-east-1a", Size=20, VolumeType="gp3",
                              TagSpecifications=_spec("volume", Name="scratch"))["VolumeId"]
    data = ec2.create_volume(AvailabilityZone="us-east-1a", Size=100, VolumeType="st1")["VolumeId"]
    reservation = ec2.run_instances(ImageId=_ami(ec2), MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                    Placement={"AvailabilityZone": "us-east-1a"})
    instance = reservation["Instances"][0]["InstanceId"]
    # Attached afterwards: AttachVolume leaves delete on termination off, so the volume stays its own.
    ec2.attach_volume(VolumeId=data, InstanceId=instance, Device="/dev/sdf")

    volumes = listed(aws_calls, "aws_ebs_volume")
    assert (volumes[spare].name, volumes[spare].facts) == (
        "scratch", (("storage", "20 GiB"), ("volume type", "gp3"), ("state", "available")))
    assert volumes[data].facts == (("storage", "100 GiB"), ("volume type", "st1"), ("state", "in-use"))


def test_elastic_ip_facts(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    idle = ec2.allocate_address(Domain="vpc")
    used = ec2.allocate_address(Domain="vpc", TagSpecifications=_spec("elastic-ip", Name="web"))
    reservation = ec2.run_instances(ImageId=_ami(ec2), MinCount=1, MaxCount=1, InstanceType="t3.micro")
    instance = reservation["Instances"][0]["InstanceId"]
    ec2.associate_address(AllocationId=used["AllocationId"], InstanceId=instance)

    addresses = listed(aws_calls, "aws_eip")
    assert set(addresses) == {idle["AllocationId"], used["AllocationId"]}
    assert addresses[idle["AllocationId"]].name == idle["PublicIp"]
    assert addresses[idle["AllocationId"]].facts == (("public IP", idle["PublicIp"]), ("associated with", "none"))
    assert addresses[used["AllocationId"]].name == "web"
    assert addresses[used["AllocationId"]].facts == (("public IP", used["PublicIp"]), ("associated with", instance))


def test_key_pair_facts(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    ec2.create_key_pair(KeyName="deploy", KeyType="ed25519", TagSpecifications=_spec("key-pair", team="ops"))

    pairs = listed(aws_calls, "aws_key_pair")
    assert list(pairs) == ["deploy"]
    assert (pairs["deploy"].name, pairs["deploy"].facts, pairs["deploy"].tags) == (
        "deploy", (("key type", "ed25519"),), {"team": "ops"})


def test_deleted_nat_gateways_are_not_listed(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.45.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.45.1.0/24")["Subnet"]["SubnetId"]

    def nat(connectivity: str) -> str:
        extra = {"AllocationId": ec2.allocate_address(Domain="vpc")["AllocationId"]} if connectivity == "public" else {}
        made = ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType=connectivity, **extra)
        return str(made["NatGateway"]["NatGatewayId"])

    public, private, gone = nat("public"), nat("private"), nat("public")
    ec2.delete_nat_gateway(NatGatewayId=gone)

    gateways = listed(aws_calls, "aws_nat_gateway")
    assert set(gateways) == {public, private}
    assert gateways[public].facts == (("connectivity", "public"),)
    assert gateways[private].facts == (("connectivity", "private"),)


def test_launch_template_facts(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    template = ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"InstanceType": "t3.micro"})
    template_id = template["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=template_id, LaunchTemplateData={"InstanceType": "t3.large"})

    templates = listed(aws_calls, "aws_launch_template")
    assert list(templates) == [template_id]
    assert templates[template_id].name == "web"
    assert templates[template_id].facts == (("default version", "1"), ("latest version", "2"))


def test_deleted_vpc_endpoints_are_not_listed(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.46.0.0/16")["Vpc"]["VpcId"]

    def endpoint(service: str, kind: str) -> str:
        made = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.us-east-1.{service}",
                                       VpcEndpointType=kind)
        return str(made["VpcEndpoint"]["VpcEndpointId"])

    s3, dynamodb = endpoint("s3", "Gateway"), endpoint("dynamodb", "Gateway")
    ec2.delete_vpc_endpoints(VpcEndpointIds=[dynamodb])

    endpoints = listed(aws_calls, "aws_vpc_endpoint")
    assert list(endpoints) == [s3]
    assert (endpoints[s3].name, endpoints[s3].facts) == ("com.amazonaws.us-east-1.s3", (("type", "Gateway"),))


# What moto cannot show: fields it never sets (a volume's delete on termination, Operator, ServiceManaged,
# RequesterManaged, a launch template's service creator, another account's owner, deleting and failed states).


def stubbed(aws_calls: Any, tf_type: str, responses: list[tuple[str, dict[str, Any]]]) -> dict[str, Listed]:
    client, stub = helpers.stubbed(aws_calls, "ec2", tf_type)
    with stub:
        for operation, response in responses:
            stub.add_response(operation, response)
        items = helpers.listed_from(client, tf_type)
        stub.assert_no_pending_responses()
    return helpers.by_id(items)


def test_volumes_that_go_with_their_instance_or_are_going_are_not_listed(aws_calls: Any) -> None:
    def volume(volume_id: str, state: str, *attachments: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"VolumeId": volume_id, "Size": 8, "VolumeType": "gp3", "State": state, "OwnerId": ACCOUNT,
                "Attachments": list(attachments), **extra}

    def attached(volume_id: str, delete_on_termination: bool) -> dict[str, Any]:
        return {"VolumeId": volume_id, "InstanceId": "i-0123456789abcdef0", "Device": "/dev/xvda",
                "State": "attached", "DeleteOnTermination": delete_on_termination}

    volumes = stubbed(aws_calls, "aws_ebs_volume", [("describe_volumes", {"Volumes": [
        volume("vol-00000000000000001", "in-use", attached("vol-00000000000000001", True)),  # a root volume
        volume("vol-00000000000000002", "in-use", attached("vol-00000000000000002", False)),
        volume("vol-00000000000000003", "deleting"),
        volume("vol-00000000000000004", "available", Operator={"Managed": True, "Principal": "eks.amazonaws.com"}),
    ]})])
    assert list(volumes) == ["vol-00000000000000002"]


def test_what_services_manage_is_not_listed(aws_calls: Any) -> None:
    instances = stubbed(aws_calls, "aws_instance", [("describe_instances", {"Reservations": [{"Instances": [
        {"InstanceId": "i-00000000000000001", "InstanceType": "t3.micro", "State": {"Code": 16, "Name": "running"}},
        {"InstanceId": "i-00000000000000002", "InstanceType": "t3.micro", "State": {"Code": 16, "Name": "running"},
         "Operator": {"Managed": True, "Principal": "eks.amazonaws.com"}},
        {"InstanceId": "i-00000000000000003", "InstanceType": "t3.micro",
         "State": {"Code": 32, "Name": "shutting-down"}},
        {"InstanceId": "i-00000000000000004", "InstanceType": "c5.large", "State": {"Code": 16, "Name": "running"},
         "Tags": _tags(**{"aws:ec2:fleet-id": "fleet-0123"})},
    ]}]})])
    assert list(instances) == ["i-00000000000000001"]

    addresses = stubbed(aws_calls, "aws_eip", [("describe_addresses", {"Addresses": [
        {"AllocationId": "eipalloc-00000000000000001", "PublicIp": "203.0.113.1", "Domain": "vpc"},
        {"AllocationId": "eipalloc-00000000000000002", "PublicIp": "203.0.113.2", "Domain": "vpc",
         "ServiceManaged": "alb"},
        {"PublicIp": "203.0.113.3", "Domain": "standard"},  # EC2-Classic: nothing to import it by
    ]})])
    assert list(addresses) == ["eipalloc-00000000000000001"]

    endpoints = stubbed(aws_calls, "aws_vpc_endpoint", [("describe_vpc_endpoints", {"VpcEndpoints": [
        {"VpcEndpointId": "vpce-00000000000000001", "VpcEndpointType": "Interface", "State": "Pending",
         "ServiceName": "com.amazonaws.us-east-1.sqs", "OwnerId": ACCOUNT},
        {"VpcEndpointId": "vpce-00000000000000002", "VpcEndpointType": "Interface", "State": "Available",
         "ServiceName": "com.amazonaws.us-east-1.ssm", "OwnerId": ACCOUNT, "RequesterManaged": True},
        {"VpcEndpointId": "vpce-00000000000000003", "VpcEndpointType": "Gateway", "State": "Deleting",
         "ServiceName": "com.amazonaws.us-east-1.s3", "OwnerId": ACCOUNT},
    ]})])
    assert list(endpoints) == ["vpce-00000000000000001"]
    assert endpoints["vpce-00000000000000001"].facts == (("type", "Interface"), ("state", "pending"))

    templates = stubbed(aws_calls, "aws_launch_template", [("describe_launch_templates", {"LaunchTemplates": [
        {"LaunchTemplateId": "lt-00000000000000001", "LaunchTemplateName": "web",
         "CreatedBy": f"arn:aws:iam::{ACCOUNT}:user/alice", "DefaultVersionNumber": 1, "LatestVersionNumber": 1},
        {"LaunchTemplateId": "lt-00000000000000002", "LaunchTemplateName": "eks-0a1b2c3d",
         "CreatedBy": f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSServiceRoleForAmazonEKSNodegroup/EKS",
         "DefaultVersionNumber": 1, "LatestVersionNumber": 1},
        {"LaunchTemplateId": "lt-00000000000000003", "LaunchTemplateName": "managed",
         "Operator": {"Managed": True, "Principal": "ecs.amazonaws.com"}},
    ]})])
    assert list(templates) == ["lt-00000000000000001"]

    gateways = stubbed(aws_calls, "aws_nat_gateway", [("describe_nat_gateways", {"NatGateways": [
        {"NatGatewayId": "nat-00000000000000001", "State": "pending", "ConnectivityType": "public"},
        {"NatGatewayId": "nat-00000000000000002", "State": "failed", "ConnectivityType": "public"},
        {"NatGatewayId": "nat-00000000000000003", "State": "deleting", "ConnectivityType": "public"},
    ]})])
    assert list(gateways) == ["nat-00000000000000001"]
    assert gateways["nat-00000000000000001"].facts == (("connectivity", "public"), ("state", "pending"))


def test_another_accounts_shared_subnets_are_not_listed_across_pages(aws_calls: Any) -> None:
    def subnet(subnet_id: str, owner: str) -> dict[str, Any]:
        return {"SubnetId": subnet_id, "VpcId": "vpc-00000000000000001", "CidrBlock": "10.0.1.0/24",
                "AvailabilityZone": "us-east-1a", "OwnerId": owner, "DefaultForAz": False,
                "SubnetArn": f"arn:aws:ec2:us-east-1:{owner}:subnet/{subnet_id}"}

    subnets = stubbed(aws_calls, "aws_subnet", [
        ("describe_subnets", {"Subnets": [subnet("subnet-00000000000000001", ACCOUNT)], "NextToken": "page-2"}),
        ("describe_subnets", {"Subnets": [subnet("subnet-00000000000000002", OTHER_ACCOUNT),
                                          subnet("subnet-00000000000000003", ACCOUNT)]}),
    ])
    assert list(subnets) == ["subnet-00000000000000001", "subnet-00000000000000003"]
