"""Auto Scaling groups: the import ID is the name the request gave (the response is null)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.catalog import BY_EVENT, CATALOG, DELETE, ExtractError
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.deletion import DeleteRefused, DeleteRequest
from bot.events import CloudTrailRecord
from bot.managed import ManagedIndex
from tests.codegen.cases.autoscaling import make_group
from tests.conftest import DATA

RECORD = "autoscaling__CreateAutoScalingGroup__console.json"


def record() -> dict[str, Any]:
    return json.loads((DATA / "cloudtrail" / RECORD).read_text(encoding="utf-8"))


def classify(raw: dict[str, Any], managed: ManagedIndex | None = None):
    return Classifier(managed=managed).classify(CloudTrailRecord(raw, "test"))


def test_entry():
    entry = BY_EVENT[("autoscaling.amazonaws.com", "CreateAutoScalingGroup")]
    assert entry is CATALOG["aws_autoscaling_group"]
    assert entry.delete_events == ("DeleteAutoScalingGroup",)
    assert entry.loses_data is True
    # The name is in every record: nothing to look up.
    assert entry.lookup is None


def test_name_from_the_request_with_a_null_response():
    raw = record()
    assert raw["responseElements"] is None
    result = classify(raw)
    assert result.verdict == "detected", result
    [group] = result.resources
    assert (group.tf_type, group.import_id, group.name) == ("aws_autoscaling_group", "web-asg", "web-asg")
    assert group.tags == {"team": "web"}
    assert group.console_url == (
        "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#AutoScalingGroupDetails:id=web-asg"
    )
    # The ARN holds a UUID only AWS knows.
    assert group.arn == ""
    assert group.resolve == ""


def test_pascal_case_and_wrapped_requests():
    raw = record()
    raw["requestParameters"] = {"AutoScalingGroupName": "batch", "MinSize": 0, "MaxSize": 2}
    [found] = CATALOG["aws_autoscaling_group"].resolve(CloudTrailRecord(raw, "t"))
    assert found.import_id == "batch"
    raw["requestParameters"] = {"CreateAutoScalingGroupRequest": {"AutoScalingGroupName": "batch-2",
                                                                  "Tags": {"member": [{"Key": "Name",
                                                                                       "Value": "Batch"}]}}}
    [found] = CATALOG["aws_autoscaling_group"].resolve(CloudTrailRecord(raw, "t"))
    assert (found.import_id, found.name, found.tags) == ("batch-2", "Batch", {"Name": "Batch"})


def test_a_record_without_the_name_is_an_incomplete_error():
    raw = record()
    raw["requestParameters"] = None
    with pytest.raises(ExtractError, match=r"requestParameters\.autoScalingGroupName"):
        CATALOG["aws_autoscaling_group"].resolve(CloudTrailRecord(raw, "t"))
    assert (classify(raw).verdict, classify(raw).reason_code) == ("error", "incomplete")


def test_hostile_name_stays_data():
    raw = record()
    raw["requestParameters"]["autoScalingGroupName"] = 'web"}\n${jsonencode(1)}'
    [group] = classify(raw).resources
    assert group.import_id == 'web"}\n${jsonencode(1)}'
    assert group.suggested_name == "web_jsonencode_1"


def test_state_id_is_the_name():
    managed = ManagedIndex()
    managed.add_state({"version": 4, "resources": [{"mode": "managed", "type": "aws_autoscaling_group",
                                                     "name": "web", "instances": [{"attributes": {
                                                         "id": "web-asg", "name": "web-asg"}}]}]},
                      "s3://states/asg.tfstate")
    result = classify(record(), managed)
    assert (result.verdict, result.reason_code) == ("ignored", "managed")


def test_a_group_running_instances_is_refused(aws_client, aws_calls):
    made = make_group(aws_client)
    autoscaling = aws_client("autoscaling")
    autoscaling.update_auto_scaling_group(AutoScalingGroupName=made.import_id, MinSize=1, DesiredCapacity=1)
    clients = Clients(aws_calls.factory("aws_autoscaling_group", "delete"), "us-east-1")
    with pytest.raises(DeleteRefused, match="still runs 1 instance"):
        DELETE["aws_autoscaling_group"](clients, DeleteRequest("aws_autoscaling_group", made.import_id, "us-east-1"))
    assert autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[made.import_id])["AutoScalingGroups"]
