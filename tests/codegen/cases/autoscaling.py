"""Auto Scaling groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_group(aws: Aws) -> Made:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    subnets = sorted(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.90.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
                     ["Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b")))
    template = ec2.create_launch_template(
        LaunchTemplateName="workers", LaunchTemplateData={"ImageId": "ami-0abcdef1234567890",
                                                          "InstanceType": "t3.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    group = aws("elbv2").create_target_group(Name="workers", Protocol="HTTP", Port=80,
                                             VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    # Empty (desired 0) so that deleting it is not refused for running instances.
    aws("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="workers", LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=0, MaxSize=6, DesiredCapacity=0, VPCZoneIdentifier=",".join(subnets), TargetGroupARNs=[group],
        HealthCheckType="ELB", HealthCheckGracePeriod=120, DefaultCooldown=60,
        TerminationPolicies=["OldestInstance"],
        Tags=[{"Key": "team", "Value": "batch ${x}", "PropagateAtLaunch": True},
              {"Key": "cost-center", "Value": "42", "PropagateAtLaunch": False}],
    )
    record = cloudtrail(
        "autoscaling.amazonaws.com", "CreateAutoScalingGroup",
        {"autoScalingGroupName": "workers", "launchTemplate": {"launchTemplateId": template, "version": "$Latest"},
         "minSize": 0, "maxSize": 6, "desiredCapacity": 0, "vPCZoneIdentifier": ",".join(subnets),
         "targetGroupARNs": [group], "healthCheckType": "ELB", "healthCheckGracePeriod": 120,
         "tags": [{"key": "team", "value": "batch ${x}", "propagateAtLaunch": True, "resourceId": "workers",
                   "resourceType": "auto-scaling-group"}]},
        None,
    )
    expect = {"name": "workers", "min_size": 0, "max_size": 6, "desired_capacity": 0,
              "vpc_zone_identifier": subnets, "target_group_arns": [group], "health_check_type": "ELB",
              "health_check_grace_period": 120, "default_cooldown": 60, "termination_policies": ["OldestInstance"],
              "launch_template": [{"id": template, "version": "$Latest"}],
              "tag": [{"key": "cost-center", "value": "42", "propagate_at_launch": False},
                      {"key": "team", "value": "batch ${x}", "propagate_at_launch": True}]}
    return Made(record, "workers", expect)


def _gone(aws: Aws, name: str) -> bool:
    groups = aws("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return not groups or groups[0].get("Status") == "Delete in progress"


CASES = {"aws_autoscaling_group": make_group}
GONE = {"aws_autoscaling_group": _gone}
PROVIDER_ENDPOINTS = {"autoscaling"}
