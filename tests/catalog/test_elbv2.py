from __future__ import annotations

import json
from typing import Any

import pytest

from bot.catalog import BY_EVENT, CATALOG, ExtractError
from bot.catalog.base import OtherType
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from bot.managed import ManagedIndex
from tests.conftest import DATA, corpus_record

ALB_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:000000000000:loadbalancer/app/test-alb/42306a5c6d606af3"

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "elasticloadbalancing__CreateLoadBalancer__1.json": [("aws_lb", ALB_ARN)],
    "elasticloadbalancing__CreateLoadBalancer__2.json": [
        (
            "aws_lb",
            "arn:aws:elasticloadbalancing:ap-northeast-1:999999999999:loadbalancer/net/TESTflontback/813270f8ee6fa76a",
        )
    ],
}


def classic() -> dict[str, Any]:
    return json.loads((DATA / "cloudtrail" / "elasticloadbalancing__CreateLoadBalancer__classic.json").read_text())


def classify(raw: dict[str, Any], managed: ManagedIndex | None = None):
    return Classifier(managed=managed).classify(CloudTrailRecord(raw, "test"))


def test_entry():
    entry = BY_EVENT[("elasticloadbalancing.amazonaws.com", "CreateLoadBalancer")]
    assert entry is CATALOG["aws_lb"]
    assert entry.loses_data is False
    assert entry.delete_events == ("DeleteLoadBalancer",)


def test_alb_arn_console_url_and_name():
    result = classify(corpus_record("elasticloadbalancing__CreateLoadBalancer__1.json"))
    assert result.verdict == "detected"
    [lb] = result.resources
    assert lb.arn == ALB_ARN
    assert lb.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2"
        f"#LoadBalancer:loadBalancerArn={ALB_ARN}"
    )
    assert lb.name == "test-alb"
    assert lb.suggested_name == "test_alb"
    assert lb.tags == {}


def test_tags_from_the_request_and_name_tag():
    raw = corpus_record("elasticloadbalancing__CreateLoadBalancer__1.json")
    raw["requestParameters"]["tags"] = [{"key": "Name", "value": "edge"}, {"key": "env", "value": "prod"}]
    [lb] = classify(raw).resources
    assert lb.tags == {"Name": "edge", "env": "prod"}
    assert lb.name == "edge"
    assert lb.import_id == ALB_ARN


def test_v2_record_without_api_version_is_still_read():
    raw = corpus_record("elasticloadbalancing__CreateLoadBalancer__2.json")
    del raw["apiVersion"]
    [lb] = classify(raw).resources
    assert lb.import_id.endswith(":loadbalancer/net/TESTflontback/813270f8ee6fa76a")


def test_classic_load_balancer_is_unsupported():
    raw = classic()
    with pytest.raises(OtherType) as caught:
        CATALOG["aws_lb"].resolve(CloudTrailRecord(raw, "test"))
    assert caught.value.tf_type == "aws_elb"
    result = classify(raw)
    assert result.verdict == "unsupported"
    assert result.reason == (
        "unsupported: CreateLoadBalancer made a aws_elb (a Classic Load Balancer), which the catalog does not cover"
    )


def test_classic_load_balancer_without_api_version_is_unsupported_by_its_shape():
    raw = classic()
    del raw["apiVersion"]
    assert classify(raw).verdict == "unsupported"
    # Even with no response at all, the classic request shape decides it.
    raw["responseElements"] = None
    assert classify(raw).verdict == "unsupported"


def test_v2_without_response_is_an_incomplete_error():
    raw = corpus_record("elasticloadbalancing__CreateLoadBalancer__1.json")
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.loadBalancers\[0\]\.loadBalancerArn"):
        CATALOG["aws_lb"].resolve(CloudTrailRecord(raw, "test"))
    result = classify(raw)
    assert (result.verdict, result.reason_code) == ("error", "incomplete")


def test_state_id_is_the_arn():
    managed = ManagedIndex()
    managed.add_state(
        {
            "version": 4,
            "resources": [
                {
                    "mode": "managed",
                    "type": "aws_lb",
                    "name": "edge",
                    "instances": [{"attributes": {"id": ALB_ARN, "arn": ALB_ARN, "name": "test-alb"}}],
                }
            ],
        },
        "s3://states/lb.tfstate",
    )
    result = classify(corpus_record("elasticloadbalancing__CreateLoadBalancer__1.json"), managed)
    assert (result.verdict, result.reason_code) == ("ignored", "managed")
    assert "aws_lb.edge" in result.reason
    # Matched by import ID, not only through the ARN index.
    assert managed.find("aws_lb", ALB_ARN) is not None
    assert CATALOG["aws_lb"].state_import_id({"id": ALB_ARN}) == ALB_ARN
