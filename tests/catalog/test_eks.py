import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# AWS's documentation example from EKS's launch (tests/data/cloudtrail/public/PROVENANCE.tsv).
LAUNCH = DATA / "cloudtrail" / "public" / "eks__CreateCluster__1.json"

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


def test_the_launch_apis_cluster_name_in_request_and_response():
    # The 2018 API said clusterName, in the request and in the response's cluster object.
    raw = json.loads(LAUNCH.read_text(encoding="utf-8"))
    result = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id, resource.name) == ("aws_eks_cluster", "test", "test")
    assert resource.arn == "arn:aws:eks:us-west-2:111122223333:cluster/test"
    assert resource.console_url == "https://us-west-2.console.aws.amazon.com/eks/home?region=us-west-2#/clusters/test"


def test_the_launch_apis_response_alone_names_the_cluster():
    # The launch record without its request's clusterName: the response's cluster.clusterName still names it.
    raw = json.loads(LAUNCH.read_text(encoding="utf-8"))
    del raw["requestParameters"]["clusterName"]
    found = resolve(raw)
    assert (found.import_id, found.arn) == ("test", "arn:aws:eks:us-west-2:111122223333:cluster/test")


def test_the_launch_apis_request_alone_names_the_cluster():
    # The launch record without its response: the request's clusterName, the ARN built from region and account.
    raw = json.loads(LAUNCH.read_text(encoding="utf-8"))
    raw["responseElements"] = None
    found = resolve(raw)
    assert (found.import_id, found.name) == ("test", "test")
    assert found.arn == "arn:aws:eks:us-west-2:111122223333:cluster/test"


def test_record_without_the_name_is_an_extract_error():
    raw = corpus_record("eks__CreateCluster__1.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["name"]
    with pytest.raises(ExtractError, match=r"requestParameters\.name"):
        resolve(raw)


def test_state_attributes_map_to_the_name():
    attributes = {"id": "eks-cluster", "name": "eks-cluster", "arn": "arn:aws:eks:x:1:cluster/eks-cluster"}
    assert CATALOG["aws_eks_cluster"].state_import_id(attributes) == "eks-cluster"
