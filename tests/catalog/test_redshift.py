import json

import pytest

from bot.catalog import CATALOG, DESCRIBE, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA


def public(name: str) -> dict:
    return json.loads((DATA / "cloudtrail" / "public" / name).read_text(encoding="utf-8"))


def resolve(raw: dict):
    return CATALOG["aws_redshift_cluster"].resolve(CloudTrailRecord(raw, "t"))


def test_a_console_cluster_is_detected():
    result = Classifier().classify(CloudTrailRecord(public("redshift__CreateCluster__1.json"), "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_redshift_cluster", "my-dw-instance")
    assert resource.arn == "arn:aws:redshift:us-east-2:123456789012:cluster:my-dw-instance"
    assert resource.console_url == (
        "https://us-east-2.console.aws.amazon.com/redshiftv2/home?region=us-east-2"
        "#cluster-details?cluster=my-dw-instance"
    )
    assert CATALOG["aws_redshift_cluster"].loses_data is True


def test_a_mixed_case_identifier_without_a_response_is_lower_cased_with_its_tags():
    raw = public("redshift__CreateCluster__1.json")
    raw["responseElements"] = None
    raw["requestParameters"]["clusterIdentifier"] = "My-DW-Instance"
    raw["requestParameters"]["tags"] = [{"key": "team", "value": "bi"}]
    [found] = resolve(raw)
    assert found.import_id == found.name == "my-dw-instance"
    assert found.tags == {"team": "bi"}


def test_a_wrapped_pascal_case_response():
    raw = public("redshift__CreateCluster__1.json")
    raw["requestParameters"] = {"ClusterIdentifier": "Sales"}
    raw["responseElements"] = {"cluster": {"ClusterIdentifier": "sales", "Tags": [{"Key": "team", "Value": "x"}]}}
    [found] = resolve(raw)
    assert (found.import_id, found.tags) == ("sales", {"team": "x"})


def test_a_missing_identifier_names_the_field():
    raw = public("redshift__CreateCluster__1.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["clusterIdentifier"]
    with pytest.raises(ExtractError, match=r"requestParameters\.clusterIdentifier"):
        resolve(raw)


def test_the_event_alone_gives_the_cluster_settings_without_defaults():
    record = CloudTrailRecord(public("redshift__CreateCluster__1.json"), "t")
    [resource] = Classifier().classify(record).resources
    model = DESCRIBE["aws_redshift_cluster"].from_event(record, resource)
    args = model.args
    assert args["node_type"] == "dc1.large"
    assert args["database_name"] == "mydbtest"
    assert args["master_username"] == "awsuser"
    assert args["publicly_accessible"] is True
    assert args["vpc_security_group_ids"] == ["sg-95f606fc"]
    assert args["preferred_maintenance_window"] == "sat:05:30-sat:06:00"
    for default in ("number_of_nodes", "port", "cluster_version", "automated_snapshot_retention_period",
                    "cluster_parameter_group_name", "encrypted"):
        assert args[default] is None, default
    assert model.notes  # the password is never read back
