import pytest

from bot.catalog import CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "eks__CreateCluster__1.json": [("aws_eks_cluster", "test")],
    "eks__CreateCluster__2.json": [("aws_eks_cluster", "eks-cluster")],
}


def resolve(raw):
    [found] = CATALOG["aws_eks_cluster"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_cluster_arn_and_console_url():
    found = resolve(corpus_record("eks__CreateCluster__2.json"))
    assert found.arn == "arn:aws:eks:ap-northeast-1:999999999999:cluster/eks-cluster"
    assert found.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/eks/home?region=ap-northeast-1#/clusters/eks-cluster"
    )
    # Deleting the cluster deletes etcd and every Kubernetes object in it.
    assert CATALOG["aws_eks_cluster"].loses_data is True


def test_tags_map_and_derived_arn_without_response():
    raw = corpus_record("eks__CreateCluster__1.json")
    raw["responseElements"] = None
    raw["requestParameters"]["tags"] = {"env": "staging", "Name": "test"}
    found = resolve(raw)
    assert found.arn == "arn:aws:eks:ap-northeast-2:000000000000:cluster/test"
    assert found.tags == {"env": "staging", "Name": "test"}


def test_an_early_record_naming_the_cluster_cluster_name_resolves():
    """A synthetic variant (no public record of the 2018 shape): `clusterName` in the request, no response."""
    raw = corpus_record("eks__CreateCluster__1.json")
    raw["responseElements"] = None
    raw["requestParameters"]["clusterName"] = raw["requestParameters"].pop("name")
    found = resolve(raw)
    assert (found.import_id, found.name) == ("test", "test")
    assert found.arn == "arn:aws:eks:ap-northeast-2:000000000000:cluster/test"


def test_record_without_the_name_is_an_extract_error():
    raw = corpus_record("eks__CreateCluster__1.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["name"]
    with pytest.raises(ExtractError, match=r"requestParameters\.name"):
        resolve(raw)


def test_state_attributes_map_to_the_name():
    attributes = {"id": "eks-cluster", "name": "eks-cluster", "arn": "arn:aws:eks:x:1:cluster/eks-cluster"}
    assert CATALOG["aws_eks_cluster"].state_import_id(attributes) == "eks-cluster"
