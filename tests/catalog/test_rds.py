import json

import pytest

from bot.catalog import BY_EVENT, CATALOG, ExtractError
from bot.catalog.base import OtherType
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "rds__CreateDBCluster__1.json": [("aws_rds_cluster", "test-db")],
    "rds__CreateDBCluster__2.json": [("aws_rds_cluster", "database-4")],
    # DocumentDB through the RDS API (engine docdb): handed over to aws_docdb_cluster.
    "rds__CreateDBCluster__3.json": [("aws_docdb_cluster", "ctw-test")],
    # An Aurora member (dBClusterIdentifier test-db): handed over to aws_rds_cluster_instance.
    "rds__CreateDBInstance__1.json": [("aws_rds_cluster_instance", "test-db-instance-1")],
    # The request asked for "onecloud-mysql-sjis" but the response (identifier and ARN) reports "onecloud-mysql":
    # the response is what AWS created.
    "rds__CreateDBInstance__2.json": [("aws_db_instance", "onecloud-mysql")],
    # A DocumentDB instance: Terraform's type is aws_docdb_cluster_instance, outside the catalog.
    "rds__CreateDBInstance__3.json": [("aws_docdb_cluster_instance", "ctw-test")],
}


def derived(name: str) -> dict:
    return json.loads((DATA / "cloudtrail" / name).read_text(encoding="utf-8"))


def resolve(tf_type: str, raw: dict):
    return CATALOG[tf_type].resolve(CloudTrailRecord(raw, "t"))


def test_instance_arn_console_url_and_flags():
    [found] = resolve("aws_db_instance", corpus_record("rds__CreateDBInstance__2.json"))
    assert found.import_id == found.name == "onecloud-mysql"
    assert found.arn == "arn:aws:rds:ap-northeast-1:999999999999:db:onecloud-mysql"
    assert found.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/rds/home?region=ap-northeast-1"
        "#database:id=onecloud-mysql;is-cluster=false"
    )
    assert CATALOG["aws_db_instance"].loses_data is True
    assert CATALOG["aws_rds_cluster"].loses_data is True


def test_cluster_arn_and_console_url():
    [found] = resolve("aws_rds_cluster", corpus_record("rds__CreateDBCluster__2.json"))
    assert found.import_id == "database-4"
    assert found.arn == "arn:aws:rds:ap-northeast-1:999999999999:cluster:database-4"
    assert found.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/rds/home?region=ap-northeast-1#database:id=database-4;is-cluster=true"
    )


def test_mixed_case_identifier_is_lower_cased_and_tags_read():
    raw = derived("rds__CreateDBInstance__mixedcase.json")
    [found] = resolve("aws_db_instance", raw)
    assert found.import_id == "reporting-db-01"
    assert found.tags == {"Name": "Reporting DB", "team": "data"}
    # Without the response, the request's identifier is lower-cased the way RDS stores it.
    raw["responseElements"] = None
    [found] = resolve("aws_db_instance", raw)
    assert found.import_id == "reporting-db-01"
    assert found.arn == "arn:aws:rds:ap-northeast-1:999999999999:db:reporting-db-01"
    assert found.tags == {"Name": "Reporting DB", "team": "data"}


def test_restore_to_point_in_time_names_the_target_instance():
    record = CloudTrailRecord(derived("rds__RestoreDBInstanceToPointInTime__human.json"), "t")
    result = Classifier().classify(record)
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_db_instance", "cis-rds-recovery-2")
    assert resource.arn == "arn:aws:rds:ap-northeast-1:999999999999:db:cis-rds-recovery-2"
    assert resource.tags == {"purpose": "recovery"}


@pytest.mark.parametrize(
    ("tf_type", "name", "docdb_type", "neptune_type"),
    [
        ("aws_rds_cluster", "rds__CreateDBCluster__3.json", "aws_docdb_cluster", "aws_neptune_cluster"),
        (
            "aws_db_instance",
            "rds__CreateDBInstance__3.json",
            "aws_docdb_cluster_instance",
            "aws_neptune_cluster_instance",
        ),
    ],
)
def test_documentdb_is_not_reported_as_an_rds_type(tf_type, name, docdb_type, neptune_type):
    with pytest.raises(OtherType) as caught:
        resolve(tf_type, corpus_record(name))
    assert caught.value.tf_type == docdb_type
    raw = corpus_record(name)
    raw["responseElements"]["engine"] = "neptune"
    with pytest.raises(OtherType) as caught:
        resolve(tf_type, raw)
    assert caught.value.tf_type == neptune_type


def test_a_documentdb_instance_stays_unsupported():
    result = Classifier().classify(CloudTrailRecord(corpus_record("rds__CreateDBInstance__3.json"), "t"))
    assert result.verdict == "unsupported", result
    assert "aws_docdb_cluster_instance" in result.reason and "DocumentDB" in result.reason


def test_engine_case_does_not_matter():
    raw = corpus_record("rds__CreateDBInstance__3.json")
    raw["responseElements"]["engine"] = "DocDB"
    with pytest.raises(OtherType):
        resolve("aws_db_instance", raw)


def test_missing_identifier_names_the_field():
    raw = corpus_record("rds__CreateDBCluster__1.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["dBClusterIdentifier"]
    with pytest.raises(ExtractError, match=r"requestParameters\.dBClusterIdentifier"):
        resolve("aws_rds_cluster", raw)
    raw = derived("rds__RestoreDBInstanceToPointInTime__human.json")
    del raw["requestParameters"]["targetDBInstanceIdentifier"]
    with pytest.raises(ExtractError, match=r"requestParameters\.targetDBInstanceIdentifier"):
        resolve("aws_db_instance", raw)


def test_events_route_to_the_right_entry():
    for name in ("CreateDBInstance", "CreateDBInstanceReadReplica", "RestoreDBInstanceFromDBSnapshot"):
        assert BY_EVENT[("rds.amazonaws.com", name)].tf_type == "aws_db_instance"
    for name in ("CreateDBCluster", "RestoreDBClusterFromSnapshot", "RestoreDBClusterToPointInTime"):
        assert BY_EVENT[("rds.amazonaws.com", name)].tf_type == "aws_rds_cluster"
    assert CATALOG["aws_db_instance"].delete_events == ("DeleteDBInstance",)
    assert CATALOG["aws_rds_cluster"].delete_events == ("DeleteDBCluster",)


def test_state_import_ids():
    # Provider v5+: the instance's id is the DBI resource ID, not the identifier it is imported by.
    instance = {"id": "db-43ZBYI2HD55FKGERROVJHVLVJU", "identifier": "onecloud-mysql", "arn": "arn:aws:rds:x"}
    assert CATALOG["aws_db_instance"].state_import_id(instance) == "onecloud-mysql"
    assert CATALOG["aws_db_instance"].state_import_id({"id": "db-X"}) is None
    cluster = {"id": "database-4", "cluster_identifier": "database-4"}
    assert CATALOG["aws_rds_cluster"].state_import_id(cluster) == "database-4"


# Aurora cluster members: CreateDBInstance naming a DB cluster is aws_rds_cluster_instance's.


def test_an_aurora_member_is_handed_to_the_cluster_instance_type():
    with pytest.raises(OtherType) as caught:
        resolve("aws_db_instance", corpus_record("rds__CreateDBInstance__1.json"))
    assert caught.value.tf_type == "aws_rds_cluster_instance"
    assert "test-db" in caught.value.why
    result = Classifier().classify(CloudTrailRecord(corpus_record("rds__CreateDBInstance__1.json"), "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_rds_cluster_instance", "test-db-instance-1")
    assert resource.arn == "arn:aws:rds:ap-northeast-2:YOUR_ACCOUNT_ID:db:test-db-instance-1"
    assert resource.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/rds/home?region=ap-northeast-2"
        "#database:id=test-db-instance-1;is-cluster=false"
    )
    entry = CATALOG["aws_rds_cluster_instance"]
    assert entry.handed_over_by == "aws_db_instance" and entry.create_events == ("CreateDBInstance",)
    assert entry.loses_data is False


def test_an_aurora_member_in_pascal_case_without_a_response():
    raw = derived("rds__CreateDBInstance__aurora_pascal.json")
    with pytest.raises(OtherType):
        resolve("aws_db_instance", raw)
    [found] = resolve("aws_rds_cluster_instance", raw)
    assert found.import_id == found.name == "test-db-instance-2"
    assert found.arn == "arn:aws:rds:ap-northeast-2:YOUR_ACCOUNT_ID:db:test-db-instance-2"
    assert found.tags == {"team": "payments"}


def test_the_cluster_instance_type_refuses_a_standalone_instance_and_documentdb():
    with pytest.raises(OtherType) as caught:
        resolve("aws_rds_cluster_instance", corpus_record("rds__CreateDBInstance__2.json"))
    assert caught.value.tf_type == "aws_db_instance"
    with pytest.raises(OtherType) as caught:
        resolve("aws_rds_cluster_instance", corpus_record("rds__CreateDBInstance__3.json"))
    assert caught.value.tf_type == "aws_docdb_cluster_instance"


def test_a_member_without_an_identifier_names_the_field():
    raw = corpus_record("rds__CreateDBInstance__1.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["dBInstanceIdentifier"]
    with pytest.raises(ExtractError, match=r"requestParameters\.dBInstanceIdentifier"):
        resolve("aws_rds_cluster_instance", raw)


# DocumentDB clusters: CreateDBCluster with engine docdb is aws_docdb_cluster's.


def test_a_documentdb_cluster_is_handed_over_and_detected():
    raw = corpus_record("rds__CreateDBCluster__3.json")
    with pytest.raises(OtherType):
        resolve("aws_rds_cluster", raw)
    result = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_docdb_cluster", "ctw-test")
    assert resource.arn == "arn:aws:rds:ap-northeast-2:000000000000:cluster:ctw-test"
    assert resource.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/docdb/home?region=ap-northeast-2#cluster-details/ctw-test"
    )
    entry = CATALOG["aws_docdb_cluster"]
    assert entry.service == "docdb" and entry.event_source == "rds.amazonaws.com"
    assert entry.handed_over_by == "aws_rds_cluster" and entry.loses_data is True


def test_a_documentdb_restore_without_a_response():
    raw = derived("rds__RestoreDBClusterFromSnapshot__docdb.json")
    result = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_docdb_cluster", "docs-restored")
    assert resource.arn == "arn:aws:rds:ap-northeast-2:000000000000:cluster:docs-restored"
    assert resource.tags == {"team": "search"}


def test_the_documentdb_type_refuses_other_engines():
    with pytest.raises(OtherType) as caught:
        resolve("aws_docdb_cluster", corpus_record("rds__CreateDBCluster__2.json"))
    assert caught.value.tf_type == "aws_rds_cluster"
    raw = corpus_record("rds__CreateDBCluster__3.json")
    raw["responseElements"]["engine"] = "neptune"
    with pytest.raises(OtherType) as caught:
        resolve("aws_docdb_cluster", raw)
    assert caught.value.tf_type == "aws_neptune_cluster"


# moto has no DocumentDB: its reader and executor run against the service model's own response shapes.

_DOCDB_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:docs"
_DOCDB_CLUSTER = {
    "DBClusterIdentifier": "docs", "DBClusterArn": _DOCDB_ARN, "Engine": "docdb", "EngineVersion": "5.0.0",
    "MasterUsername": "app", "Port": 27018, "DBSubnetGroup": "private", "Status": "available",
    "DBClusterParameterGroup": "docs-params", "VpcSecurityGroups": [
        {"VpcSecurityGroupId": "sg-0b", "Status": "active"}, {"VpcSecurityGroupId": "sg-0a", "Status": "active"}],
    "StorageEncrypted": True, "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "BackupRetentionPeriod": 7, "PreferredBackupWindow": "03:00-04:00",
    "PreferredMaintenanceWindow": "sun:05:00-sun:06:00", "EnabledCloudwatchLogsExports": ["profiler", "audit"],
    "DeletionProtection": False, "StorageType": "iopt1", "DBClusterMembers": [],
}


def _stubbed_docdb(stubs):
    import boto3
    from botocore.stub import Stubber

    from bot.catalog.template_input import Clients

    client = boto3.client("docdb", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    stubber = Stubber(client)
    for method, response, params in stubs:
        stubber.add_response(method, response, params)
    stubber.activate()
    return Clients(lambda service, region: client, "us-east-1"), stubber


def _docdb_resource():
    from bot.resource import Resource

    return Resource(tf_type="aws_docdb_cluster", import_id="docs", name="docs", arn=_DOCDB_ARN, region="us-east-1",
                    account_id="123456789012", actor="alice", console_url="", suggested_name="docs",
                    loses_data=True)


def test_the_documentdb_reader_writes_what_aws_reports():
    from bot.catalog import DESCRIBE

    clients, stubber = _stubbed_docdb([
        ("describe_db_clusters", {"DBClusters": [_DOCDB_CLUSTER]}, {"DBClusterIdentifier": "docs"}),
        ("list_tags_for_resource", {"TagList": [{"Key": "team", "Value": "search"},
                                                {"Key": "aws:cloudformation:stack-name", "Value": "x"}]},
         {"ResourceName": _DOCDB_ARN}),
    ])
    model = DESCRIBE["aws_docdb_cluster"].describe(clients, _docdb_resource())
    stubber.assert_no_pending_responses()
    assert model.args == {
        "cluster_identifier": "docs", "engine_version": "5.0.0", "master_username": "app", "port": 27018,
        "db_subnet_group_name": "private", "vpc_security_group_ids": ["sg-0a", "sg-0b"],
        "db_cluster_parameter_group_name": "docs-params", "storage_encrypted": True,
        "kms_key_id": _DOCDB_CLUSTER["KmsKeyId"], "storage_type": "iopt1", "backup_retention_period": 7,
        "preferred_backup_window": "03:00-04:00", "preferred_maintenance_window": "sun:05:00-sun:06:00",
        "enabled_cloudwatch_logs_exports": ["audit", "profiler"], "deletion_protection": None,
        "tags": {"team": "search"},
    }
    assert model.notes  # the password is never read back


def test_the_documentdb_reader_leaves_out_defaults():
    from bot.catalog import DESCRIBE

    plain_cluster = {**_DOCDB_CLUSTER, "Port": 27017, "BackupRetentionPeriod": 1, "StorageType": "",
                     "StorageEncrypted": False, "DBClusterParameterGroup": "default.docdb5.0",
                     "EnabledCloudwatchLogsExports": []}
    clients, _ = _stubbed_docdb([
        ("describe_db_clusters", {"DBClusters": [plain_cluster]}, {"DBClusterIdentifier": "docs"}),
        ("list_tags_for_resource", {"TagList": []}, {"ResourceName": _DOCDB_ARN}),
    ])
    args = DESCRIBE["aws_docdb_cluster"].describe(clients, _docdb_resource()).args
    for absent in ("port", "backup_retention_period", "storage_type", "storage_encrypted", "kms_key_id",
                   "db_cluster_parameter_group_name"):
        assert args[absent] in (None, []), absent


def test_a_documentdb_cluster_is_deleted_with_a_final_snapshot():
    from botocore.stub import ANY

    from bot.catalog import DELETE
    from bot.catalog._delete import DeleteRequest

    clients, stubber = _stubbed_docdb([
        ("describe_db_clusters", {"DBClusters": [_DOCDB_CLUSTER]}, {"DBClusterIdentifier": "docs"}),
        ("delete_db_cluster", {"DBCluster": {**_DOCDB_CLUSTER, "Status": "deleting"}},
         {"DBClusterIdentifier": "docs", "SkipFinalSnapshot": False, "FinalDBSnapshotIdentifier": ANY}),
    ])
    outcome = DELETE["aws_docdb_cluster"](clients, DeleteRequest("aws_docdb_cluster", "docs", "us-east-1"))
    stubber.assert_no_pending_responses()
    assert outcome.kept and outcome.kept.startswith("docs-tfsync-final-")


@pytest.mark.parametrize(("change", "words"), [
    ({"DeletionProtection": True}, "deletion protection"),
    ({"DBClusterMembers": [{"DBInstanceIdentifier": "docs-1", "IsClusterWriter": True}]}, "docs-1"),
])
def test_a_documentdb_cluster_is_refused_while_protected_or_in_use(change, words):
    from bot.catalog import DELETE
    from bot.catalog._delete import DeleteRefused, DeleteRequest

    clients, _ = _stubbed_docdb([
        ("describe_db_clusters", {"DBClusters": [{**_DOCDB_CLUSTER, **change}]}, {"DBClusterIdentifier": "docs"}),
    ])
    with pytest.raises(DeleteRefused, match=words):
        DELETE["aws_docdb_cluster"](clients, DeleteRequest("aws_docdb_cluster", "docs", "us-east-1"))


def test_a_documentdb_cluster_already_gone():
    from bot.catalog import DELETE
    from bot.catalog._delete import AlreadyGone, DeleteRequest

    clients, stubber = _stubbed_docdb([])
    stubber.add_client_error("describe_db_clusters", "DBClusterNotFoundFault", "DBCluster docs not found.")
    with pytest.raises(AlreadyGone):
        DELETE["aws_docdb_cluster"](clients, DeleteRequest("aws_docdb_cluster", "docs", "us-east-1"))


def test_the_documentdb_code_is_valid_terraform_live_and_from_the_event(tmp_path):
    from bot.codegen import CodeGenerator
    from tests.codegen.helpers import assert_terraform_accepts, parse, write_tree

    raw = corpus_record("rds__CreateDBCluster__3.json")
    record = CloudTrailRecord(raw, "t")
    [resource] = Classifier().classify(record).resources
    clients, stubber = _stubbed_docdb([
        ("describe_db_clusters", {"DBClusters": [{**_DOCDB_CLUSTER, "DBClusterIdentifier": "ctw-test"}]},
         {"DBClusterIdentifier": "ctw-test"}),
        ("list_tags_for_resource", {"TagList": [{"Key": "team", "Value": 'search "${x}"'}]},
         {"ResourceName": _DOCDB_ARN}),
    ])
    generator = CodeGenerator(lambda service, region: clients(service))
    live = generator.generate(resource, record, name="Docs", describe=True)
    stubber.assert_no_pending_responses()
    assert live.described, live.notes
    args = parse(live)["resources"][("aws_docdb_cluster", "docs")]
    assert args["cluster_identifier"] == "ctw-test"
    assert args["storage_type"] == "iopt1" and args["port"] == 27018
    assert args["skip_final_snapshot"] is False and args["final_snapshot_identifier"] == "ctw-test-final"
    assert args["tags"] == {"team": 'search "${x}"'}
    assert parse(live)["imports"] == {"aws_docdb_cluster.docs": "ctw-test"}
    write_tree(live.files, tmp_path / "live")
    from_event = CodeGenerator().generate(resource, record, name="Docs")
    event_args = parse(from_event)["resources"][("aws_docdb_cluster", "docs")]
    assert event_args["master_username"] == "yungon"  # the response's, what AWS made
    assert event_args["kms_key_id"] == "arn:aws:kms:ap-northeast-2:000000000000:key/UUID"
    assert event_args["deletion_protection"] is True
    write_tree(from_event.files, tmp_path / "event")
    assert_terraform_accepts(tmp_path)


def test_a_cluster_member_is_deleted_without_a_snapshot_its_data_staying_in_the_cluster(aws_client):
    from bot.catalog import DELETE
    from bot.catalog._delete import DeleteRequest
    from bot.catalog.template_input import Clients

    rds = aws_client("rds")
    rds.create_db_cluster(DBClusterIdentifier="ledger", Engine="aurora-postgresql", MasterUsername="app",
                          MasterUserPassword="not-a-real-password")
    rds.create_db_instance(DBInstanceIdentifier="ledger-1", DBClusterIdentifier="ledger", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large")
    clients = Clients(lambda service, region: aws_client(service, region), "us-east-1")
    outcome = DELETE["aws_rds_cluster_instance"](clients, DeleteRequest("aws_rds_cluster_instance", "ledger-1",
                                                                         "us-east-1"))
    assert outcome.kept is None
    assert "cluster ledger" in outcome.message
    assert rds.describe_db_clusters(DBClusterIdentifier="ledger")["DBClusters"][0]["DBClusterIdentifier"] == "ledger"
    assert not [i for i in rds.describe_db_instances()["DBInstances"] if i["DBInstanceIdentifier"] == "ledger-1"]
