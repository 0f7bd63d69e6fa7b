"""Making an ECR repository, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug


def create_ecr_repository(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    repository = slug(name, limit=256)
    made = ctx.client("ecr").create_repository(repositoryName=repository, tags=pairs(tags))["repository"]
    return Call({"repositoryName": repository, "tags": ct_tags(tags)},
                {"repository": {"repositoryName": repository, "repositoryArn": made["repositoryArn"],
                                "registryId": made["registryId"], "repositoryUri": made["repositoryUri"]}})


CREATORS = {
    "aws_ecr_repository": create_ecr_repository,
}
