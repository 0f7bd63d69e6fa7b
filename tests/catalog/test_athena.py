import json

import pytest

from bot.catalog import CATALOG, DELETE, DESCRIBE, ExtractError
from bot.catalog._delete import AlreadyGone, DeleteRefused, DeleteRequest
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA


def derived() -> dict:
    return json.loads((DATA / "cloudtrail" / "athena__CreateWorkGroup__console.json").read_text(encoding="utf-8"))


def resolve(raw: dict):
    return CATALOG["aws_athena_workgroup"].resolve(CloudTrailRecord(raw, "t"))


def test_a_console_workgroup_is_detected_by_its_name():
    result = Classifier().classify(CloudTrailRecord(derived(), "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_athena_workgroup", "Finance-Adhoc")
    assert resource.arn == "arn:aws:athena:us-west-2:123456789012:workgroup/Finance-Adhoc"
    assert resource.console_url == (
        "https://us-west-2.console.aws.amazon.com/athena/home?region=us-west-2#/workgroups/details/Finance-Adhoc"
    )
    assert resource.tags == {"team": "finance"}


def test_pascal_case_fields_are_read():
    raw = derived()
    raw["requestParameters"] = {"Name": "etl", "Tags": [{"Key": "team", "Value": "x"}]}
    [found] = resolve(raw)
    assert (found.import_id, found.tags) == ("etl", {"team": "x"})


def test_a_missing_name_names_the_field():
    raw = derived()
    del raw["requestParameters"]["name"]
    with pytest.raises(ExtractError, match=r"requestParameters\.name"):
        resolve(raw)


def test_the_event_alone_gives_the_configuration():
    record = CloudTrailRecord(derived(), "t")
    [resource] = Classifier().classify(record).resources
    args = DESCRIBE["aws_athena_workgroup"].from_event(record, resource).args
    assert args["description"] == "Ad hoc finance queries"
    config = args["configuration"]
    assert config["bytes_scanned_cutoff_per_query"] == 1073741824
    assert config["enforce_workgroup_configuration"] is True
    assert config["publish_cloudwatch_metrics_enabled"] is True
    assert config["requester_pays_enabled"] is None
    assert config["selected_engine_version"] == "Athena engine version 3"
    assert config["result"] == {"output_location": "s3://finance-athena-results/adhoc/",
                                "expected_bucket_owner": None, "encryption_option": "SSE_KMS",
                                "kms_key_arn": "arn:aws:kms:us-west-2:123456789012:key/"
                                               "1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809",
                                "s3_acl_option": None}


def _clients(aws_client) -> Clients:
    return Clients(lambda service, region: aws_client(service, region), "us-east-1")


def test_a_workgroup_with_saved_queries_is_refused_and_primary_never_deleted(aws_client):
    athena = aws_client("athena")
    athena.create_work_group(Name="adhoc", Configuration={})
    athena.create_named_query(Name="daily", Database="sales", QueryString="SELECT 1", WorkGroup="adhoc")
    with pytest.raises(DeleteRefused, match="saved queries"):
        DELETE["aws_athena_workgroup"](_clients(aws_client), DeleteRequest("aws_athena_workgroup", "adhoc",
                                                                           "us-east-1"))
    assert athena.get_work_group(WorkGroup="adhoc").get("WorkGroup")
    with pytest.raises(DeleteRefused, match="primary"):
        DELETE["aws_athena_workgroup"](_clients(aws_client), DeleteRequest("aws_athena_workgroup", "primary",
                                                                           "us-east-1"))


def test_a_missing_workgroup_is_already_gone(aws_client):
    with pytest.raises(AlreadyGone):
        DELETE["aws_athena_workgroup"](_clients(aws_client), DeleteRequest("aws_athena_workgroup", "never-made",
                                                                           "us-east-1"))
