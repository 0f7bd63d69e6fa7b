"""The data services' listers (RDS, DocumentDB, ElastiCache, Redshift, OpenSearch, MSK, MQ, DynamoDB, Kinesis, EFS):
each resource listed under the type its creation record resolves to and identified as that record identifies it,
what AWS made by itself or is deleting left out, and the facts people read. Against moto where it serves the
service and the state; botocore's Stubber for DocumentDB (moto has no DocumentDB) and for the states moto never
reports (a resource being deleted, a replication's destination, a describe racing a delete)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from botocore.stub import Stubber

from bot.catalog._scan import byte_size
from bot.catalog.base import Listed
from tests.codegen.helpers import ACCOUNT, detect
from tests.codegen.test_types import CASES
from tests.scan import helpers
from tests.scan.helpers import REGION

Aws = Callable[..., Any]
WHEN = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
MINE = ("aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance", "aws_elasticache_cluster",
        "aws_elasticache_replication_group", "aws_redshift_cluster", "aws_opensearch_domain", "aws_msk_cluster",
        "aws_mq_broker", "aws_dynamodb_table", "aws_kinesis_stream", "aws_efs_file_system", "aws_efs_mount_target")


def listed(aws_calls: Any, tf_type: str, region: str = REGION) -> dict[str, Listed]:
    return helpers.by_id(helpers.listed(aws_calls, tf_type, region))


def stubbed(service: str) -> tuple[Any, Stubber]:
    client = helpers.client(service)
    return client, Stubber(client)


def listed_stubbed(aws_calls: Any, tf_type: str, client: Any, stub: Stubber) -> dict[str, Listed]:
    aws_calls.watch(client, tf_type, "scan")
    with stub:
        items = helpers.listed_from(client, tf_type)
    stub.assert_no_pending_responses()
    return helpers.by_id(items)


def facts(item: Listed) -> dict[str, str]:
    return dict(item.facts)


# Every type: identified as its creation record identifies it


@pytest.mark.parametrize("tf_type", MINE)
def test_listed_as_the_creation_record_identifies_it(tf_type: str, aws_client: Aws, aws_calls: Any) -> None:
    made = CASES[tf_type](aws_client)
    _, resources = detect(made.record)
    [resource] = [r for r in resources if r.tf_type == tf_type]
    item = listed(aws_calls, tf_type)[made.import_id]
    assert (item.import_id, item.name, item.console_url) == (resource.import_id, resource.name, resource.console_url)
    assert item.arn == resource.arn
    assert item.region == ""  # every one of these is listed per region


# RDS: which type an instance is, and what is not RDS's


def _aurora(rds: Any, cluster: str, member: str) -> None:
    rds.create_db_cluster(DBClusterIdentifier=cluster, Engine="aurora-postgresql", EngineVersion="16.4",
                          MasterUsername="app", MasterUserPassword="not-a-real-password")
    rds.create_db_instance(DBInstanceIdentifier=member, DBClusterIdentifier=cluster, Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large")


def test_rds_instances_are_listed_by_cluster_membership(aws_client: Aws, aws_calls: Any) -> None:
    rds = aws_client("rds")
    _aurora(rds, "ledger", "Ledger-Writer")
    rds.create_db_instance(DBInstanceIdentifier="orders-db", Engine="postgres", EngineVersion="16.3",
                           DBInstanceClass="db.t3.micro", AllocatedStorage=50, StorageType="gp3", MultiAZ=True,
                           MasterUsername="app", MasterUserPassword="not-a-real-password",
                           Tags=[{"Key": "team", "Value": "shop"}])
    rds.create_db_instance(DBInstanceIdentifier="idle-db", Engine="mysql", EngineVersion="8.0.36",
                           DBInstanceClass="db.t3.small", AllocatedStorage=20, MasterUsername="app",
                           MasterUserPassword="not-a-real-password")
    rds.stop_db_instance(DBInstanceIdentifier="idle-db")
    # A Multi-AZ DB cluster: AWS makes its instances with it (moto is told to, as AWS reports them).
    rds.create_db_cluster(DBClusterIdentifier="maz", Engine="postgres", EngineVersion="16.3",
                          DBClusterInstanceClass="db.m6gd.large", AllocatedStorage=100, StorageType="io1", Iops=1000,
                          MasterUsername="app", MasterUserPassword="not-a-real-password")
    rds.create_db_instance(DBInstanceIdentifier="maz-instance-1", DBClusterIdentifier="maz", Engine="postgres",
                           DBInstanceClass="db.m6gd.large")
    # Neptune answers the same RDS calls; Terraform's types for it are aws_neptune_*.
    rds.create_db_cluster(DBClusterIdentifier="graph", Engine="neptune")
    rds.create_db_instance(DBInstanceIdentifier="graph-1", DBClusterIdentifier="graph", Engine="neptune",
                           DBInstanceClass="db.r5.large")

    instances = listed(aws_calls, "aws_db_instance")
    assert set(instances) == {"orders-db", "idle-db"}
    orders = instances["orders-db"]
    assert orders.facts == (("class", "db.t3.micro"), ("engine", "postgres 16.3"), ("storage", "50 GiB gp3"),
                            ("multi-AZ", "yes"))
    assert orders.tags == {"team": "shop"}
    assert orders.arn == f"arn:aws:rds:us-east-1:{ACCOUNT}:db:orders-db"
    assert facts(instances["idle-db"])["state"] == "stopped"

    members = listed(aws_calls, "aws_rds_cluster_instance")
    assert set(members) == {"ledger-writer"}
    assert members["ledger-writer"].facts == (("class", "db.r6g.large"), ("engine", "aurora-postgresql 16.4"),
                                              ("cluster", "ledger"))
    assert members["ledger-writer"].console_url == (
        "https://us-east-1.console.aws.amazon.com/rds/home?region=us-east-1#database:id=ledger-writer;is-cluster=false")

    clusters = listed(aws_calls, "aws_rds_cluster")
    assert set(clusters) == {"ledger", "maz"}
    assert facts(clusters["ledger"])["instances"] == "1"
    assert facts(clusters["ledger"])["engine"] == "aurora-postgresql 16.4"
    assert facts(clusters["maz"]) == {"engine": "postgres 16.3", "class": "db.m6gd.large", "storage": "100 GiB"}
    assert clusters["maz"].console_url == (
        "https://us-east-1.console.aws.amazon.com/rds/home?region=us-east-1#database:id=maz;is-cluster=true")


def _db(identifier: str, engine: str, status: str = "available", cluster: str = "") -> dict[str, Any]:
    db = {"DBInstanceIdentifier": identifier, "DBInstanceClass": "db.r6g.large", "Engine": engine,
          "DBInstanceStatus": status, "DBInstanceArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{identifier}"}
    return {**db, "DBClusterIdentifier": cluster} if cluster else db


def test_rds_instances_page_and_leave_out_documentdb_and_what_is_being_deleted(aws_calls: Any) -> None:
    client, stub = stubbed("rds")
    stub.add_response("describe_db_instances", {"Marker": "page-2", "DBInstances": [
        _db("docs-1", "docdb", cluster="docs"),  # DocumentDB: aws_docdb_cluster_instance, no catalog type
        _db("old-db", "postgres", status="deleting"),
        _db("checked-db", "postgres", status="delete-precheck"),
        _db("app-db", "postgres"),
    ]}, {})
    stub.add_response("describe_db_instances", {"DBInstances": [
        _db("ledger-1", "aurora-mysql", cluster="ledger"),
        _db("ledger-2", "aurora-mysql", status="deleting", cluster="ledger"),
    ]}, {"Marker": "page-2"})
    assert set(listed_stubbed(aws_calls, "aws_db_instance", client, stub)) == {"app-db"}

    client, stub = stubbed("rds")
    stub.add_response("describe_db_instances", {"DBInstances": [
        _db("docs-1", "docdb", cluster="docs"), _db("ledger-1", "aurora-mysql", cluster="ledger"),
        _db("ledger-2", "aurora-mysql", status="deleting", cluster="ledger")]}, {})
    assert set(listed_stubbed(aws_calls, "aws_rds_cluster_instance", client, stub)) == {"ledger-1"}


def _cluster(identifier: str, engine: str, status: str = "available", members: int = 0) -> dict[str, Any]:
    return {"DBClusterIdentifier": identifier, "Engine": engine, "EngineVersion": "5.0.0", "Status": status,
            "DBClusterArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:{identifier}",
            "DBClusterMembers": [{"DBInstanceIdentifier": f"{identifier}-{n}", "IsClusterWriter": n == 1}
                                 for n in range(1, members + 1)]}


def test_rds_clusters_leave_out_documentdb_neptune_and_what_is_being_deleted(aws_calls: Any) -> None:
    client, stub = stubbed("rds")
    stub.add_response("describe_db_clusters", {"DBClusters": [
        _cluster("docs", "docdb"), _cluster("graph", "neptune"), _cluster("old", "aurora-mysql", status="deleting"),
        {**_cluster("ledger", "aurora-postgresql", members=2), "EngineVersion": "16.4",
         "ServerlessV2ScalingConfiguration": {"MinCapacity": 0.5, "MaxCapacity": 8.0}},
    ]}, {})
    clusters = listed_stubbed(aws_calls, "aws_rds_cluster", client, stub)
    assert set(clusters) == {"ledger"}
    assert clusters["ledger"].facts == (("engine", "aurora-postgresql 16.4"), ("capacity", "0.5-8 ACU"),
                                        ("instances", "2"))


def test_documentdb_clusters_are_listed_through_documentdb_filtered_to_its_engine(aws_calls: Any) -> None:
    client, stub = stubbed("docdb")
    engine = {"Filters": [{"Name": "engine", "Values": ["docdb"]}]}
    stub.add_response("describe_db_clusters", {"Marker": "page-2", "DBClusters": [
        {**_cluster("catalog", "docdb", members=3), "Status": "stopped"},
        _cluster("old-docs", "docdb", status="deleting"),
    ]}, engine)
    # Should the filter let another engine through, it is still not DocumentDB's.
    stub.add_response("describe_db_clusters", {"DBClusters": [_cluster("ledger", "aurora-mysql")]},
                      {**engine, "Marker": "page-2"})
    clusters = listed_stubbed(aws_calls, "aws_docdb_cluster", client, stub)
    assert set(clusters) == {"catalog"}
    item = clusters["catalog"]
    assert item.name == "catalog"
    assert item.arn == f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:catalog"
    assert item.console_url == "https://us-east-1.console.aws.amazon.com/docdb/home?region=us-east-1#cluster-details/catalog"
    assert item.facts == (("engine", "docdb 5.0.0"), ("instances", "3"), ("state", "stopped"))


# ElastiCache: a replication group's members are the group's


def test_a_replication_groups_member_clusters_are_not_cache_clusters(aws_client: Aws, aws_calls: Any) -> None:
    elasticache = aws_client("elasticache")
    group = elasticache.create_replication_group(
        ReplicationGroupId="sessions", ReplicationGroupDescription="sessions", Engine="redis", EngineVersion="7.1",
        CacheNodeType="cache.t3.small", NumCacheClusters=1)["ReplicationGroup"]
    # AWS makes the member with the group; moto only names it, so it is made as AWS reports it.
    elasticache.create_cache_cluster(CacheClusterId=group["MemberClusters"][0], ReplicationGroupId="sessions",
                                     Engine="redis", CacheNodeType="cache.t3.small", NumCacheNodes=1)
    elasticache.create_cache_cluster(CacheClusterId="Pages", Engine="memcached", EngineVersion="1.6.22",
                                     CacheNodeType="cache.t3.micro", NumCacheNodes=3)

    clusters = listed(aws_calls, "aws_elasticache_cluster")
    assert set(clusters) == {"pages"}
    assert clusters["pages"].facts == (("nodes", "3 x cache.t3.micro"), ("engine", "memcached 1.6.22"))
    assert clusters["pages"].console_url == (
        "https://us-east-1.console.aws.amazon.com/elasticache/home?region=us-east-1#/memcached/pages")

    groups = listed(aws_calls, "aws_elasticache_replication_group")
    assert set(groups) == {"sessions"}
    assert groups["sessions"].facts == (("nodes", "1 x cache.t3.small"), ("engine", "redis"))


def test_replication_groups_count_shards_and_leave_out_what_is_being_deleted(aws_calls: Any) -> None:
    def group(group_id: str, status: str, shards: int) -> dict[str, Any]:
        members = [f"{group_id}-000{s}-00{r}" for s in range(1, shards + 1) for r in (1, 2)]
        return {"ReplicationGroupId": group_id, "Status": status, "MemberClusters": members,
                "NodeGroups": [{"NodeGroupId": f"000{s}"} for s in range(1, shards + 1)], "ClusterEnabled": True,
                "CacheNodeType": "cache.r7g.large", "Engine": "valkey",
                "ARN": f"arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:{group_id}"}

    client, stub = stubbed("elasticache")
    stub.add_response("describe_replication_groups", {"ReplicationGroups": [
        group("cache", "available", 3), group("old-cache", "deleting", 2)]}, {})
    groups = listed_stubbed(aws_calls, "aws_elasticache_replication_group", client, stub)
    assert set(groups) == {"cache"}
    assert groups["cache"].facts == (("nodes", "6 x cache.r7g.large"), ("shards", "3"), ("engine", "valkey"))
    assert groups["cache"].console_url == (
        "https://us-east-1.console.aws.amazon.com/elasticache/home?region=us-east-1#/valkey/cache")

    client, stub = stubbed("elasticache")
    stub.add_response("describe_cache_clusters", {"CacheClusters": [
        {"CacheClusterId": "old", "CacheClusterStatus": "deleting", "Engine": "redis"},
        {"CacheClusterId": "kept", "CacheClusterStatus": "modifying", "Engine": "redis", "NumCacheNodes": 1,
         "CacheNodeType": "cache.t4g.micro"}]}, {})
    clusters = listed_stubbed(aws_calls, "aws_elasticache_cluster", client, stub)
    assert set(clusters) == {"kept"}
    assert clusters["kept"].facts == (("nodes", "1 x cache.t4g.micro"), ("engine", "redis"), ("state", "modifying"))
    assert clusters["kept"].arn == f"arn:aws:elasticache:us-east-1:{ACCOUNT}:cluster:kept"


# Redshift


def test_redshift_clusters_with_their_nodes_state_and_tags(aws_client: Aws, aws_calls: Any) -> None:
    redshift = aws_client("redshift")
    redshift.create_cluster(ClusterIdentifier="Warehouse", NodeType="ra3.xlplus", ClusterType="multi-node",
                            NumberOfNodes=2, MasterUsername="admin", MasterUserPassword="Not-a-real-password-1",
                            Tags=[{"Key": "team", "Value": "bi"}])
    redshift.pause_cluster(ClusterIdentifier="Warehouse")  # moto keeps the case it was given; AWS lower-cases
    [item] = listed(aws_calls, "aws_redshift_cluster").values()
    assert (item.import_id, item.arn) == ("warehouse", f"arn:aws:redshift:us-east-1:{ACCOUNT}:cluster:warehouse")
    assert item.facts == (("nodes", "2 x ra3.xlplus"), ("state", "paused"))
    assert item.tags == {"team": "bi"}


def test_redshift_leaves_out_clusters_being_deleted(aws_calls: Any) -> None:
    client, stub = stubbed("redshift")
    stub.add_response("describe_clusters", {"Clusters": [
        {"ClusterIdentifier": "old", "ClusterStatus": "deleting"},
        {"ClusterIdentifier": "older", "ClusterStatus": "final-snapshot"},
        {"ClusterIdentifier": "kept", "ClusterStatus": "available", "NodeType": "dc2.large", "NumberOfNodes": 1}]}, {})
    assert set(listed_stubbed(aws_calls, "aws_redshift_cluster", client, stub)) == {"kept"}


# OpenSearch


def test_opensearch_domains_are_described_five_at_a_time(aws_client: Aws, aws_calls: Any) -> None:
    opensearch = aws_client("opensearch")
    names = [f"search-{n}" for n in range(7)]
    for name in names:
        opensearch.create_domain(DomainName=name, EngineVersion="OpenSearch_2.11",
                                 ClusterConfig={"InstanceType": "r6g.large.search", "InstanceCount": 2,
                                                "DedicatedMasterEnabled": True,
                                                "DedicatedMasterType": "m6g.large.search", "DedicatedMasterCount": 3},
                                 EBSOptions={"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": 20})
    domains = listed(aws_calls, "aws_opensearch_domain")
    assert set(domains) == set(names)
    assert domains["search-6"].facts == (("instances", "2 x r6g.large.search"), ("engine", "OpenSearch_2.11"),
                                         ("masters", "3 x m6g.large.search"), ("storage", "20 GiB gp3 per node"))
    assert domains["search-6"].arn == f"arn:aws:es:us-east-1:{ACCOUNT}:domain/search-6"


def _domain(name: str, deleted: bool = False) -> dict[str, Any]:
    return {"DomainId": f"{ACCOUNT}/{name}", "DomainName": name, "ARN": f"arn:aws:es:us-east-1:{ACCOUNT}:domain/{name}",
            "Deleted": deleted, "ClusterConfig": {"InstanceType": "t3.small.search", "InstanceCount": 1},
            "EngineVersion": "Elasticsearch_7.10"}


def test_opensearch_leaves_out_deleted_domains_and_those_gone_since_the_listing(aws_calls: Any) -> None:
    client, stub = stubbed("opensearch")
    stub.add_response("list_domain_names", {"DomainNames": [
        {"DomainName": "logs"}, {"DomainName": "gone"}, {"DomainName": "old"}]}, {})
    # A domain deleted between the listing and the describe: the batch is refused, and described one by one.
    stub.add_client_error("describe_domains", "ResourceNotFoundException",
                          expected_params={"DomainNames": ["logs", "gone", "old"]})
    stub.add_response("describe_domains", {"DomainStatusList": [_domain("logs")]}, {"DomainNames": ["logs"]})
    stub.add_client_error("describe_domains", "ResourceNotFoundException", expected_params={"DomainNames": ["gone"]})
    stub.add_response("describe_domains", {"DomainStatusList": [_domain("old", deleted=True)]},
                      {"DomainNames": ["old"]})
    domains = listed_stubbed(aws_calls, "aws_opensearch_domain", client, stub)
    assert set(domains) == {"logs"}
    assert domains["logs"].facts == (("instances", "1 x t3.small.search"), ("engine", "Elasticsearch_7.10"))


# MSK, MQ


def test_msk_lists_provisioned_clusters_only(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.50.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
               ["Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b"))]
    kafka = aws_client("kafka")
    arn = kafka.create_cluster(
        ClusterName="events", KafkaVersion="3.6.0", NumberOfBrokerNodes=3,
        BrokerNodeGroupInfo={"InstanceType": "kafka.m5.large", "ClientSubnets": subnets,
                             "StorageInfo": {"EbsStorageInfo": {"VolumeSize": 200}}},
        Tags={"team": "data"})["ClusterArn"]
    kafka.create_cluster_v2(ClusterName="lake", Serverless={"VpcConfigs": [{"SubnetIds": subnets}]})
    clusters = listed(aws_calls, "aws_msk_cluster")
    assert set(clusters) == {arn}
    item = clusters[arn]
    assert (item.name, item.arn, item.tags) == ("events", arn, {"team": "data"})
    # moto leaves a new cluster CREATING; AWS says ACTIVE once it is up, which is no fact.
    assert item.facts == (("brokers", "3 x kafka.m5.large"), ("storage", "200 GiB per broker"), ("kafka", "3.6.0"),
                          ("state", "CREATING"))


def test_msk_leaves_out_clusters_being_deleted(aws_calls: Any) -> None:
    client, stub = stubbed("kafka")
    arn = f"arn:aws:kafka:us-east-1:{ACCOUNT}:cluster/events/1111-2"
    stub.add_response("list_clusters_v2", {"ClusterInfoList": [
        {"ClusterArn": arn.replace("events", "old"), "ClusterName": "old", "ClusterType": "PROVISIONED",
         "State": "DELETING"},
        {"ClusterArn": arn, "ClusterName": "events", "ClusterType": "PROVISIONED", "State": "ACTIVE"}]},
        {"ClusterTypeFilter": "PROVISIONED"})
    clusters = listed_stubbed(aws_calls, "aws_msk_cluster", client, stub)
    assert set(clusters) == {arn}
    assert clusters[arn].facts == ()


def test_mq_brokers_with_their_instance_type(aws_client: Aws, aws_calls: Any) -> None:
    made = aws_client("mq").create_broker(
        BrokerName="orders-mq", EngineType="RABBITMQ", EngineVersion="3.13", HostInstanceType="mq.m5.large",
        DeploymentMode="SINGLE_INSTANCE", PubliclyAccessible=False, AutoMinorVersionUpgrade=True,
        Users=[{"Username": "admin", "Password": "a-real-secret-123"}])
    [item] = listed(aws_calls, "aws_mq_broker").values()
    assert (item.import_id, item.name, item.arn) == (made["BrokerId"], "orders-mq", made["BrokerArn"])
    assert item.facts == (("instance type", "mq.m5.large"), ("engine", "RABBITMQ"), ("deployment", "SINGLE_INSTANCE"))


def test_mq_leaves_out_brokers_being_deleted(aws_calls: Any) -> None:
    client, stub = stubbed("mq")
    stub.add_response("list_brokers", {"BrokerSummaries": [
        {"BrokerId": "b-old", "BrokerName": "old", "BrokerState": "DELETION_IN_PROGRESS",
         "DeploymentMode": "SINGLE_INSTANCE", "EngineType": "ACTIVEMQ"},
        {"BrokerId": "b-new", "BrokerName": "new", "BrokerState": "REBOOT_IN_PROGRESS",
         "DeploymentMode": "SINGLE_INSTANCE", "EngineType": "ACTIVEMQ", "HostInstanceType": "mq.t3.micro"}]}, {})
    brokers = listed_stubbed(aws_calls, "aws_mq_broker", client, stub)
    assert set(brokers) == {"b-new"}
    assert brokers["b-new"].arn == f"arn:aws:mq:us-east-1:{ACCOUNT}:broker:new:b-new"
    assert facts(brokers["b-new"])["state"] == "REBOOT_IN_PROGRESS"


# DynamoDB, Kinesis


def test_dynamodb_tables_with_billing_size_and_items(aws_client: Aws, aws_calls: Any) -> None:
    dynamodb = aws_client("dynamodb")
    key = {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
           "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
    dynamodb.create_table(TableName="orders", BillingMode="PROVISIONED",
                          ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3}, **key)
    dynamodb.put_item(TableName="orders", Item={"pk": {"S": "o-1"}})
    dynamodb.create_table(TableName="events", BillingMode="PAY_PER_REQUEST", **key)
    tables = listed(aws_calls, "aws_dynamodb_table")
    assert set(tables) == {"orders", "events"}
    orders = facts(tables["orders"])
    assert (orders["billing"], orders["capacity"], orders["items"]) == ("PROVISIONED", "5 read / 3 write units", "1")
    assert "size" in orders
    assert facts(tables["events"]) == {"billing": "PAY_PER_REQUEST", "size": "0 B", "items": "0"}
    assert tables["events"].arn == f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/events"


def test_dynamodb_leaves_out_tables_being_deleted_or_gone_since_the_listing(aws_calls: Any) -> None:
    client, stub = stubbed("dynamodb")
    stub.add_response("list_tables", {"TableNames": ["gone", "old", "kept"]}, {})
    stub.add_client_error("describe_table", "ResourceNotFoundException", expected_params={"TableName": "gone"})
    stub.add_response("describe_table", {"Table": {"TableName": "old", "TableStatus": "DELETING"}},
                      {"TableName": "old"})
    stub.add_response("describe_table", {"Table": {
        "TableName": "kept", "TableStatus": "ACTIVE", "TableSizeBytes": 3 * 1024**3 // 2, "ItemCount": 42,
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
        "TableClassSummary": {"TableClass": "STANDARD_INFREQUENT_ACCESS"}}}, {"TableName": "kept"})
    tables = listed_stubbed(aws_calls, "aws_dynamodb_table", client, stub)
    assert set(tables) == {"kept"}
    assert tables["kept"].facts == (("billing", "PAY_PER_REQUEST"), ("size", "1.5 GiB"), ("items", "42"),
                                    ("class", "STANDARD_INFREQUENT_ACCESS"))


@pytest.mark.parametrize(("count", "shown"), [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"),
                                              (5 * 1024**2 + 1024**2 // 10, "5.1 MiB"), (2 * 1024**6, "2048.0 PiB")])
def test_sizes_read_as_people_read_them(count: int, shown: str) -> None:
    assert byte_size(count) == shown


def test_kinesis_streams_with_their_mode_and_shards(aws_client: Aws, aws_calls: Any) -> None:
    kinesis = aws_client("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.create_stream(StreamName="audit", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    streams = listed(aws_calls, "aws_kinesis_stream")
    assert set(streams) == {"clicks", "audit"}
    assert streams["clicks"].facts == (("mode", "PROVISIONED"), ("shards", "2"), ("retention", "24 h"))
    assert facts(streams["audit"])["mode"] == "ON_DEMAND"
    assert streams["clicks"].arn == f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/clicks"


def test_kinesis_leaves_out_streams_being_deleted_or_gone_since_the_listing(aws_calls: Any) -> None:
    def summary(name: str, status: str) -> dict[str, Any]:
        return {"StreamName": name, "StreamARN": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{name}",
                "StreamStatus": status, "RetentionPeriodHours": 168, "StreamCreationTimestamp": WHEN,
                "EnhancedMonitoring": [], "OpenShardCount": 4, "StreamModeDetails": {"StreamMode": "PROVISIONED"}}

    client, stub = stubbed("kinesis")
    stub.add_response("list_streams", {"StreamNames": ["old", "gone", "racing", "kept"], "HasMoreStreams": False,
                                       "StreamSummaries": [{"StreamName": "old", "StreamStatus": "DELETING",
                                                            "StreamARN": summary("old", "")["StreamARN"]}]}, {})
    stub.add_client_error("describe_stream_summary", "ResourceNotFoundException",
                          expected_params={"StreamName": "gone"})
    stub.add_response("describe_stream_summary", {"StreamDescriptionSummary": summary("racing", "DELETING")},
                      {"StreamName": "racing"})
    stub.add_response("describe_stream_summary", {"StreamDescriptionSummary": summary("kept", "UPDATING")},
                      {"StreamName": "kept"})
    streams = listed_stubbed(aws_calls, "aws_kinesis_stream", client, stub)
    assert set(streams) == {"kept"}
    assert streams["kept"].facts == (("mode", "PROVISIONED"), ("shards", "4"), ("retention", "168 h"),
                                     ("state", "UPDATING"))


# EFS: what SageMaker made is its domain's


def test_efs_leaves_out_what_sagemaker_made_for_a_domain(aws_client: Aws, aws_calls: Any) -> None:
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.95.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.95.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    efs = aws_client("efs")
    home = efs.create_file_system(CreationToken="home", ThroughputMode="provisioned", ProvisionedThroughputInMibps=64,
                                  Tags=[{"Key": "Name", "Value": "home-dirs"}])["FileSystemId"]
    studio = efs.create_file_system(CreationToken="studio", Tags=[
        {"Key": "ManagedByAmazonSageMakerResource", "Value": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:domain/d-1"}],
    )["FileSystemId"]
    unused = efs.create_file_system(CreationToken="unused")["FileSystemId"]
    target = efs.create_mount_target(FileSystemId=home, SubnetId=subnet)["MountTargetId"]
    efs.create_mount_target(FileSystemId=studio, SubnetId=subnet)

    file_systems = listed(aws_calls, "aws_efs_file_system")
    assert set(file_systems) == {home, unused}
    assert file_systems[home].name == "home-dirs"
    assert file_systems[home].tags == {"Name": "home-dirs"}
    assert file_systems[home].facts == (("size", "0 B"), ("throughput", "provisioned 64 MiB/s"),
                                        ("mount targets", "1"))
    assert facts(file_systems[unused])["mount targets"] == "0"

    targets = listed(aws_calls, "aws_efs_mount_target")
    assert set(targets) == {target}
    assert targets[target].name == f"{home} in us-east-1a"
    assert targets[target].facts == (("file system", home), ("zone", "us-east-1a"), ("subnet", subnet))


def _file_system(file_system_id: str, state: str = "available", protection: str = "ENABLED",
                 mount_targets: int = 1) -> dict[str, Any]:
    return {"OwnerId": ACCOUNT, "CreationToken": file_system_id, "FileSystemId": file_system_id,
            "CreationTime": WHEN, "LifeCycleState": state, "NumberOfMountTargets": mount_targets,
            "SizeInBytes": {"Value": 6144}, "PerformanceMode": "generalPurpose", "Tags": [],
            "ThroughputMode": "elastic", "AvailabilityZoneName": "us-east-1b",
            "FileSystemProtection": {"ReplicationOverwriteProtection": protection}}


def test_efs_leaves_out_replication_destinations_and_what_is_being_deleted(aws_calls: Any) -> None:
    listing = {"FileSystems": [
        _file_system("fs-kept"), _file_system("fs-copy", protection="REPLICATING"),
        _file_system("fs-old", state="deleting"), _file_system("fs-gone"), _file_system("fs-bare", mount_targets=0)]}
    client, stub = stubbed("efs")
    stub.add_response("describe_file_systems", listing, {})
    file_systems = listed_stubbed(aws_calls, "aws_efs_file_system", client, stub)
    assert set(file_systems) == {"fs-kept", "fs-gone", "fs-bare"}
    assert file_systems["fs-kept"].facts == (("size", "6.0 KiB"), ("throughput", "elastic"), ("mount targets", "1"),
                                             ("zone", "us-east-1b"))

    kept, old, subnet = "fsmt-0123456789ab", "fsmt-0123456789cd", "subnet-0123456789abc"
    client, stub = stubbed("efs")
    stub.add_response("describe_file_systems", listing, {})
    stub.add_response("describe_mount_targets", {"MountTargets": [
        {"MountTargetId": kept, "FileSystemId": "fs-kept", "SubnetId": subnet, "LifeCycleState": "available"},
        {"MountTargetId": old, "FileSystemId": "fs-kept", "SubnetId": subnet, "LifeCycleState": "deleting"},
    ]}, {"FileSystemId": "fs-kept"})
    # Deleted between the listing and the describe of its mount targets: nothing to list. (fs-bare has none.)
    stub.add_client_error("describe_mount_targets", "FileSystemNotFound", expected_params={"FileSystemId": "fs-gone"})
    targets = listed_stubbed(aws_calls, "aws_efs_mount_target", client, stub)
    assert set(targets) == {kept}
    # No zone in the answer: the subnet says where it serves.
    assert targets[kept].name == f"fs-kept in {subnet}"
    assert targets[kept].facts == (("file system", "fs-kept"), ("subnet", subnet))
