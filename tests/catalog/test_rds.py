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
    # DocumentDB through the RDS API (engine docdb): Terraform's type is aws_docdb_cluster, outside the catalog.
    "rds__CreateDBCluster__3.json": [("aws_docdb_cluster", "ctw-test")],
    "rds__CreateDBInstance__1.json": [("aws_db_instance", "test-db-instance-1")],
    # The request asked for "onecloud-mysql-sjis" but the response (identifier and ARN) reports "onecloud-mysql":
    # the response is what AWS created.
    "rds__CreateDBInstance__2.json": [("aws_db_instance", "onecloud-mysql")],
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
    result = Classifier().classify(CloudTrailRecord(corpus_record(name), name))
    assert result.verdict == "unsupported", result
    assert docdb_type in result.reason and "DocumentDB" in result.reason
    raw = corpus_record(name)
    raw["responseElements"]["engine"] = "neptune"
    with pytest.raises(OtherType) as caught:
        resolve(tf_type, raw)
    assert caught.value.tf_type == neptune_type


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
