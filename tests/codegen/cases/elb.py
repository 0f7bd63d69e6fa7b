"""Classic Load Balancers (the 2012-06-01 API), handed over by aws_lb's resolver."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_classic_load_balancer(aws: Aws) -> Made:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.70.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
               ["Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b"))]
    group = ec2.create_security_group(GroupName="legacy-elb", Description="legacy elb", VpcId=vpc)["GroupId"]
    elb = aws("elb")
    listeners = [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080},
                 {"Protocol": "TCP", "LoadBalancerPort": 2222, "InstanceProtocol": "TCP", "InstancePort": 22}]
    elb.create_load_balancer(LoadBalancerName="legacy-web", Listeners=listeners, Subnets=subnets,
                             SecurityGroups=[group], Scheme="internal",
                             Tags=[{"Key": "team", "Value": "legacy ${x}"}])
    elb.configure_health_check(LoadBalancerName="legacy-web", HealthCheck={
        "Target": "HTTP:8080/health", "Interval": 20, "Timeout": 4, "UnhealthyThreshold": 3, "HealthyThreshold": 2})
    elb.modify_load_balancer_attributes(LoadBalancerName="legacy-web", LoadBalancerAttributes={
        "CrossZoneLoadBalancing": {"Enabled": False}, "ConnectionSettings": {"IdleTimeout": 120},
        "ConnectionDraining": {"Enabled": True, "Timeout": 90},
        "AdditionalAttributes": [{"Key": "elb.http.desyncmitigationmode", "Value": "strictest"}],
    })
    record = cloudtrail("elasticloadbalancing.amazonaws.com", "CreateLoadBalancer",
                        {"loadBalancerName": "legacy-web", "subnets": subnets, "securityGroups": [group],
                         "scheme": "internal",
                         "listeners": [{"protocol": "HTTP", "loadBalancerPort": 80, "instanceProtocol": "HTTP",
                                        "instancePort": 8080},
                                       {"protocol": "TCP", "loadBalancerPort": 2222, "instanceProtocol": "TCP",
                                        "instancePort": 22}],
                         "tags": [{"key": "team", "value": "legacy ${x}"}]},
                        {"dNSName": "internal-legacy-web-1.us-east-1.elb.amazonaws.com"})
    record["apiVersion"] = "2012-06-01"
    expect = {"name": "legacy-web", "internal": True, "subnets": subnets, "security_groups": [group],
              "listener": [{"lb_port": 80, "lb_protocol": "HTTP", "instance_port": 8080, "instance_protocol": "HTTP"},
                           {"lb_port": 2222, "lb_protocol": "TCP", "instance_port": 22, "instance_protocol": "TCP"}],
              "health_check": [{"target": "HTTP:8080/health", "interval": 20, "timeout": 4, "unhealthy_threshold": 3,
                                "healthy_threshold": 2}],
              "cross_zone_load_balancing": False, "idle_timeout": 120, "connection_draining": True,
              "connection_draining_timeout": 90, "desync_mitigation_mode": "strictest",
              "tags": {"team": "legacy ${x}"}}
    return Made(record, "legacy-web", expect)


def _gone(aws: Aws, name: str) -> bool:
    try:
        aws("elb").describe_load_balancers(LoadBalancerNames=[name])
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "LoadBalancerNotFound"
    return False


CASES = {"aws_elb": make_classic_load_balancer}
GONE = {"aws_elb": _gone}
PROVIDER_ENDPOINTS = {"elb"}
