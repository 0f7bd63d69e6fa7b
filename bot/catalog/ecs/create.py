"""Making an ECS cluster, a task definition and a service, as the console does, and the CloudTrail records of the
calls."""

from __future__ import annotations

from typing import Any

from bot.catalog._create import Call, CreateContext, ct_tags, default_subnets, pairs, slug

# The console's first container: a web server on port 80.
_CONTAINER = {"name": "web", "image": "public.ecr.aws/nginx/nginx:latest", "essential": True,
              "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}]}


def create_ecs_cluster(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    cluster = slug(name, limit=255)
    made = ctx.client("ecs").create_cluster(clusterName=cluster, tags=pairs(tags, "key", "value"))["cluster"]
    return Call({"clusterName": cluster, "tags": ct_tags(tags)},
                {"cluster": {"clusterName": cluster, "clusterArn": made["clusterArn"], "status": "ACTIVE"}})


def _register(ctx: CreateContext, family: str, tags: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    request = {"family": family, "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
               "memory": "512", "containerDefinitions": [_CONTAINER]}
    made = ctx.client("ecs").register_task_definition(**request, **({"tags": pairs(tags, "key", "value")}
                                                                     if tags else {}))["taskDefinition"]
    return request, made


def create_task_definition(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    request, made = _register(ctx, slug(name, limit=255), tags)
    return Call({**request, "tags": ct_tags(tags)},
                {"taskDefinition": {"taskDefinitionArn": made["taskDefinitionArn"], "family": made["family"],
                                    "revision": made["revision"], "status": "ACTIVE", **{
                                        k: v for k, v in request.items() if k != "family"}},
                 "tags": ct_tags(tags)})


def create_service(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    # The cluster and task definition it runs are made quietly first, as if they had been there.
    service_name = slug(name, limit=255)
    ecs = ctx.client("ecs")
    cluster = ecs.create_cluster(clusterName=f"{service_name}-cluster"[:255])["cluster"]
    _, task = _register(ctx, f"{service_name}-task"[:255], {})
    found = default_subnets(ctx)[:2]
    subnets = [s["SubnetId"] for s in found]
    # The console picks the VPC's default security group.
    groups = ctx.client("ec2").describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [found[0]["VpcId"]]}, {"Name": "group-name", "Values": ["default"]}],
    )["SecurityGroups"]
    network = {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [g["GroupId"] for g in groups[:1]],
                                       "assignPublicIp": "DISABLED"}}
    # No task to start with (desired 0): the sandbox has nothing to run, and it can delete the service again.
    made = ecs.create_service(cluster=cluster["clusterName"], serviceName=service_name,
                              taskDefinition=task["taskDefinitionArn"], desiredCount=0, launchType="FARGATE",
                              networkConfiguration=network,
                              **({"tags": pairs(tags, "key", "value")} if tags else {}))["service"]
    return Call({"cluster": cluster["clusterName"], "serviceName": service_name,
                 "taskDefinition": task["taskDefinitionArn"], "desiredCount": 0, "launchType": "FARGATE",
                 "networkConfiguration": network, "tags": ct_tags(tags)},
                {"service": {"serviceArn": made["serviceArn"], "serviceName": service_name,
                             "clusterArn": cluster["clusterArn"], "taskDefinition": task["taskDefinitionArn"],
                             "desiredCount": 0, "launchType": "FARGATE", "status": "ACTIVE"}})


CREATORS = {
    "aws_ecs_cluster": create_ecs_cluster,
    "aws_ecs_task_definition": create_task_definition,
    "aws_ecs_service": create_service,
}
