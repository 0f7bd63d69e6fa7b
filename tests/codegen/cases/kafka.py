"""MSK provisioned clusters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_msk_cluster(aws: Aws) -> Made:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.50.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
               ["Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b"))]
    group = ec2.create_security_group(GroupName="kafka", Description="kafka", VpcId=vpc)["GroupId"]
    arn = aws("kafka").create_cluster(
        ClusterName="events", KafkaVersion="3.6.0", NumberOfBrokerNodes=2,
        BrokerNodeGroupInfo={"InstanceType": "kafka.m5.large", "ClientSubnets": subnets, "SecurityGroups": [group],
                             "StorageInfo": {"EbsStorageInfo": {"VolumeSize": 200}}},
        EncryptionInfo={"EncryptionInTransit": {"ClientBroker": "TLS_PLAINTEXT", "InCluster": True}},
        EnhancedMonitoring="PER_BROKER", Tags={"team": "data ${x}"},
    )["ClusterArn"]
    record = cloudtrail("kafka.amazonaws.com", "CreateCluster",
                        {"clusterName": "events", "kafkaVersion": "3.6.0", "numberOfBrokerNodes": 2,
                         "brokerNodeGroupInfo": {"instanceType": "kafka.m5.large", "clientSubnets": subnets},
                         "tags": {"team": "data ${x}"}},
                        {"clusterArn": arn, "clusterName": "events", "state": "CREATING"})
    expect = {"cluster_name": "events", "kafka_version": "3.6.0", "number_of_broker_nodes": 2,
              "enhanced_monitoring": "PER_BROKER",
              "broker_node_group_info": [{"instance_type": "kafka.m5.large", "client_subnets": sorted(subnets),
                                          "security_groups": [group],
                                          "storage_info": [{"ebs_storage_info": [{"volume_size": 200}]}]}],
              "encryption_info": [{"encryption_in_transit": [{"client_broker": "TLS_PLAINTEXT"}]}],
              "tags": {"team": "data ${x}"}}
    return Made(record, arn, expect)


CASES = {"aws_msk_cluster": make_msk_cluster}
PROVIDER_ENDPOINTS = {"kafka"}
