"""Making an Application Load Balancer, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, default_subnets, pairs, slug


def create_load_balancer(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    lb_name = slug(name, limit=32)
    subnets = [s["SubnetId"] for s in default_subnets(ctx)[:2]]
    made = ctx.client("elbv2").create_load_balancer(Name=lb_name, Subnets=subnets, Scheme="internal",
                                                    **({"Tags": pairs(tags)} if tags else {}))["LoadBalancers"][0]
    return Call({"name": lb_name, "subnets": subnets, "scheme": "internal", "type": "application",
                 "tags": ct_tags(tags)},
                {"loadBalancers": [{"loadBalancerArn": made["LoadBalancerArn"], "loadBalancerName": lb_name,
                                    "type": "application", "scheme": "internal"}]})


CREATORS = {
    "aws_lb": create_load_balancer,
}
