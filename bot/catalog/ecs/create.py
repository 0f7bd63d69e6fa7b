"""Making an ECS cluster, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug


def create_ecs_cluster(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    cluster = slug(name, limit=255)
    made = ctx.client("ecs").create_cluster(clusterName=cluster, tags=pairs(tags, "key", "value"))["cluster"]
    return Call({"clusterName": cluster, "tags": ct_tags(tags)},
                {"cluster": {"clusterName": cluster, "clusterArn": made["clusterArn"], "status": "ACTIVE"}})


CREATORS = {
    "aws_ecs_cluster": create_ecs_cluster,
}
