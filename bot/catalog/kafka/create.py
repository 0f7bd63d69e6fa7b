"""Making an MSK provisioned cluster, as the console's quick create does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, CreateError, default_subnets, slug

_KAFKA_VERSION = "3.6.0"


def create_msk_cluster(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    cluster = slug(name, limit=64)
    subnets = [s["SubnetId"] for s in default_subnets(ctx)[:2]]
    if len(subnets) < 2:
        raise CreateError("an MSK cluster needs subnets in two availability zones")
    group = {"InstanceType": "kafka.t3.small", "ClientSubnets": subnets,
             "StorageInfo": {"EbsStorageInfo": {"VolumeSize": 100}}}
    made = ctx.client("kafka").create_cluster_v2(
        ClusterName=cluster, Provisioned={"BrokerNodeGroupInfo": group, "KafkaVersion": _KAFKA_VERSION,
                                          "NumberOfBrokerNodes": 2}, Tags=dict(tags),
    )
    return Call({"clusterName": cluster, "provisioned": {
                    "brokerNodeGroupInfo": {"instanceType": "kafka.t3.small", "clientSubnets": subnets,
                                            "storageInfo": {"ebsStorageInfo": {"volumeSize": 100}}},
                    "kafkaVersion": _KAFKA_VERSION, "numberOfBrokerNodes": 2}, "tags": dict(tags)},
                {"clusterArn": made["ClusterArn"], "clusterName": cluster, "clusterType": "PROVISIONED",
                 "state": made.get("State", "CREATING")},
                event_name="CreateClusterV2")


CREATORS = {
    "aws_msk_cluster": create_msk_cluster,
}
