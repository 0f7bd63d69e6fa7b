"""Elastic Load Balancing v2: Application, Network and Gateway Load Balancers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog.base import (
    CatalogEntry,
    Found,
    OtherType,
    console,
    dig,
    name_tag,
    need,
    q,
    region_of,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord

V2_API = "2015-12-01"
CLASSIC_API = "2012-06-01"
# Request parameters only the Classic Load Balancer API (2012-06-01) takes; v2 calls them name/subnetMappings.
_CLASSIC_PARAMS = ("loadBalancerName", "listeners", "availabilityZones")


def _is_classic(record: CloudTrailRecord) -> bool:
    """Both APIs log CreateLoadBalancer under one event source; only the version or the shape tells them apart."""
    api_version = text(record.raw.get("apiVersion"))
    if api_version:
        return api_version != V2_API
    if isinstance(record.response.get("loadBalancers"), list):
        return False
    return any(key in record.request for key in _CLASSIC_PARAMS) and "name" not in record.request


def _load_balancer(record: CloudTrailRecord) -> list[Found]:
    if _is_classic(record):
        raise OtherType("aws_elb", "a Classic Load Balancer")
    arn = need(
        dig(record.response, "loadBalancers", 0, "loadBalancerArn"), "responseElements.loadBalancers[0].loadBalancerArn"
    )
    name = text(dig(record.response, "loadBalancers", 0, "loadBalancerName")) or text(record.request.get("name"))
    tags = tags_from_pairs(record.request.get("tags"), "key", "value")
    region = region_of(record)
    return [
        Found(
            import_id=arn,
            name=name_tag(tags) or name or arn,
            arn=arn,
            console_url=console(region, f"ec2/home?region={q(region)}#LoadBalancer:loadBalancerArn={arn}"),
            tags=tags,
        )
    ]


def _state_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("arn") or attributes.get("id")
    return value if isinstance(value, str) and value else None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_lb",
        label="load balancer",
        service="elbv2",
        event_source="elasticloadbalancing.amazonaws.com",
        create_events=("CreateLoadBalancer",),
        delete_events=("DeleteLoadBalancer",),
        resolve=_load_balancer,
        import_id_format=(
            "load balancer ARN: `terraform import aws_lb.bar "
            "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188`"
        ),
        state_import_id=_state_id,
        # Configuration only; access logs, if any, live in S3 and outlive the load balancer.
        loses_data=False,
    ),
)
