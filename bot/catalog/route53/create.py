"""Making a Route 53 hosted zone, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

import uuid

from bot.catalog._create import Call, CreateContext, pairs, slug


def create_zone(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    domain = f"{slug(name, limit=50)}.example.com"
    reference = str(uuid.uuid4())
    route53 = ctx.client("route53")
    zone = route53.create_hosted_zone(Name=domain, CallerReference=reference)["HostedZone"]
    if tags:
        route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone["Id"].split("/")[-1],
                                          AddTags=pairs(tags))
    return Call({"name": domain, "callerReference": reference},
                {"hostedZone": {"id": zone["Id"], "name": f"{domain}.", "callerReference": reference}})


CREATORS = {
    "aws_route53_zone": create_zone,
}
