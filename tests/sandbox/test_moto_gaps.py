"""The sandbox's fills of moto's gaps (sandbox/moto_gaps.py): each answer, asked through boto3 of the moto server the
sandbox and the suite serve, has AWS's shape and the resource's own values."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sandbox import moto_gaps

Aws = Callable[..., Any]


def _subnets(aws: Aws, cidr: str, count: int = 2) -> tuple[str, list[str]]:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]
    return vpc, [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
                 ["Subnet"]["SubnetId"] for n, zone in zip(range(1, count + 1), "abc", strict=False)]


def test_installing_again_patches_nothing_twice(moto_server: str) -> None:
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.kafka.responses import KafkaResponse

    before = (EC2ContainerServiceResponse.create_service, KafkaResponse.get_bootstrap_brokers)  # type: ignore[attr-defined]
    moto_gaps.install()
    assert (EC2ContainerServiceResponse.create_service, KafkaResponse.get_bootstrap_brokers) == before  # type: ignore[attr-defined]


def test_step_functions_lists_a_machines_published_versions_newest_first(aws_client: Aws) -> None:
    role = "arn:aws:iam::123456789012:role/sfn"
    sfn = aws_client("stepfunctions")
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    machine = sfn.create_state_machine(name="flow", definition=definition, roleArn=role, publish=True)
    second = sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=definition,
                                      publish=True)["stateMachineVersionArn"]

    versions = sfn.list_state_machine_versions(stateMachineArn=machine["stateMachineArn"])["stateMachineVersions"]

    assert [v["stateMachineVersionArn"] for v in versions] == [second, machine["stateMachineVersionArn"]]
    assert all(isinstance(v["creationDate"], datetime) for v in versions)


def test_an_auto_scaling_group_reports_its_capacity_reservation_specification(aws_client: Aws) -> None:
    _, subnets = _subnets(aws_client, "10.11")
    template = aws_client("ec2").create_launch_template(
        LaunchTemplateName="w", LaunchTemplateData={"ImageId": "ami-0abcdef1234567890", "InstanceType": "t3.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling = aws_client("autoscaling")
    common = {"LaunchTemplate": {"LaunchTemplateId": template}, "MinSize": 0, "MaxSize": 1,
              "VPCZoneIdentifier": ",".join(subnets)}
    autoscaling.create_auto_scaling_group(AutoScalingGroupName="plain", **common)
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="reserved", **common,
        CapacityReservationSpecification={"CapacityReservationPreference": "capacity-reservations-first",
                                          "CapacityReservationTarget": {"CapacityReservationIds": ["cr-0123"]}})

    def specification(name: str) -> dict[str, Any]:
        [group] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
        return group["CapacityReservationSpecification"]

    assert specification("plain") == {"CapacityReservationPreference": "default"}
    assert specification("reserved") == {"CapacityReservationPreference": "capacity-reservations-first",
                                         "CapacityReservationTarget": {"CapacityReservationIds": ["cr-0123"]}}
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="plain",
                                          CapacityReservationSpecification={"CapacityReservationPreference": "none"})
    assert specification("plain") == {"CapacityReservationPreference": "none"}


def test_an_ecs_service_reports_its_deployment_configuration_and_rebalancing(aws_client: Aws) -> None:
    ecs = aws_client("ecs")
    ecs.create_cluster(clusterName="prod")
    task = ecs.register_task_definition(family="api", containerDefinitions=[
        {"name": "api", "image": "api:1", "memory": 512}])["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="prod", serviceName="default", taskDefinition=task, desiredCount=0)
    ecs.create_service(cluster="prod", serviceName="tuned", taskDefinition=task, desiredCount=0,
                       deploymentConfiguration={"maximumPercent": 150}, availabilityZoneRebalancing="DISABLED")
    ecs.create_service(cluster="prod", serviceName="agent", taskDefinition=task, schedulingStrategy="DAEMON")

    services = {s["serviceName"]: s for s in ecs.describe_services(
        cluster="prod", services=["default", "tuned", "agent"])["services"]}

    breaker = {"enable": False, "rollback": False}
    assert services["default"]["deploymentConfiguration"] == {
        "maximumPercent": 200, "minimumHealthyPercent": 100, "deploymentCircuitBreaker": breaker}
    assert services["default"]["availabilityZoneRebalancing"] == "ENABLED"
    assert services["tuned"]["deploymentConfiguration"] == {
        "maximumPercent": 150, "minimumHealthyPercent": 100, "deploymentCircuitBreaker": breaker}
    assert services["tuned"]["availabilityZoneRebalancing"] == "DISABLED"
    assert services["agent"]["deploymentConfiguration"] == {
        "maximumPercent": 100, "minimumHealthyPercent": 0, "deploymentCircuitBreaker": breaker}
    assert services["agent"]["availabilityZoneRebalancing"] == "DISABLED"


def test_an_msk_cluster_reports_what_aws_does_for_settings_it_was_made_without(aws_client: Aws) -> None:
    vpc, subnets = _subnets(aws_client, "10.15")
    ec2 = aws_client("ec2")
    [default] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                      {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    own = ec2.create_security_group(GroupName="brokers", Description="brokers", VpcId=vpc)["GroupId"]
    kafka = aws_client("kafka")
    provisioned = {"KafkaVersion": "3.6.0", "NumberOfBrokerNodes": 2}
    plain = kafka.create_cluster_v2(ClusterName="plain", Provisioned={
        **provisioned, "BrokerNodeGroupInfo": {"InstanceType": "kafka.t3.small", "ClientSubnets": subnets}},
    )["ClusterArn"]
    guarded = kafka.create_cluster(ClusterName="guarded", KafkaVersion="3.6.0", NumberOfBrokerNodes=2,
                                   BrokerNodeGroupInfo={"InstanceType": "kafka.t3.small", "ClientSubnets": subnets,
                                                        "SecurityGroups": [own]})["ClusterArn"]

    described = kafka.describe_cluster_v2(ClusterArn=plain)["ClusterInfo"]["Provisioned"]
    other = kafka.describe_cluster(ClusterArn=guarded)["ClusterInfo"]

    assert described["BrokerNodeGroupInfo"]["SecurityGroups"] == [default["GroupId"]]
    assert other["BrokerNodeGroupInfo"]["SecurityGroups"] == [own]
    assert described["BrokerNodeGroupInfo"]["BrokerAZDistribution"] == "DEFAULT"
    assert other["BrokerNodeGroupInfo"]["BrokerAZDistribution"] == "DEFAULT"
    for cluster in (described, other):
        assert cluster["EncryptionInfo"]["EncryptionInTransit"] == {"ClientBroker": "TLS", "InCluster": True}
        assert "ClientAuthentication" not in cluster
        assert cluster["CurrentBrokerSoftwareInfo"] == {"KafkaVersion": "3.6.0"}


def test_an_msk_cluster_gives_its_bootstrap_brokers_for_each_way_in(aws_client: Aws) -> None:
    _, subnets = _subnets(aws_client, "10.12")
    kafka = aws_client("kafka")
    nodes = {"InstanceType": "kafka.m5.large", "ClientSubnets": subnets}
    mixed = kafka.create_cluster(
        ClusterName="Events", KafkaVersion="3.6.0", NumberOfBrokerNodes=2, BrokerNodeGroupInfo=nodes,
        EncryptionInfo={"EncryptionInTransit": {"ClientBroker": "TLS_PLAINTEXT", "InCluster": True}},
    )["ClusterArn"]
    iam = kafka.create_cluster(
        ClusterName="audit", KafkaVersion="3.6.0", NumberOfBrokerNodes=3, BrokerNodeGroupInfo=nodes,
        ClientAuthentication={"Sasl": {"Iam": {"Enabled": True}}},
    )["ClusterArn"]

    brokers = kafka.get_bootstrap_brokers(ClusterArn=mixed)
    plaintext, tls = brokers["BootstrapBrokerString"].split(","), brokers["BootstrapBrokerStringTls"].split(",")
    assert [b.split(".", 1)[0] for b in plaintext] == ["b-1", "b-2"]
    assert all(b.endswith(".kafka.us-east-1.amazonaws.com:9092") and ".events." in b for b in plaintext)
    assert [b.rsplit(":", 1) for b in tls] == [[b.rsplit(":", 1)[0], "9094"] for b in plaintext]
    assert "BootstrapBrokerStringSaslIam" not in brokers
    assert kafka.describe_cluster(ClusterArn=mixed)["ClusterInfo"]["EncryptionInfo"]["EncryptionInTransit"] == {
        "ClientBroker": "TLS_PLAINTEXT", "InCluster": True}

    brokers = kafka.get_bootstrap_brokers(ClusterArn=iam)
    assert set(brokers) - {"ResponseMetadata"} == {"BootstrapBrokerStringSaslIam"}
    assert len(brokers["BootstrapBrokerStringSaslIam"].split(",")) == 3
    assert all(b.endswith(":9098") for b in brokers["BootstrapBrokerStringSaslIam"].split(","))

    with pytest.raises(ClientError) as missing:
        kafka.get_bootstrap_brokers(ClusterArn=mixed.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000")
    assert missing.value.response["Error"]["Code"] == "NotFoundException"


def test_a_redshift_cluster_reports_the_fields_aws_always_reports(aws_client: Aws) -> None:
    redshift = aws_client("redshift")
    common = {"NodeType": "ra3.xlplus", "MasterUsername": "admin", "MasterUserPassword": "Not-a-real-password-1"}
    redshift.create_cluster(ClusterIdentifier="plain", **common)
    redshift.create_cluster(ClusterIdentifier="mobile", AvailabilityZoneRelocation=True, MultiAZ=True,
                            MaintenanceTrackName="trailing", ManualSnapshotRetentionPeriod=30,
                            PreferredMaintenanceWindow="Sun:05:00-Sun:06:00", **common)
    fields = ("AvailabilityZoneRelocationStatus", "MultiAZ", "MaintenanceTrackName", "ManualSnapshotRetentionPeriod",
              "PreferredMaintenanceWindow")

    def reported(identifier: str) -> tuple[Any, ...]:
        [cluster] = redshift.describe_clusters(ClusterIdentifier=identifier)["Clusters"]
        return tuple(cluster[field] for field in fields)

    assert reported("plain") == ("disabled", "Disabled", "current", -1, "mon:03:00-mon:03:30")
    assert reported("mobile") == ("enabled", "Enabled", "trailing", 30, "sun:05:00-sun:06:00")
    redshift.modify_cluster(ClusterIdentifier="mobile", AvailabilityZoneRelocation=False)
    redshift.modify_cluster(ClusterIdentifier="plain", MultiAZ=True, ManualSnapshotRetentionPeriod=7)
    assert reported("plain") == ("disabled", "Enabled", "current", 7, "mon:03:00-mon:03:30")
    assert reported("mobile") == ("disabled", "Enabled", "trailing", 30, "sun:05:00-sun:06:00")


def test_cloudhsm_timestamps_are_json_numbers(aws_client: Aws) -> None:
    _, [subnet] = _subnets(aws_client, "10.13", count=1)
    cloudhsm = aws_client("cloudhsmv2")
    bodies: list[bytes] = []
    cloudhsm.meta.events.register("after-call.cloudhsmv2.DescribeClusters",
                                  lambda http_response, **_: bodies.append(http_response.content))
    made = cloudhsm.create_cluster(HsmType="hsm1.medium", SubnetIds=[subnet])["Cluster"]

    [cluster] = cloudhsm.describe_clusters(Filters={"clusterIds": [made["ClusterId"]]})["Clusters"]

    [raw] = json.loads(bodies[0])["Clusters"]
    assert isinstance(raw["CreateTimestamp"], float)
    assert abs(raw["CreateTimestamp"] - time.time()) < 300
    assert abs(cluster["CreateTimestamp"] - datetime.now(UTC)) < timedelta(minutes=5)


def test_backup_lists_a_vaults_tags_with_or_without_the_trailing_slash(aws_client: Aws) -> None:
    backup = aws_client("backup")
    arn = backup.create_backup_vault(BackupVaultName="Nightly-DB",
                                     BackupVaultTags={"team": "data"})["BackupVaultArn"]
    assert backup.list_tags(ResourceArn=arn)["Tags"] == {"team": "data"}

    def as_the_provider_sends_it(request: Any, **_: Any) -> None:
        request.url = request.url.replace("/?", "?").removesuffix("/")

    backup.meta.events.register("before-sign.backup.ListTags", as_the_provider_sends_it)
    sent: list[str] = []
    backup.meta.events.register("before-send.backup.ListTags", lambda request, **_: sent.append(request.url))

    assert backup.list_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
    assert not sent[0].split("?")[0].endswith("/")


def test_a_replication_groups_members_are_cache_clusters_with_the_groups_settings(aws_client: Aws) -> None:
    vpc, _ = _subnets(aws_client, "10.14")
    group_id = aws_client("ec2").create_security_group(GroupName="cache", Description="cache",
                                                       VpcId=vpc)["GroupId"]
    elasticache = aws_client("elasticache")
    elasticache.create_replication_group(
        ReplicationGroupId="sessions", ReplicationGroupDescription="sessions", Engine="redis", EngineVersion="7.1",
        CacheNodeType="cache.t3.micro", ReplicasPerNodeGroup=1, SecurityGroupIds=[group_id],
        CacheParameterGroupName="default.redis7", PreferredMaintenanceWindow="sun:05:00-sun:06:00",
        AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True, Port=6380,
    )
    [group] = elasticache.describe_replication_groups(ReplicationGroupId="sessions")["ReplicationGroups"]
    assert group["MemberClusters"] == ["sessions-001", "sessions-002"]

    [member] = elasticache.describe_cache_clusters(CacheClusterId="sessions-001",
                                                   ShowCacheNodeInfo=True)["CacheClusters"]
    assert {k: member.get(k) for k in (
        "ReplicationGroupId", "Engine", "EngineVersion", "CacheNodeType", "PreferredMaintenanceWindow",
        "AtRestEncryptionEnabled", "TransitEncryptionEnabled", "CacheClusterStatus", "PreferredAvailabilityZone",
        "SecurityGroups", "CacheParameterGroup")} == {
        "ReplicationGroupId": "sessions", "Engine": "redis", "EngineVersion": "7.1", "CacheNodeType": "cache.t3.micro",
        "PreferredMaintenanceWindow": "sun:05:00-sun:06:00", "AtRestEncryptionEnabled": True,
        "TransitEncryptionEnabled": True, "CacheClusterStatus": "available", "PreferredAvailabilityZone": "us-east-1a",
        "SecurityGroups": [{"SecurityGroupId": group_id, "Status": "active"}],
        "CacheParameterGroup": {"CacheParameterGroupName": "default.redis7", "ParameterApplyStatus": "in-sync",
                                "CacheNodeIdsToReboot": []}}
    [replica] = elasticache.describe_cache_clusters(CacheClusterId="sessions-002")["CacheClusters"]
    assert (replica["ReplicationGroupId"], replica["PreferredAvailabilityZone"]) == ("sessions", "us-east-1b")

    elasticache.delete_replication_group(ReplicationGroupId="sessions")
    statuses = {c["CacheClusterId"]: c["CacheClusterStatus"]
                for c in elasticache.describe_cache_clusters()["CacheClusters"]}
    assert statuses == {"sessions-001": "deleting", "sessions-002": "deleting"}


def test_a_member_made_before_the_members_are_read_is_kept(aws_client: Aws) -> None:
    elasticache = aws_client("elasticache")
    elasticache.create_replication_group(ReplicationGroupId="cache", ReplicationGroupDescription="cache",
                                         Engine="redis", CacheNodeType="cache.t3.small")
    elasticache.create_cache_cluster(CacheClusterId="cache-001", ReplicationGroupId="cache", Engine="redis",
                                     CacheNodeType="cache.t3.small", NumCacheNodes=1, SnapshotRetentionLimit=5)

    [member] = elasticache.describe_cache_clusters(CacheClusterId="cache-001")["CacheClusters"]

    assert (member["ReplicationGroupId"], member["SnapshotRetentionLimit"]) == ("cache", 5)
