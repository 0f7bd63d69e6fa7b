"""ECS task definitions and services."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import ACCOUNT, Made, cloudtrail

Aws = Callable[..., Any]

_CONTAINERS = [
    {"name": "api", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4", "essential": True,
     "cpu": 256, "memory": 512, "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
     "environment": [{"name": "GREETING", "value": "hello ${name}"}]},
]


def _task_definition(aws: Aws, family: str = "api") -> dict[str, Any]:
    role = aws("iam").create_role(RoleName=f"{family}-exec", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    return aws("ecs").register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="512", memory="1024",
        executionRoleArn=role, containerDefinitions=_CONTAINERS,
        runtimePlatform={"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"},
        tags=[{"key": "team", "value": "api"}],
    )["taskDefinition"]


def make_task_definition(aws: Aws) -> Made:
    task = _task_definition(aws)
    arn = task["taskDefinitionArn"]
    record = cloudtrail(
        "ecs.amazonaws.com", "RegisterTaskDefinition",
        {"family": "api", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "512",
         "memory": "1024", "executionRoleArn": task["executionRoleArn"], "containerDefinitions": _CONTAINERS,
         "tags": [{"key": "team", "value": "api"}]},
        {"taskDefinition": {"taskDefinitionArn": arn, "family": "api", "revision": task["revision"],
                            "status": "ACTIVE", "containerDefinitions": _CONTAINERS},
         "tags": [{"key": "team", "value": "api"}]},
    )
    expect = {"family": "api", "requires_compatibilities": ["FARGATE"], "network_mode": "awsvpc", "cpu": "512",
              "memory": "1024", "execution_role_arn": task["executionRoleArn"], "tags": {"team": "api"},
              "runtime_platform": [{"operating_system_family": "LINUX", "cpu_architecture": "ARM64"}]}
    return Made(record, arn, expect)


def make_service(aws: Aws) -> Made:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.97.0.0/16")["Vpc"]["VpcId"]
    subnets = sorted(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.97.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
                     ["Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b")))
    group = ec2.create_security_group(GroupName="api-tasks", Description="api tasks", VpcId=vpc)["GroupId"]
    ecs = aws("ecs")
    cluster = ecs.create_cluster(clusterName="prod")["cluster"]["clusterArn"]
    task = _task_definition(aws, "api-svc")["taskDefinitionArn"]
    target_group = aws("elbv2").create_target_group(Name="api-tasks", Protocol="HTTP", Port=8080, VpcId=vpc,
                                                    TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    balancers = [{"targetGroupArn": target_group, "containerName": "api", "containerPort": 8080}]
    network = {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group], "assignPublicIp": "DISABLED"}}
    # Scaled to 0 (paused), so that deleting it is not refused for running tasks.
    service = ecs.create_service(
        cluster="prod", serviceName="api", taskDefinition=task, desiredCount=0, launchType="FARGATE",
        networkConfiguration=network, propagateTags="SERVICE", loadBalancers=balancers,
        tags=[{"key": "team", "value": "api ${x}"}],
    )["service"]
    record = cloudtrail(
        "ecs.amazonaws.com", "CreateService",
        {"cluster": "prod", "serviceName": "api", "taskDefinition": task, "desiredCount": 0, "launchType": "FARGATE",
         "networkConfiguration": network, "propagateTags": "SERVICE", "loadBalancers": balancers,
         "tags": [{"key": "team", "value": "api ${x}"}]},
        {"service": {"serviceArn": service["serviceArn"], "serviceName": "api", "clusterArn": cluster,
                     "taskDefinition": task, "desiredCount": 0, "launchType": "FARGATE", "status": "ACTIVE",
                     "createdBy": f"arn:aws:iam::{ACCOUNT}:user/alice"}},
    )
    expect = {"name": "api", "cluster": cluster, "task_definition": "api-svc:1", "desired_count": 0,
              "launch_type": "FARGATE",
              "propagate_tags": "SERVICE", "tags": {"team": "api ${x}"},
              "load_balancer": [{"target_group_arn": target_group, "container_name": "api", "container_port": 8080}],
              "network_configuration": [{"subnets": subnets, "security_groups": [group]}]}
    return Made(record, "prod/api", expect)


def _task_definition_gone(aws: Aws, arn: str) -> bool:
    task = aws("ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]
    return task["status"] in ("INACTIVE", "DELETE_IN_PROGRESS")


def _service_gone(aws: Aws, import_id: str) -> bool:
    cluster, _, name = import_id.partition("/")
    services = aws("ecs").describe_services(cluster=cluster, services=[name])["services"]
    return not services or services[0]["status"] in ("DRAINING", "INACTIVE")


CASES = {
    "aws_ecs_task_definition": make_task_definition,
    "aws_ecs_service": make_service,
}
GONE = {
    "aws_ecs_task_definition": _task_definition_gone,
    "aws_ecs_service": _service_gone,
}
