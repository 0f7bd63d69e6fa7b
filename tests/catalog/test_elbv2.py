from __future__ import annotations

import json
from typing import Any

import pytest

from bot.catalog import BY_EVENT, CATALOG, DELETE, ExtractError
from bot.catalog.base import OtherType
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.deletion import DeleteRefused, DeleteRequest
from bot.events import CloudTrailRecord
from bot.managed import ManagedIndex
from tests.codegen.cases.elbv2 import make_listener
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


def fixture(name: str) -> dict[str, Any]:
    return json.loads((DATA / "cloudtrail" / name).read_text(encoding="utf-8"))


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


def test_classic_load_balancer_is_handed_over_to_aws_elb():
    raw = classic()
    with pytest.raises(OtherType) as caught:
        CATALOG["aws_lb"].resolve(CloudTrailRecord(raw, "test"))
    assert caught.value.tf_type == "aws_elb"
    result = classify(raw)
    assert result.verdict == "detected", result
    assert [(r.tf_type, r.import_id) for r in result.resources] == [("aws_elb", "legacy-web")]


def test_classic_load_balancer_without_api_version_is_told_by_its_shape():
    raw = classic()
    del raw["apiVersion"]
    assert [r.tf_type for r in classify(raw).resources] == ["aws_elb"]
    # Even with no response at all, the classic request shape decides it.
    raw["responseElements"] = None
    assert [(r.tf_type, r.import_id) for r in classify(raw).resources] == [("aws_elb", "legacy-web")]


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


# Target groups

TG_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:000000000000:targetgroup/test-tg/6d0ecf831eec9f09"
LISTENER_ARN = (
    "arn:aws:elasticloadbalancing:ap-northeast-2:000000000000:listener/app/test-alb/42306a5c6d606af3/1b2c3d4e5f607182"
)


def test_target_group_and_listener_entries():
    assert BY_EVENT[("elasticloadbalancing.amazonaws.com", "CreateTargetGroup")] is CATALOG["aws_lb_target_group"]
    assert BY_EVENT[("elasticloadbalancing.amazonaws.com", "CreateListener")] is CATALOG["aws_lb_listener"]
    assert CATALOG["aws_lb_target_group"].delete_events == ("DeleteTargetGroup",)
    assert CATALOG["aws_lb_listener"].delete_events == ("DeleteListener",)
    assert not CATALOG["aws_lb_target_group"].loses_data and not CATALOG["aws_lb_listener"].loses_data


def test_target_group_arn_name_tag_and_console_url():
    result = classify(fixture("elasticloadbalancing__CreateTargetGroup__console.json"))
    assert result.verdict == "detected", result
    [group] = result.resources
    assert (group.tf_type, group.import_id, group.arn) == ("aws_lb_target_group", TG_ARN, TG_ARN)
    assert group.name == "web targets"
    assert group.tags == {"Name": "web targets", "team": "web"}
    assert group.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2"
        f"#TargetGroup:targetGroupArn={TG_ARN}"
    )


def test_target_group_without_tags_is_named_by_its_name():
    raw = fixture("elasticloadbalancing__CreateTargetGroup__console.json")
    del raw["requestParameters"]["tags"]
    [group] = classify(raw).resources
    assert (group.name, group.suggested_name) == ("test-tg", "test_tg")


@pytest.mark.parametrize("shape", ["pascal", "member", "wrapped"])
def test_target_group_in_other_response_shapes(shape: str):
    raw = fixture("elasticloadbalancing__CreateTargetGroup__console.json")
    group = raw["responseElements"]["targetGroups"][0]
    if shape == "pascal":  # older producers wrote the API's own field names
        raw["responseElements"] = {"TargetGroups": [{"TargetGroupArn": TG_ARN, "TargetGroupName": "test-tg"}]}
    elif shape == "member":
        raw["responseElements"] = {"targetGroups": {"member": [group]}}
    else:
        raw["responseElements"] = {"CreateTargetGroupResponse": {"CreateTargetGroupResult": {"targetGroups": [group]}}}
    [found] = CATALOG["aws_lb_target_group"].resolve(CloudTrailRecord(raw, "t"))
    assert found.import_id == TG_ARN


def test_target_group_without_response_is_an_incomplete_error():
    raw = fixture("elasticloadbalancing__CreateTargetGroup__console.json")
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.targetGroups"):
        CATALOG["aws_lb_target_group"].resolve(CloudTrailRecord(raw, "t"))
    raw["responseElements"] = {"targetGroups": [{"targetGroupName": "test-tg"}]}
    with pytest.raises(ExtractError, match=r"targetGroups\[0\]\.targetGroupArn"):
        CATALOG["aws_lb_target_group"].resolve(CloudTrailRecord(raw, "t"))
    assert (classify(raw).verdict, classify(raw).reason_code) == ("error", "incomplete")


def test_hostile_target_group_name_stays_data():
    raw = fixture("elasticloadbalancing__CreateTargetGroup__console.json")
    raw["requestParameters"]["tags"] = [{"key": "Name", "value": 'x" }\nresource "evil" "y" { ${file("/etc/passwd")}'}]
    [group] = classify(raw).resources
    assert group.import_id == TG_ARN
    assert group.name.startswith('x" }')
    assert group.suggested_name.isidentifier()


# Listeners


def test_listener_arn_name_and_console_url_of_its_load_balancer():
    result = classify(fixture("elasticloadbalancing__CreateListener__console.json"))
    assert result.verdict == "detected", result
    [listener] = result.resources
    assert (listener.tf_type, listener.import_id, listener.arn) == ("aws_lb_listener", LISTENER_ARN, LISTENER_ARN)
    # A listener has no name of its own: its load balancer's and its protocol and port.
    assert listener.name == "test-alb HTTP:80"
    assert listener.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2"
        f"#LoadBalancer:loadBalancerArn={ALB_ARN}"
    )


def test_listener_in_pascal_case_without_request():
    raw = fixture("elasticloadbalancing__CreateListener__console.json")
    raw["requestParameters"] = None
    raw["responseElements"] = {"Listeners": [{"ListenerArn": LISTENER_ARN, "Port": 443, "Protocol": "HTTPS"}]}
    [found] = CATALOG["aws_lb_listener"].resolve(CloudTrailRecord(raw, "t"))
    assert (found.import_id, found.name) == (LISTENER_ARN, "test-alb HTTPS:443")


def test_listener_without_response_is_an_incomplete_error():
    raw = fixture("elasticloadbalancing__CreateListener__console.json")
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.listeners"):
        CATALOG["aws_lb_listener"].resolve(CloudTrailRecord(raw, "t"))


@pytest.mark.parametrize("tf_type", ["aws_lb_target_group", "aws_lb_listener"])
def test_state_ids_of_target_groups_and_listeners_are_their_arns(tf_type: str):
    arn = TG_ARN if tf_type == "aws_lb_target_group" else LISTENER_ARN
    assert CATALOG[tf_type].state_import_id({"id": arn, "arn": arn}) == arn
    name = "elasticloadbalancing__CreateTargetGroup__console.json" if tf_type == "aws_lb_target_group" else \
        "elasticloadbalancing__CreateListener__console.json"
    managed = ManagedIndex()
    managed.add_state({"version": 4, "resources": [{"mode": "managed", "type": tf_type, "name": "web",
                                                     "instances": [{"attributes": {"id": arn, "arn": arn}}]}]},
                      "s3://states/lb.tfstate")
    result = classify(fixture(name), managed)
    assert (result.verdict, result.reason_code) == ("ignored", "managed")


def test_a_target_group_a_load_balancer_uses_is_refused(aws_client, aws_calls):
    made = make_listener(aws_client)
    [action] = aws_client("elbv2").describe_listeners(ListenerArns=[made.import_id])["Listeners"][0]["DefaultActions"]
    group = action["ForwardConfig"]["TargetGroups"][0]["TargetGroupArn"]
    clients = Clients(aws_calls.factory("aws_lb_target_group", "delete"), "us-east-1")
    with pytest.raises(DeleteRefused, match="still receives traffic from 1 load balancer"):
        DELETE["aws_lb_target_group"](clients, DeleteRequest("aws_lb_target_group", group, "us-east-1"))
    assert aws_client("elbv2").describe_target_groups(TargetGroupArns=[group])["TargetGroups"]
