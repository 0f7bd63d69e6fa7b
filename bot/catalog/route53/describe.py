"""Amazon Route 53 hosted zones (the import ID is the zone ID without its /hostedzone/ prefix)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _zone_args(zone: Mapping[str, Any], vpcs: Any, tags: Mapping[str, str]) -> dict[str, Any]:
    return {
        "name": str(zone.get("Name") or "").rstrip("."),
        # The provider writes "Managed by Terraform" where comment is missing: always state the real one.
        "comment": dig(zone, "Config", "Comment") or "",
        "vpcs": [{"vpc_id": v.get("VPCId"), "vpc_region": v.get("VPCRegion")} for v in vpcs or () if v.get("VPCId")],
        "tags": clean_tags(tags),
    }


def _describe_zone(clients: Clients, resource: Resource) -> Model:
    route53 = clients("route53")
    found = route53.get_hosted_zone(Id=resource.import_id)
    tags = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=resource.import_id)
    tag_set = pair_tags(dig(tags, "ResourceTagSet", "Tags"))
    return Model(args=_zone_args(found["HostedZone"], found.get("VPCs"), tag_set))


def _zone_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    zone = {"Name": request.get("name") or resource.name,
            "Config": {"Comment": dig(request, "hostedZoneConfig", "comment")}}
    vpc = request.get("vPC") or request.get("vpc")
    vpcs = []
    if isinstance(vpc, dict):
        vpc_id = vpc.get("vPCId") or vpc.get("vpcId")
        vpcs = [{"VPCId": vpc_id, "VPCRegion": vpc.get("vPCRegion") or vpc.get("vpcRegion")}]
    return Model(args=_zone_args(zone, vpcs, resource.tags))


CODEGEN = (TypeCodegen("aws_route53_zone", _describe_zone, _zone_from_event),)
