"""CloudWatch metric alarms: every successful PutMetricAlarm is read as the alarm's creation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.catalog import BY_EVENT, CATALOG, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from bot.managed import ManagedIndex
from tests.conftest import DATA

# AWS's documentation example (tests/data/cloudtrail/public/PROVENANCE.tsv).
PUBLIC = "monitoring__PutMetricAlarm__1.json"


def public() -> dict[str, Any]:
    return json.loads((DATA / "cloudtrail" / "public" / PUBLIC).read_text(encoding="utf-8"))


def classify(raw: dict[str, Any], managed: ManagedIndex | None = None):
    return Classifier(managed=managed).classify(CloudTrailRecord(raw, "test"))


def test_entry():
    entry = BY_EVENT[("monitoring.amazonaws.com", "PutMetricAlarm")]
    assert entry is CATALOG["aws_cloudwatch_metric_alarm"]
    assert entry.delete_events == ("DeleteAlarms",)
    assert entry.loses_data is False


def test_the_documented_record():
    raw = public()
    assert raw["responseElements"] is None
    result = classify(raw)
    assert result.verdict == "detected", result
    [alarm] = result.resources
    assert (alarm.tf_type, alarm.import_id, alarm.name) == (
        "aws_cloudwatch_metric_alarm", "CloudTrail Test Alarm", "CloudTrail Test Alarm")
    assert alarm.arn == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:CloudTrail Test Alarm"
    assert alarm.console_url == (
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/CloudTrail%20Test%20Alarm"
    )
    assert alarm.suggested_name == "cloudtrail_test_alarm"


def test_tags_and_pascal_case_request():
    raw = public()
    raw["requestParameters"] = {"AlarmName": "cpu high", "Tags": [{"Key": "team", "Value": "ops"}]}
    [found] = CATALOG["aws_cloudwatch_metric_alarm"].resolve(CloudTrailRecord(raw, "t"))
    assert (found.import_id, found.tags) == ("cpu high", {"team": "ops"})
    raw["requestParameters"] = {"PutMetricAlarmRequest": {"AlarmName": "cpu low", "Tags": {"member": [
        {"Key": "Name", "Value": "CPU low"}]}}}
    [found] = CATALOG["aws_cloudwatch_metric_alarm"].resolve(CloudTrailRecord(raw, "t"))
    assert (found.import_id, found.name) == ("cpu low", "CPU low")


def test_a_record_without_the_name_is_an_incomplete_error():
    raw = public()
    del raw["requestParameters"]["alarmName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.alarmName"):
        CATALOG["aws_cloudwatch_metric_alarm"].resolve(CloudTrailRecord(raw, "t"))


def test_an_update_of_an_alarm_terraform_manages_is_set_aside():
    # PutMetricAlarm also replaces an alarm's settings; an alarm in a state is known, whatever the call did.
    managed = ManagedIndex()
    managed.add_state({"version": 4, "resources": [{"mode": "managed", "type": "aws_cloudwatch_metric_alarm",
                                                     "name": "test", "instances": [{"attributes": {
                                                         "id": "CloudTrail Test Alarm",
                                                         "alarm_name": "CloudTrail Test Alarm"}}]}]},
                      "s3://states/alarms.tfstate")
    result = classify(public(), managed)
    assert (result.verdict, result.reason_code) == ("ignored", "managed")
