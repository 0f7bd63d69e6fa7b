"""Elastic Load Balancing (the 2012-06-01 API): Classic Load Balancers.

Its CreateLoadBalancer shares event source and name with the v2 API's, so aws_lb's resolver (bot/catalog/elbv2)
reads every record first and hands the classic ones over here. A package of its own because it is another API and
another boto3 client ("elb"), with its own describe, delete and create calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    Found,
    console,
    name_tag,
    need,
    q,
    region_of,
    spelled,
    state_attribute,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord


def _request(record: CloudTrailRecord) -> Mapping[str, Any]:
    """The request, unwrapped from the CreateLoadBalancerRequest element of the XML-derived shape."""
    inner = spelled(record.request, "createLoadBalancerRequest")
    return inner if isinstance(inner, Mapping) else record.request


def _console(region: str, name: str) -> str:
    return console(region, f"ec2/home?region={q(region)}#LoadBalancers:search={q(name)}")


def _classic_load_balancer(record: CloudTrailRecord) -> list[Found]:
    request = _request(record)
    # The name is the load balancer's identity: the response carries only its DNS name.
    name = need(text(spelled(request, "loadBalancerName")), "requestParameters.loadBalancerName")
    tags = tags_from_pairs(spelled(request, "tags"), "key", "value")
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name_tag(tags) or name,
            arn=_arn.build(record, "elasticloadbalancing", f"loadbalancer/{name}"),
            console_url=_console(region, name),
            tags=tags,
        )
    ]



ENTRIES = (
    CatalogEntry(
        tf_type="aws_elb",
        label="Classic Load Balancer",
        service="elb",
        event_source="elasticloadbalancing.amazonaws.com",
        create_events=("CreateLoadBalancer",),
        delete_events=("DeleteLoadBalancer",),
        resolve=_classic_load_balancer,
        import_id_format="load balancer name: `terraform import aws_elb.bar elb-production-12345`",
        state_import_id=state_attribute("name", "id"),
        # Configuration only; access logs, if any, live in S3 and outlive the load balancer.
        loses_data=False,
        handed_over_by="aws_lb",
    ),
)
