import pytest

from bot.catalog import BY_EVENT, CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "ecs__CreateCluster__1.json": [("aws_ecs_cluster", "default")],
}


def resolve(raw):
    [found] = CATALOG["aws_ecs_cluster"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_cluster_arn_and_console_url():
    found = resolve(corpus_record("ecs__CreateCluster__1.json"))
    assert found.arn == "arn:aws:ecs:us-east-1:123456789012:cluster/default"
    assert found.console_url == (
        "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/default/services?region=us-east-1"
    )
    assert CATALOG["aws_ecs_cluster"].loses_data is False


def test_cluster_tags_and_derived_arn_without_response():
    raw = corpus_record("ecs__CreateCluster__1.json")
    raw["responseElements"] = None
    raw["requestParameters"] = {"clusterName": "batch", "tags": [{"key": "env", "value": "dev"}]}
    found = resolve(raw)
    assert found.import_id == "batch"
    assert found.arn == "arn:aws:ecs:us-east-1:123456789012:cluster/batch"
    assert found.tags == {"env": "dev"}


def test_request_without_cluster_name_makes_the_default_cluster():
    raw = corpus_record("ecs__CreateCluster__1.json")
    raw["responseElements"] = None
    raw["requestParameters"] = {}
    assert resolve(raw).import_id == "default"


def test_record_without_request_or_response_is_an_extract_error():
    raw = corpus_record("ecs__CreateCluster__1.json")
    raw["responseElements"] = None
    raw["requestParameters"] = None
    with pytest.raises(ExtractError, match=r"requestParameters\.clusterName"):
        resolve(raw)


def test_state_id_is_the_arn_but_import_takes_the_name():
    arn = "arn:aws:ecs:us-east-1:123456789012:cluster/default"
    entry = CATALOG["aws_ecs_cluster"]
    assert entry.state_import_id({"id": arn, "arn": arn, "name": "default"}) == "default"
    assert entry.state_import_id({"id": arn}) == "default"


def test_ecs_and_eks_create_cluster_are_different_entries():
    assert BY_EVENT[("ecs.amazonaws.com", "CreateCluster")].tf_type == "aws_ecs_cluster"
    assert BY_EVENT[("eks.amazonaws.com", "CreateCluster")].tf_type == "aws_eks_cluster"
