"""Making a CloudHSM cluster, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, CreateError, ct_tags, default_subnets, pairs


def create_cloudhsm_cluster(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    subnets = [s["SubnetId"] for s in default_subnets(ctx)[:2]]
    if not subnets:
        raise CreateError("a CloudHSM cluster needs a subnet")
    # A cluster has no name; the name given becomes its Name tag, as the console's tag step suggests.
    tags = {"Name": name, **tags} if name else dict(tags)
    made = ctx.client("cloudhsmv2").create_cluster(HsmType="hsm2m.medium", SubnetIds=subnets,
                                                   TagList=pairs(tags))["Cluster"]
    return Call({"hsmType": "hsm2m.medium", "subnetIds": subnets, "tagList": ct_tags(tags)},
                {"cluster": {"clusterId": made["ClusterId"], "hsmType": "hsm2m.medium",
                             "state": made.get("State", "CREATE_IN_PROGRESS"), "vpcId": made.get("VpcId", ""),
                             "subnetMapping": made.get("SubnetMapping", {})}},
                event_name="CreateCluster")


CREATORS = {
    "aws_cloudhsm_v2_cluster": create_cloudhsm_cluster,
}
