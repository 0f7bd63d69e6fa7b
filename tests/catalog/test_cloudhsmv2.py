import json

import pytest

from bot.catalog import CATALOG, DELETE, DESCRIBE, ExtractError
from bot.catalog._delete import DeleteRefused, DeleteRequest
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA


def derived() -> dict:
    return json.loads((DATA / "cloudtrail" / "cloudhsm__CreateCluster__console.json").read_text(encoding="utf-8"))


def resolve(raw: dict):
    return CATALOG["aws_cloudhsm_v2_cluster"].resolve(CloudTrailRecord(raw, "t"))


def test_a_console_cluster_is_detected_by_its_id():
    result = Classifier().classify(CloudTrailRecord(derived(), "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_cloudhsm_v2_cluster", "cluster-fw7mh6mayb5")
    assert resource.arn == "arn:aws:cloudhsm:us-west-2:111122223333:cluster/cluster-fw7mh6mayb5"
    assert resource.console_url == (
        "https://us-west-2.console.aws.amazon.com/cloudhsm/home?region=us-west-2#/clusters/cluster-fw7mh6mayb5"
    )
    assert resource.tags == {"team": "payments"}
    assert CATALOG["aws_cloudhsm_v2_cluster"].event_source == "cloudhsm.amazonaws.com"


def test_pascal_case_response_is_read():
    raw = derived()
    raw["responseElements"] = {"Cluster": {"ClusterId": "cluster-abc123"}}
    [found] = resolve(raw)
    assert found.import_id == "cluster-abc123"


def test_without_a_response_the_id_is_missing():
    raw = derived()
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.cluster\.clusterId"):
        resolve(raw)


def test_the_event_alone_gives_type_and_subnets():
    record = CloudTrailRecord(derived(), "t")
    [resource] = Classifier().classify(record).resources
    args = DESCRIBE["aws_cloudhsm_v2_cluster"].from_event(record, resource).args
    assert args == {"hsm_type": "hsm1.medium", "subnet_ids": ["subnet-02c28c4b", "subnet-7a1f2c33"],
                    "source_backup_identifier": None, "tags": {"team": "payments"}}


def test_a_cluster_with_hsms_is_refused():
    # moto makes no HSMs (CreateHsm is not implemented there): the service model's own response shape instead.
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("cloudhsmv2", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    stubber = Stubber(client)
    cluster = {"ClusterId": "cluster-fw7mh6mayb5", "State": "ACTIVE", "HsmType": "hsm1.medium",
               "Hsms": [{"HsmId": "hsm-6lz2hfmnzbx", "ClusterId": "cluster-fw7mh6mayb5", "State": "ACTIVE"}]}
    stubber.add_response("describe_clusters", {"Clusters": [cluster]},
                         {"Filters": {"clusterIds": ["cluster-fw7mh6mayb5"]}})
    stubber.activate()
    clients = Clients(lambda service, region: client, "us-east-1")
    with pytest.raises(DeleteRefused, match="hsm-6lz2hfmnzbx"):
        DELETE["aws_cloudhsm_v2_cluster"](clients, DeleteRequest("aws_cloudhsm_v2_cluster", "cluster-fw7mh6mayb5",
                                                                 "us-east-1"))
    stubber.assert_no_pending_responses()
