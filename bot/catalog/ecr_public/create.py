"""Making an ECR Public repository, as the console does, and the CloudTrail record of the call. ECR Public answers
in us-east-1 only: a sandbox working in another region gets AWS's error for it."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug


def create_repository(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    repository_name = slug(name, limit=205, fallback="sandbox")
    catalog = {"description": name.strip()[:1024] or "sandbox images", "operatingSystems": ["Linux"]}
    made = ctx.client("ecr-public").create_repository(repositoryName=repository_name, catalogData=catalog,
                                                      tags=pairs(tags))["repository"]
    return Call({"repositoryName": repository_name, "catalogData": catalog, "tags": ct_tags(tags)},
                {"repository": {"repositoryArn": made["repositoryArn"], "registryId": made["registryId"],
                                "repositoryName": repository_name, "repositoryUri": made.get("repositoryUri", "")}})


CREATORS = {
    "aws_ecrpublic_repository": create_repository,
}
