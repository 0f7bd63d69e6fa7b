"""Target groups and listeners of Application and Network Load Balancers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]
SOURCE = "elasticloadbalancing.amazonaws.com"


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _vpc(aws: Aws) -> tuple[str, list[str]]:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.60.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
               ["Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b"))]
    return vpc, subnets


def make_target_group(aws: Aws) -> Made:
    vpc, _subnets = _vpc(aws)
    elbv2 = aws("elbv2")
    group = elbv2.create_target_group(
        Name="api", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip", HealthCheckPath="/healthz",
        HealthCheckIntervalSeconds=15, HealthyThresholdCount=3, UnhealthyThresholdCount=4,
        Matcher={"HttpCode": "200-299"}, Tags=_tags({"team": "api ${x}"}),
    )["TargetGroups"][0]
    arn = group["TargetGroupArn"]
    elbv2.modify_target_group_attributes(TargetGroupArn=arn, Attributes=_tags({
        "deregistration_delay.timeout_seconds": "45", "slow_start.duration_seconds": "30",
        "stickiness.enabled": "true", "stickiness.type": "lb_cookie", "stickiness.lb_cookie.duration_seconds": "600",
    }))
    record = cloudtrail(SOURCE, "CreateTargetGroup",
                        {"name": "api", "protocol": "HTTP", "port": 8080, "vpcId": vpc, "targetType": "ip",
                         "healthCheckPath": "/healthz", "tags": [{"key": "team", "value": "api ${x}"}]},
                        {"targetGroups": [{"targetGroupArn": arn, "targetGroupName": "api", "protocol": "HTTP",
                                           "port": 8080, "vpcId": vpc, "targetType": "ip"}]})
    expect = {"name": "api", "port": 8080, "protocol": "HTTP", "vpc_id": vpc, "target_type": "ip",
              "deregistration_delay": "45", "slow_start": 30, "tags": {"team": "api ${x}"},
              "health_check": [{"enabled": True, "path": "/healthz", "interval": 15, "healthy_threshold": 3,
                                "unhealthy_threshold": 4, "matcher": "200-299", "protocol": "HTTP",
                                "port": "traffic-port", "timeout": 5}],
              "stickiness": [{"type": "lb_cookie", "enabled": True, "cookie_duration": 600}]}
    return Made(record, arn, expect)


def make_listener(aws: Aws) -> Made:
    vpc, subnets = _vpc(aws)
    elbv2 = aws("elbv2")
    lb = elbv2.create_load_balancer(Name="edge", Subnets=subnets, Scheme="internal")["LoadBalancers"][0]
    blue, green = (elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc)
                   ["TargetGroups"][0]["TargetGroupArn"] for name in ("blue", "green"))
    actions = [{"Type": "forward", "ForwardConfig": {
        "TargetGroups": [{"TargetGroupArn": blue, "Weight": 80}, {"TargetGroupArn": green, "Weight": 20}],
        "TargetGroupStickinessConfig": {"Enabled": True, "DurationSeconds": 300}}}]
    listener = elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=8080,
                                     DefaultActions=actions, Tags=_tags({"team": "edge"}))["Listeners"][0]
    arn = listener["ListenerArn"]
    record = cloudtrail(SOURCE, "CreateListener",
                        {"loadBalancerArn": lb["LoadBalancerArn"], "protocol": "HTTP", "port": 8080,
                         "defaultActions": [{"type": "forward", "forwardConfig": {"targetGroups": [
                             {"targetGroupArn": blue, "weight": 80}, {"targetGroupArn": green, "weight": 20}]}}],
                         "tags": [{"key": "team", "value": "edge"}]},
                        {"listeners": [{"listenerArn": arn, "loadBalancerArn": lb["LoadBalancerArn"],
                                        "port": 8080, "protocol": "HTTP"}]})
    expect = {"load_balancer_arn": lb["LoadBalancerArn"], "port": 8080, "protocol": "HTTP", "tags": {"team": "edge"},
              "default_action": [{"type": "forward", "forward": [{
                  "target_group": [{"arn": blue, "weight": 80}, {"arn": green, "weight": 20}],
                  "stickiness": [{"enabled": True, "duration": 300}]}]}]}
    return Made(record, arn, expect)


def _gone(call: Callable[[], Any], code: str) -> bool:
    try:
        call()
    except ClientError as exc:
        return exc.response["Error"]["Code"] == code
    return False


CASES = {
    "aws_lb_target_group": make_target_group,
    "aws_lb_listener": make_listener,
}
GONE = {
    "aws_lb_target_group": lambda aws, arn: _gone(
        lambda: aws("elbv2").describe_target_groups(TargetGroupArns=[arn]), "TargetGroupNotFound"),
    "aws_lb_listener": lambda aws, arn: _gone(
        lambda: aws("elbv2").describe_listeners(ListenerArns=[arn]), "ListenerNotFound"),
}
