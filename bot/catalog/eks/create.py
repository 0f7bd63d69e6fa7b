"""Making an EKS cluster, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, default_subnets, service_role, slug


def create_eks_cluster(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    cluster = slug(name, limit=100)
    role = service_role(ctx)
    subnets = [s["SubnetId"] for s in default_subnets(ctx)[:2]]
    # The console sends both endpoint choices (public on, private off), and AWS reports them back.
    vpc = {"subnetIds": subnets, "endpointPublicAccess": True, "endpointPrivateAccess": False}
    made = ctx.client("eks").create_cluster(name=cluster, roleArn=role, resourcesVpcConfig=vpc,
                                            tags=dict(tags))["cluster"]
    return Call({"name": cluster, "roleArn": role, "resourcesVpcConfig": vpc, "tags": dict(tags)},
                {"cluster": {"name": cluster, "arn": made["arn"], "status": "CREATING"}})


CREATORS = {
    "aws_eks_cluster": create_eks_cluster,
}
