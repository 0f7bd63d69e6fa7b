from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.catalog import BY_EVENT, CATALOG, DELETE, ExtractError
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.deletion import DeleteRefused, DeleteRequest
from bot.events import CloudTrailRecord
from bot.managed import ManagedIndex
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "ec2__AllocateAddress__1.json": [("aws_eip", "eipalloc-044e12137f28d65f6")],
    "ec2__CreateKeyPair__1.json": [("aws_key_pair", "mykeypair")],
    "ec2__CreateNatGateway__1.json": [("aws_nat_gateway", "nat-0cb758692bd70f8e6")],
    "ec2__CreateSecurityGroup__1.json": [("aws_security_group", "sg-YOUR_SECURITY_GROUP_ID")],
    "ec2__CreateVolume__1.json": [("aws_ebs_volume", "vol-084879c77b49adac0")],
    "ec2__CreateVolume__2.json": [("aws_ebs_volume", "vol-97c02b3e")],
    "ec2__CreateVpc__1.json": [("aws_vpc", "vpc-08eaa8606850ddfc5")],
    "ec2__CreateVpc__2.json": [("aws_vpc", "vpc-0bda49e0068536141")],
    "ec2__CreateVpc__3.json": [("aws_vpc", "vpc-1")],
    "ec2__CreateVpc__4.json": [("aws_vpc", "vpc-1")],
    # Two instances in one call; the source anonymised both IDs to the same placeholder.
    "ec2__RunInstances__1.json": [("aws_instance", "i-YOUR_INSTANCE_IDS"), ("aws_instance", "i-YOUR_INSTANCE_IDS")],
    "ec2__RunInstances__2.json": [("aws_instance", "i-0fc5d99558e8357e8")],
    "ec2__RunInstances__3.json": [("aws_instance", "i-0f2f135de18b555e3")],
    "ec2__RunInstances__4.json": [("aws_instance", "i-0f7c711dc84bedda0")],
}


def fixture(name: str) -> dict[str, Any]:
    return json.loads((DATA / "cloudtrail" / name).read_text(encoding="utf-8"))


def classify(raw: dict[str, Any], managed: ManagedIndex | None = None):
    return Classifier(managed=managed).classify(CloudTrailRecord(raw, "test"))


def only(raw: dict[str, Any]):
    result = classify(raw)
    assert result.verdict == "detected", result
    [resource] = result.resources
    return resource


def test_every_ec2_create_event_maps_to_its_type():
    wanted = {
        "RunInstances": "aws_instance",
        "CreateSecurityGroup": "aws_security_group",
        "CreateVpc": "aws_vpc",
        "CreateSubnet": "aws_subnet",
        "CreateVolume": "aws_ebs_volume",
        "AllocateAddress": "aws_eip",
        "CreateKeyPair": "aws_key_pair",
        "ImportKeyPair": "aws_key_pair",
        "CreateInternetGateway": "aws_internet_gateway",
        "CreateNatGateway": "aws_nat_gateway",
        "CreateLaunchTemplate": "aws_launch_template",
        "CreateRouteTable": "aws_route_table",
        "CreateVpcEndpoint": "aws_vpc_endpoint",
    }
    mapped = {name: entry.tf_type for (source, name), entry in BY_EVENT.items() if source == "ec2.amazonaws.com"}
    assert {name: mapped.get(name) for name in wanted} == wanted
    assert CATALOG["aws_instance"].delete_events == ("TerminateInstances",)
    assert CATALOG["aws_eip"].delete_events == ("ReleaseAddress",)


def test_create_default_vpc_is_reported_unsupported():
    raw = corpus_record("ec2__CreateVpc__2.json")
    raw["eventName"] = "CreateDefaultVpc"
    result = classify(raw)
    assert result.verdict == "unsupported"
    assert "CreateDefaultVpc" in result.reason


def test_loses_data_only_for_instances_and_volumes():
    losing = {t for t, e in CATALOG.items() if e.event_source == "ec2.amazonaws.com" and e.loses_data}
    assert losing == {"aws_instance", "aws_ebs_volume"}
    assert only(corpus_record("ec2__CreateVolume__2.json")).loses_data is True
    assert only(corpus_record("ec2__CreateVpc__1.json")).loses_data is False


def test_instance_arn_console_url_and_name_tag():
    resource = only(corpus_record("ec2__RunInstances__2.json"))
    assert resource.arn == "arn:aws:ec2:ap-northeast-1:999999999999:instance/i-0fc5d99558e8357e8"
    assert resource.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/ec2/home?region=ap-northeast-1"
        "#InstanceDetails:instanceId=i-0fc5d99558e8357e8"
    )
    assert resource.name == "onecloud-sli-db"
    assert resource.tags == {"Name": "onecloud-sli-db"}
    assert resource.suggested_name == "onecloud_sli_db"


def test_instance_tags_come_from_the_instance_tag_specification_only():
    resource = only(corpus_record("ec2__RunInstances__3.json"))
    assert resource.tags == {
        "name": "cloudtrail-event-test",
        "division": "engineering",
        "org": "security",
        "team": "cloud",
        "project": "testproject",
    }
    assert resource.name == "cloudtrail-event-test"  # the lower-case "name" key still names it


def test_instance_without_tags_is_named_by_its_id():
    resource = only(corpus_record("ec2__RunInstances__4.json"))
    assert resource.tags == {}
    assert resource.name == "i-0f7c711dc84bedda0"
    assert resource.arn == "arn:aws:ec2:us-east-1:644160558196:instance/i-0f7c711dc84bedda0"


def test_one_run_instances_call_yields_one_resource_per_instance():
    raw = corpus_record("ec2__RunInstances__1.json")
    items = raw["responseElements"]["instancesSet"]["items"]
    items[0]["instanceId"] = "i-0aaaaaaaaaaaaaaa1"
    items[1]["instanceId"] = "i-0bbbbbbbbbbbbbbb2"
    # Without a request-side specification each instance's own tagSet names it.
    del raw["requestParameters"]["tagSpecificationSet"]
    items[1]["tagSet"] = {"items": [{"key": "Name", "value": "second"}]}
    result = classify(raw)
    assert result.verdict == "detected"
    assert [(r.import_id, r.name) for r in result.resources] == [
        ("i-0aaaaaaaaaaaaaaa1", "test"),
        ("i-0bbbbbbbbbbbbbbb2", "second"),
    ]
    assert [r.arn for r in result.resources] == [
        "arn:aws:ec2:ap-northeast-2:000000000000:instance/i-0aaaaaaaaaaaaaaa1",
        "arn:aws:ec2:ap-northeast-2:000000000000:instance/i-0bbbbbbbbbbbbbbb2",
    ]


@pytest.mark.parametrize(
    ("name", "mutate", "path"),
    [
        ("ec2__RunInstances__2.json", lambda r: r.update(responseElements=None), "responseElements.instancesSet.items"),
        (
            "ec2__RunInstances__1.json",
            lambda r: r["responseElements"]["instancesSet"]["items"][1].pop("instanceId"),
            "responseElements.instancesSet.items[1].instanceId",
        ),
        ("ec2__CreateVpc__1.json", lambda r: r.update(responseElements=None), "responseElements.vpc.vpcId"),
        (
            "ec2__CreateSecurityGroup__1.json",
            lambda r: r["responseElements"].pop("groupId"),
            "responseElements.groupId",
        ),
        ("ec2__CreateVolume__1.json", lambda r: r.update(responseElements=None), "responseElements.volumeId"),
        ("ec2__AllocateAddress__1.json", lambda r: r.update(responseElements=None), "responseElements.allocationId"),
        ("ec2__CreateKeyPair__1.json", lambda r: r.update(requestParameters={}, responseElements=None), "keyName"),
        (
            "ec2__CreateNatGateway__1.json",
            lambda r: r["responseElements"]["CreateNatGatewayResponse"].pop("natGateway"),
            "responseElements.CreateNatGatewayResponse.natGateway.natGatewayId",
        ),
    ],
)
def test_missing_identity_is_an_incomplete_error_naming_the_field(name, mutate, path):
    raw = corpus_record(name)
    mutate(raw)
    entry = BY_EVENT[(raw["eventSource"], raw["eventName"])]
    with pytest.raises(ExtractError, match=path.replace("[", r"\[").replace("]", r"\]")):
        entry.resolve(CloudTrailRecord(raw, "test"))
    result = classify(raw)
    assert result.verdict == "error"
    assert result.reason_code == "incomplete"
    assert path in result.reason


def test_security_group_named_by_group_name_without_a_name_tag():
    resource = only(corpus_record("ec2__CreateSecurityGroup__1.json"))
    assert resource.name == "Test"
    assert resource.arn == "arn:aws:ec2:ap-northeast-2:000000000000:security-group/sg-YOUR_SECURITY_GROUP_ID"
    assert resource.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2"
        "#SecurityGroup:groupId=sg-YOUR_SECURITY_GROUP_ID"
    )


def test_security_group_name_tag_wins_over_group_name():
    raw = corpus_record("ec2__CreateSecurityGroup__1.json")
    raw["requestParameters"]["tagSpecificationSet"] = {
        "items": [
            {
                "resourceType": "security-group",
                "tags": [{"key": "Name", "value": "web-sg"}, {"key": "env", "value": "dev"}],
            }
        ]
    }
    resource = only(raw)
    assert resource.name == "web-sg"
    assert resource.tags == {"Name": "web-sg", "env": "dev"}


def test_vpc_arn_console_url_and_tags():
    resource = only(corpus_record("ec2__CreateVpc__1.json"))
    assert resource.arn == "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-08eaa8606850ddfc5"
    assert resource.console_url == (
        "https://eu-west-1.console.aws.amazon.com/vpcconsole/home?region=eu-west-1#VpcDetails:VpcId=vpc-08eaa8606850ddfc5"
    )
    assert resource.tags == {"Name": "test-clickops"}
    assert resource.name == "test-clickops"


def test_arn_partition_follows_the_region():
    raw = corpus_record("ec2__CreateVolume__2.json")
    raw["awsRegion"] = "cn-north-1"
    assert only(raw).arn == "arn:aws-cn:ec2:cn-north-1:101010101111:volume/vol-97c02b3e"


def test_volume_tags_and_console_url():
    resource = only(corpus_record("ec2__CreateVolume__1.json"))
    assert resource.tags == {"Name": "onecloud-sli-mq-d"}
    assert resource.name == "onecloud-sli-mq-d"
    assert resource.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/ec2/home?region=ap-northeast-1"
        "#VolumeDetails:volumeId=vol-084879c77b49adac0"
    )


def test_eip_arn_console_url_and_name():
    resource = only(corpus_record("ec2__AllocateAddress__1.json"))
    assert resource.arn == "arn:aws:ec2:ap-northeast-1:999999999999:elastic-ip/eipalloc-044e12137f28d65f6"
    assert resource.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/ec2/home?region=ap-northeast-1"
        "#ElasticIpDetails:AllocationId=eipalloc-044e12137f28d65f6"
    )
    assert resource.name == "99.99.99.99"


def test_tagged_eip_takes_its_name_from_the_tag():
    resource = only(fixture("ec2__AllocateAddress__tagged.json"))
    assert resource.import_id == "eipalloc-0f1e2d3c4b5a69788"
    assert resource.tags == {"Name": "bastion-ip", "env": "prod"}
    assert resource.name == "bastion-ip"


def test_classic_eip_is_unsupported():
    result = classify(fixture("ec2__AllocateAddress__classic.json"))
    assert result.verdict == "unsupported"
    assert result.reason == "unsupported: AllocateAddress made no aws_eip"


def test_key_pair_arn_and_console_url():
    resource = only(corpus_record("ec2__CreateKeyPair__1.json"))
    assert resource.arn == "arn:aws:ec2:us-east-2:123456789012:key-pair/mykeypair"
    assert resource.console_url == (
        "https://us-east-2.console.aws.amazon.com/ec2/home?region=us-east-2#KeyPairs:search=mykeypair"
    )


def test_imported_key_pair():
    resource = only(fixture("ec2__ImportKeyPair__1.json"))
    assert (resource.tf_type, resource.import_id) == ("aws_key_pair", "deployer-key")
    assert resource.name == "deployer-key"
    assert resource.tags == {"owner": "alice"}
    assert resource.arn == "arn:aws:ec2:us-east-2:123456789012:key-pair/deployer-key"


def test_subnet():
    resource = only(fixture("ec2__CreateSubnet__console.json"))
    assert (resource.tf_type, resource.import_id) == ("aws_subnet", "subnet-0d840b9ab96eb41ca")
    assert resource.arn == "arn:aws:ec2:ap-northeast-1:999999999999:subnet/subnet-0d840b9ab96eb41ca"
    assert resource.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/vpcconsole/home?region=ap-northeast-1"
        "#SubnetDetails:subnetId=subnet-0d840b9ab96eb41ca"
    )
    assert resource.tags == {"Name": "app-private-1d", "tier": "private"}
    assert resource.name == "app-private-1d"


def test_internet_gateway():
    resource = only(fixture("ec2__CreateInternetGateway__console.json"))
    assert (resource.tf_type, resource.import_id) == ("aws_internet_gateway", "igw-0cc6844795cc3e71e")
    assert resource.arn == "arn:aws:ec2:ap-northeast-1:999999999999:internet-gateway/igw-0cc6844795cc3e71e"
    assert resource.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/vpcconsole/home?region=ap-northeast-1"
        "#InternetGateway:internetGatewayId=igw-0cc6844795cc3e71e"
    )
    assert resource.name == "app-igw"


def test_launch_template_in_the_xml_derived_shape():
    resource = only(fixture("ec2__CreateLaunchTemplate__console.json"))
    assert (resource.tf_type, resource.import_id) == ("aws_launch_template", "lt-0a1b2c3d4e5f60718")
    # The instance tags inside LaunchTemplateData are not the template's.
    assert resource.tags == {"Name": "web-template", "team": "platform"}
    assert resource.name == "web-template"
    assert resource.arn == "arn:aws:ec2:ap-northeast-1:999999999999:launch-template/lt-0a1b2c3d4e5f60718"
    assert resource.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/ec2/home?region=ap-northeast-1"
        "#LaunchTemplateDetails:launchTemplateId=lt-0a1b2c3d4e5f60718"
    )


def test_launch_template_without_tags_is_named_by_its_name():
    raw = fixture("ec2__CreateLaunchTemplate__console.json")
    del raw["requestParameters"]["CreateLaunchTemplateRequest"]["TagSpecification"]
    del raw["responseElements"]["CreateLaunchTemplateResponse"]["launchTemplate"]["tagSet"]
    resource = only(raw)
    assert resource.tags == {}
    assert resource.name == "web-template"


def test_nat_gateway_arn_console_url_and_single_tag_in_the_xml_derived_shape():
    raw = corpus_record("ec2__CreateNatGateway__1.json")
    resource = only(copy.deepcopy(raw))
    assert resource.arn == "arn:aws:ec2:ap-northeast-1:999999999999:natgateway/nat-0cb758692bd70f8e6"
    assert resource.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/vpcconsole/home?region=ap-northeast-1"
        "#NatGatewayDetails:natGatewayId=nat-0cb758692bd70f8e6"
    )
    assert resource.name == "nat-0cb758692bd70f8e6"
    # A one-element list is a bare object in this shape, and "tag" is the element's index.
    raw["requestParameters"]["CreateNatGatewayRequest"]["TagSpecification"] = {
        "ResourceType": "natgateway",
        "tag": 1,
        "Tag": {"Key": "Name", "Value": "nat-a", "tag": 1},
    }
    tagged = only(raw)
    assert tagged.tags == {"Name": "nat-a"}
    assert tagged.name == "nat-a"


def _state(*resources: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": 4,
        "resources": [
            {"mode": "managed", "type": tf_type, "name": "this", "instances": [{"attributes": attributes}]}
            for tf_type, attributes in resources
        ],
    }


@pytest.mark.parametrize(
    ("name", "tf_type", "attributes"),
    [
        ("ec2__CreateKeyPair__1.json", "aws_key_pair", {"id": "mykeypair", "key_name": "mykeypair"}),
        (
            "ec2__AllocateAddress__1.json",
            "aws_eip",
            {"id": "eipalloc-044e12137f28d65f6", "allocation_id": "eipalloc-044e12137f28d65f6"},
        ),
        ("ec2__RunInstances__2.json", "aws_instance", {"id": "i-0fc5d99558e8357e8"}),
        ("ec2__CreateVpc__1.json", "aws_vpc", {"id": "vpc-08eaa8606850ddfc5"}),
        ("ec2__CreateNatGateway__1.json", "aws_nat_gateway", {"id": "nat-0cb758692bd70f8e6"}),
    ],
)
def test_state_attributes_map_to_the_same_import_id(name, tf_type, attributes):
    managed = ManagedIndex()
    managed.add_state(_state((tf_type, attributes)), "s3://states/net.tfstate")
    result = classify(corpus_record(name), managed)
    assert result.verdict == "ignored", result
    assert result.reason_code == "managed"
    assert f"{tf_type}.this" in result.reason


def test_state_of_another_key_pair_does_not_match():
    managed = ManagedIndex()
    managed.add_state(_state(("aws_key_pair", {"id": "other", "key_name": "other"})), "s3://states/k.tfstate")
    assert classify(corpus_record("ec2__CreateKeyPair__1.json"), managed).verdict == "detected"


# Route tables

ROUTE_TABLE = "ec2__CreateRouteTable__console.json"
VPC_ENDPOINT = "ec2__CreateVpcEndpoint__console.json"


def test_route_table_arn_console_url_and_name_tag():
    table = only(fixture(ROUTE_TABLE))
    assert (table.tf_type, table.import_id, table.name) == ("aws_route_table", "rtb-0a1b2c3d4e5f60718", "private-a")
    assert table.arn == "arn:aws:ec2:eu-west-1:123456789012:route-table/rtb-0a1b2c3d4e5f60718"
    assert table.console_url == ("https://eu-west-1.console.aws.amazon.com/vpcconsole/home?region=eu-west-1"
                                 "#RouteTableDetails:RouteTableId=rtb-0a1b2c3d4e5f60718")
    assert table.tags == {"Name": "private-a"}
    assert CATALOG["aws_route_table"].delete_events == ("DeleteRouteTable",)


def test_route_table_tags_from_the_response_and_in_the_xml_derived_shape():
    raw = fixture(ROUTE_TABLE)
    del raw["requestParameters"]["tagSpecificationSet"]
    assert only(raw).tags == {"Name": "private-a"}
    # The XML-derived serialiser: wrapped, and a one-element list as the element itself.
    raw["requestParameters"] = {"CreateRouteTableRequest": {"VpcId": "vpc-1", "TagSpecification": {
        "ResourceType": "route-table", "tag": 1, "Tag": {"Key": "Name", "Value": "edge", "tag": 1}}}}
    raw["responseElements"] = {"CreateRouteTableResponse": {"routeTable": {"routeTableId": "rtb-9"}}}
    table = only(raw)
    assert (table.import_id, table.name) == ("rtb-9", "edge")


def test_route_table_without_tags_is_named_by_its_id():
    raw = fixture(ROUTE_TABLE)
    del raw["requestParameters"]["tagSpecificationSet"]
    raw["responseElements"]["routeTable"]["tagSet"] = {}
    assert only(raw).name == "rtb-0a1b2c3d4e5f60718"


# VPC endpoints


def test_vpc_endpoint_in_the_xml_derived_shape():
    endpoint = only(fixture(VPC_ENDPOINT))
    assert (endpoint.tf_type, endpoint.import_id) == ("aws_vpc_endpoint", "vpce-0f1e2d3c4b5a69788")
    assert endpoint.name == "s3 gateway"
    assert endpoint.tags == {"Name": "s3 gateway"}
    assert endpoint.arn == "arn:aws:ec2:eu-west-1:123456789012:vpc-endpoint/vpce-0f1e2d3c4b5a69788"
    assert endpoint.console_url == ("https://eu-west-1.console.aws.amazon.com/vpcconsole/home?region=eu-west-1"
                                    "#EndpointDetails:vpcEndpointId=vpce-0f1e2d3c4b5a69788")
    assert CATALOG["aws_vpc_endpoint"].delete_events == ("DeleteVpcEndpoints",)


def test_vpc_endpoint_in_the_json_shape_is_named_by_its_service():
    raw = fixture(VPC_ENDPOINT)
    raw["requestParameters"] = {"vpcId": "vpc-1", "serviceName": "com.amazonaws.eu-west-1.dynamodb"}
    raw["responseElements"] = {"vpcEndpoint": {"vpcEndpointId": "vpce-1", "serviceName":
                                               "com.amazonaws.eu-west-1.dynamodb"}}
    endpoint = only(raw)
    assert (endpoint.import_id, endpoint.name) == ("vpce-1", "com.amazonaws.eu-west-1.dynamodb")
    assert endpoint.suggested_name == "com_amazonaws_eu_west_1_dynamodb"


@pytest.mark.parametrize(
    ("name", "tf_type", "path"),
    [
        (ROUTE_TABLE, "aws_route_table", r"responseElements\.routeTable\.routeTableId"),
        (VPC_ENDPOINT, "aws_vpc_endpoint",
         r"responseElements\.CreateVpcEndpointResponse\.vpcEndpoint\.vpcEndpointId"),
    ],
)
def test_route_table_and_endpoint_without_their_id_are_incomplete(name, tf_type, path):
    raw = fixture(name)
    if name == ROUTE_TABLE:
        del raw["responseElements"]["routeTable"]["routeTableId"]
    else:
        del raw["responseElements"]["CreateVpcEndpointResponse"]["vpcEndpoint"]["vpcEndpointId"]
    with pytest.raises(ExtractError, match=path):
        CATALOG[tf_type].resolve(CloudTrailRecord(raw, "t"))
    assert (classify(raw).verdict, classify(raw).reason_code) == ("error", "incomplete")
    raw["responseElements"] = None
    assert (classify(raw).verdict, classify(raw).reason_code) == ("error", "incomplete")


@pytest.mark.parametrize(("name", "tf_type", "import_id"), [
    (ROUTE_TABLE, "aws_route_table", "rtb-0a1b2c3d4e5f60718"),
    (VPC_ENDPOINT, "aws_vpc_endpoint", "vpce-0f1e2d3c4b5a69788"),
])
def test_route_table_and_endpoint_managed_by_their_id(name, tf_type, import_id):
    managed = ManagedIndex()
    managed.add_state(_state((tf_type, {"id": import_id})), "s3://states/net.tfstate")
    result = classify(fixture(name), managed)
    assert (result.verdict, result.reason_code) == ("ignored", "managed")


def test_a_route_table_still_routing_a_subnet_or_a_main_table_is_refused(aws_client, aws_calls):
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.82.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.82.1.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                              {"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    clients = Clients(aws_calls.factory("aws_route_table", "delete"), "us-east-1")
    with pytest.raises(DeleteRefused, match=f"still routes 1 subnet.*{subnet}"):
        DELETE["aws_route_table"](clients, DeleteRequest("aws_route_table", table, "us-east-1"))
    with pytest.raises(DeleteRefused, match="main route table"):
        DELETE["aws_route_table"](clients, DeleteRequest("aws_route_table", main[0]["RouteTableId"], "us-east-1"))
    assert ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"]
