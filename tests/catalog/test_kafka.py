import dataclasses
import json

import pytest

from bot.catalog import CATALOG, DESCRIBE, ExtractError
from bot.catalog.base import OtherType
from bot.catalog.template_input import Clients, NotFound
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from bot.resource import Resource
from tests.conftest import DATA

ARN = "arn:aws:kafka:eu-west-1:123456789012:cluster/Orders-Events/6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8-2"


def derived(name: str) -> dict:
    return json.loads((DATA / "cloudtrail" / name).read_text(encoding="utf-8"))


def resolve(raw: dict):
    return CATALOG["aws_msk_cluster"].resolve(CloudTrailRecord(raw, "t"))


def test_a_console_cluster_is_detected_by_its_arn():
    result = Classifier().classify(CloudTrailRecord(derived("kafka__CreateClusterV2__console.json"), "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id, resource.arn) == ("aws_msk_cluster", ARN, ARN)
    assert resource.name == "Orders-Events"
    assert resource.tags == {"team": "orders"}
    assert resource.console_url == (
        "https://eu-west-1.console.aws.amazon.com/msk/home?region=eu-west-1#/cluster/"
        "arn%3Aaws%3Akafka%3Aeu-west-1%3A123456789012%3Acluster%2FOrders-Events%2F"
        "6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8-2/view"
    )
    entry = CATALOG["aws_msk_cluster"]
    assert entry.loses_data is True and entry.create_events == ("CreateCluster", "CreateClusterV2")


def test_without_a_response_the_arn_is_left_to_the_lookup():
    raw = derived("kafka__CreateCluster__nullresponse.json")
    [found] = resolve(raw)
    assert (found.import_id, found.arn, found.name) == ("", "", "clickstream")
    assert found.tags == {"team": "web"}
    assert CATALOG["aws_msk_cluster"].lookup.call == "kafka:ListClustersV2"
    result = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert resource.resolve == "kafka:ListClustersV2"


def test_pascal_case_fields_are_read():
    raw = derived("kafka__CreateClusterV2__console.json")
    raw["requestParameters"] = {"ClusterName": "Orders-Events", "Tags": {"team": "orders"}}
    raw["responseElements"] = {"ClusterArn": ARN, "ClusterType": "PROVISIONED"}
    [found] = resolve(raw)
    assert (found.import_id, found.name, found.tags) == (ARN, "Orders-Events", {"team": "orders"})


def test_a_serverless_cluster_is_another_type():
    raw = derived("kafka__CreateClusterV2__console.json")
    raw["requestParameters"] = {"clusterName": "events", "serverless": {"vpcConfigs": []}}
    raw["responseElements"] = None
    with pytest.raises(OtherType) as caught:
        resolve(raw)
    assert caught.value.tf_type == "aws_msk_serverless_cluster"
    raw["responseElements"] = {"clusterArn": ARN, "clusterType": "SERVERLESS"}
    with pytest.raises(OtherType):
        resolve(raw)


def test_a_missing_name_names_the_field():
    raw = derived("kafka__CreateCluster__nullresponse.json")
    del raw["requestParameters"]["clusterName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.clusterName"):
        resolve(raw)


def test_the_lookup_finds_the_cluster_of_that_exact_name(aws_client):
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.60.{n}.0/24")["Subnet"]["SubnetId"] for n in (1, 2)]
    kafka = aws_client("kafka")
    group = {"InstanceType": "kafka.m5.large", "ClientSubnets": subnets}
    kafka.create_cluster(ClusterName="clickstream-old", KafkaVersion="2.8.1", NumberOfBrokerNodes=2,
                         BrokerNodeGroupInfo=group)
    arn = kafka.create_cluster(ClusterName="clickstream", KafkaVersion="2.8.1", NumberOfBrokerNodes=2,
                               BrokerNodeGroupInfo=group)["ClusterArn"]
    clients = Clients(lambda service, region: aws_client(service, region), "us-east-1")
    resource = Resource(tf_type="aws_msk_cluster", import_id="", name="clickstream", arn="", region="us-east-1",
                        account_id="123456789012", actor="alice", console_url="", suggested_name="clickstream",
                        loses_data=True)
    located = CATALOG["aws_msk_cluster"].lookup.find(clients, resource)
    assert (located.import_id, located.arn) == (arn, arn)
    with pytest.raises(NotFound):
        CATALOG["aws_msk_cluster"].lookup.find(clients, dataclasses.replace(resource, name="missing"))


def test_the_event_alone_gives_brokers_storage_and_encryption():
    record = CloudTrailRecord(derived("kafka__CreateClusterV2__console.json"), "t")
    [resource] = Classifier().classify(record).resources
    args = DESCRIBE["aws_msk_cluster"].from_event(record, resource).args
    assert (args["cluster_name"], args["kafka_version"], args["number_of_broker_nodes"]) == (
        "Orders-Events", "3.5.1", 2)
    group = args["broker_node_group_info"]
    assert group["instance_type"] == "kafka.m5.large"
    assert group["client_subnets"] == ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    assert group["storage"] == {"volume_size": 1000, "provisioned_throughput": None}
    assert args["encryption_info"] is None  # TLS both ways: the provider's defaults
    assert args["enhanced_monitoring"] == "PER_TOPIC_PER_BROKER"


def test_deleting_a_cluster_is_refused():
    from bot.catalog import DELETE

    assert "every message" in DELETE["aws_msk_cluster"].refuses
