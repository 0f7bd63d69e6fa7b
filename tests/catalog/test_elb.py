"""Classic Load Balancers: handed over by aws_lb's resolver, identified by name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.catalog import BY_EVENT, CATALOG, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from bot.managed import ManagedIndex
from tests.conftest import DATA

RECORD = "elasticloadbalancing__CreateLoadBalancer__classic.json"
# AWS's documentation example (tests/data/cloudtrail/public/PROVENANCE.tsv).
PUBLIC = "elasticloadbalancing__CreateLoadBalancer__1.json"


def classic() -> dict[str, Any]:
    return json.loads((DATA / "cloudtrail" / RECORD).read_text(encoding="utf-8"))


def classify(raw: dict[str, Any], managed: ManagedIndex | None = None):
    return Classifier(managed=managed).classify(CloudTrailRecord(raw, "test"))


def test_entry_is_handed_over_by_aws_lb():
    entry = CATALOG["aws_elb"]
    assert entry.handed_over_by == "aws_lb"
    assert entry.service == "elb"
    assert entry.create_events == ("CreateLoadBalancer",)
    # The event itself reaches aws_lb's resolver first.
    assert BY_EVENT[("elasticloadbalancing.amazonaws.com", "CreateLoadBalancer")] is CATALOG["aws_lb"]


def test_name_arn_and_console_url():
    result = classify(classic())
    assert result.verdict == "detected", result
    [lb] = result.resources
    assert (lb.tf_type, lb.import_id, lb.name) == ("aws_elb", "legacy-web", "legacy-web")
    assert lb.arn == "arn:aws:elasticloadbalancing:ap-northeast-1:999999999999:loadbalancer/legacy-web"
    assert lb.console_url == (
        "https://ap-northeast-1.console.aws.amazon.com/ec2/home?region=ap-northeast-1#LoadBalancers:search=legacy-web"
    )
    assert lb.loses_data is False


def test_the_documented_cli_record():
    raw = json.loads((DATA / "cloudtrail" / "public" / PUBLIC).read_text(encoding="utf-8"))
    result = classify(raw)
    assert result.verdict == "detected", result
    [lb] = result.resources
    assert (lb.tf_type, lb.import_id) == ("aws_elb", "my-load-balancer")
    assert lb.arn == "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/my-load-balancer"
    assert lb.suggested_name == "my_load_balancer"


def test_tags_and_name_tag():
    raw = classic()
    raw["requestParameters"]["tags"] = [{"key": "Name", "value": "Legacy web"}, {"key": "env", "value": "prod"}]
    [lb] = classify(raw).resources
    assert lb.tags == {"Name": "Legacy web", "env": "prod"}
    assert (lb.name, lb.import_id) == ("Legacy web", "legacy-web")


def test_pascal_case_and_wrapped_requests():
    raw = classic()
    raw["requestParameters"] = {"LoadBalancerName": "legacy-web", "Listeners": []}
    [found] = CATALOG["aws_elb"].resolve(CloudTrailRecord(raw, "t"))
    assert found.import_id == "legacy-web"
    raw["requestParameters"] = {"CreateLoadBalancerRequest": {"LoadBalancerName": "legacy-api"}}
    [found] = CATALOG["aws_elb"].resolve(CloudTrailRecord(raw, "t"))
    assert found.import_id == "legacy-api"


def test_a_record_without_the_name_is_an_incomplete_error():
    raw = classic()
    del raw["requestParameters"]["loadBalancerName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.loadBalancerName"):
        CATALOG["aws_elb"].resolve(CloudTrailRecord(raw, "t"))


def test_state_id_is_the_name():
    entry = CATALOG["aws_elb"]
    assert entry.state_import_id({"id": "legacy-web", "name": "legacy-web"}) == "legacy-web"
    managed = ManagedIndex()
    managed.add_state({"version": 4, "resources": [{"mode": "managed", "type": "aws_elb", "name": "legacy",
                                                     "instances": [{"attributes": {"id": "legacy-web",
                                                                                   "name": "legacy-web"}}]}]},
                      "s3://states/elb.tfstate")
    result = classify(classic(), managed)
    assert (result.verdict, result.reason_code) == ("ignored", "managed")
