import json

import pytest

from bot.catalog import CATALOG, DESCRIBE, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA


def derived() -> dict:
    return json.loads((DATA / "cloudtrail" / "glue__CreateJob__console.json").read_text(encoding="utf-8"))


def resolve(raw: dict):
    return CATALOG["aws_glue_job"].resolve(CloudTrailRecord(raw, "t"))


def test_a_studio_job_is_detected_by_its_name():
    result = Classifier().classify(CloudTrailRecord(derived(), "t"))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_glue_job", "Orders Daily Load")
    assert resource.arn == "arn:aws:glue:eu-central-1:123456789012:job/Orders Daily Load"
    assert resource.console_url == (
        "https://eu-central-1.console.aws.amazon.com/gluestudio/home?region=eu-central-1"
        "#/editor/job/Orders%20Daily%20Load/details"
    )
    assert resource.tags == {"team": "orders"}
    assert CATALOG["aws_glue_job"].loses_data is False


def test_without_a_response_the_request_names_it():
    raw = derived()
    raw["responseElements"] = None
    [found] = resolve(raw)
    assert found.import_id == "Orders Daily Load"


def test_pascal_case_fields_are_read():
    raw = derived()
    raw["requestParameters"] = {"Name": "etl", "Tags": {"team": "x"}}
    raw["responseElements"] = {"Name": "etl"}
    [found] = resolve(raw)
    assert (found.import_id, found.tags) == ("etl", {"team": "x"})


def test_a_missing_name_names_the_field():
    raw = derived()
    raw["responseElements"] = None
    del raw["requestParameters"]["name"]
    with pytest.raises(ExtractError, match=r"requestParameters\.name"):
        resolve(raw)


def test_the_event_alone_gives_the_job_without_defaults():
    record = CloudTrailRecord(derived(), "t")
    [resource] = Classifier().classify(record).resources
    args = DESCRIBE["aws_glue_job"].from_event(record, resource).args
    assert args["role_arn"] == "arn:aws:iam::123456789012:role/service-role/AWSGlueServiceRole-orders"
    assert args["command"]["name"] is None  # glueetl, the provider's default
    assert args["command"]["script_location"].endswith("/Orders Daily Load.py")
    assert (args["glue_version"], args["worker_type"], args["number_of_workers"]) == ("4.0", "G.1X", 10)
    assert args["max_capacity"] is None  # workers and DPUs are exclusive
    assert args["default_arguments"]["--job-language"] == "python"
    assert args["max_retries"] is None and args["max_concurrent_runs"] is None and args["description"] is None


def test_a_deleted_job_is_already_gone(aws_client):
    from bot.catalog import DELETE
    from bot.catalog._delete import AlreadyGone, DeleteRequest
    from bot.catalog.template_input import Clients

    clients = Clients(lambda service, region: aws_client(service, region), "us-east-1")
    with pytest.raises(AlreadyGone):
        DELETE["aws_glue_job"](clients, DeleteRequest("aws_glue_job", "never-made", "us-east-1"))
