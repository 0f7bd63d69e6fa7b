"""Elastic Load Balancing v2: Application, Network and Gateway Load Balancers, their target groups and listeners."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    OtherType,
    console,
    dig,
    name_tag,
    need,
    q,
    region_of,
    spelled,
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


def _load_balancer_console(region: str, arn: str) -> str:
    return console(region, f"ec2/home?region={q(region)}#LoadBalancer:loadBalancerArn={arn}")


def _target_group_console(region: str, arn: str) -> str:
    return console(region, f"ec2/home?region={q(region)}#TargetGroup:targetGroupArn={arn}")


def _listener_console(region: str, arn: str, lb_arn: str) -> str:
    # The console shows a listener on its load balancer's page.
    page = f"LoadBalancer:loadBalancerArn={lb_arn}" if lb_arn else f"ELBListenerV2:listenerArn={arn}"
    return console(region, f"ec2/home?region={q(region)}#{page}")


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
            console_url=_load_balancer_console(region, arn),
            tags=tags,
        )
    ]



def _listed(body: Any, name: str) -> list[Any]:
    """A response list (targetGroups, listeners): a plain list, {"member": [...]}, or one bare element."""
    value = spelled(body, name)
    if isinstance(value, Mapping):
        value = value.get("member", value.get("items", [value]))
    return value if isinstance(value, list) else [value] if isinstance(value, Mapping) else []


def _response(record: CloudTrailRecord, action: str) -> Mapping[str, Any]:
    """The response, unwrapped from the {Action}Response/{Action}Result elements the XML-derived shape keeps."""
    body: Any = record.response
    for wrapper in (f"{action}Response", f"{action}Result"):
        inner = spelled(body, wrapper)
        if isinstance(inner, Mapping):
            body = inner
    return body if isinstance(body, Mapping) else {}


def _tags(record: CloudTrailRecord) -> dict[str, str]:
    return tags_from_pairs(spelled(record.request, "tags"), "key", "value")


def _target_group(record: CloudTrailRecord) -> list[Found]:
    groups = _listed(_response(record, "CreateTargetGroup"), "targetGroups")
    if not groups:
        raise ExtractError("the record has no responseElements.targetGroups")
    tags = _tags(record)
    region = region_of(record)
    found = []
    for index, group in enumerate(groups):
        arn = need(spelled(group, "targetGroupArn"), f"responseElements.targetGroups[{index}].targetGroupArn")
        name = text(spelled(group, "targetGroupName")) or text(spelled(record.request, "name"))
        found.append(
            Found(
                import_id=arn,
                name=name_tag(tags) or name or arn,
                arn=arn,
                console_url=_target_group_console(region, arn),
                tags=tags,
            )
        )
    return found


def _listener_name(listener: Mapping[str, Any], record: CloudTrailRecord, arn: str) -> str:
    """A listener has no name: people know it by its load balancer and its protocol and port ("web HTTPS:443")."""
    protocol = text(spelled(listener, "protocol")) or text(spelled(record.request, "protocol"))
    port = spelled(listener, "port") or spelled(record.request, "port")
    return _listener_label(arn, protocol, port)


def _listener_label(arn: str, protocol: str, port: Any) -> str:
    """<load balancer name> <protocol>:<port>, from the listener's ARN and what it listens on."""
    # arn:...:listener/app/<load balancer name>/<lb id>/<listener id>
    parts = arn.split(":listener/", 1)[-1].split("/")
    load_balancer = parts[1] if len(parts) >= 3 else ""
    where = f"{protocol}:{port}" if protocol and port else protocol or (str(port) if port else "")
    return " ".join(p for p in (load_balancer, where) if p)


def _listener(record: CloudTrailRecord) -> list[Found]:
    listeners = _listed(_response(record, "CreateListener"), "listeners")
    if not listeners:
        raise ExtractError("the record has no responseElements.listeners")
    tags = _tags(record)
    region = region_of(record)
    found = []
    for index, listener in enumerate(listeners):
        arn = need(spelled(listener, "listenerArn"), f"responseElements.listeners[{index}].listenerArn")
        lb_arn = text(spelled(listener, "loadBalancerArn")) or text(spelled(record.request, "loadBalancerArn"))
        found.append(
            Found(
                import_id=arn,
                name=name_tag(tags) or _listener_name(listener, record, arn) or arn,
                arn=arn,
                console_url=_listener_console(region, arn, lb_arn),
                tags=tags,
            )
        )
    return found


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
    CatalogEntry(
        tf_type="aws_lb_target_group",
        label="target group",
        service="elbv2",
        event_source="elasticloadbalancing.amazonaws.com",
        create_events=("CreateTargetGroup",),
        delete_events=("DeleteTargetGroup",),
        resolve=_target_group,
        import_id_format=(
            "target group ARN: `terraform import aws_lb_target_group.app_front_end "
            "arn:aws:elasticloadbalancing:us-west-2:187416307283:targetgroup/app-front-end/20cfe21448b66314`"
        ),
        state_import_id=_state_id,
        # Which targets receive traffic; the targets themselves are separate resources that outlive it.
        loses_data=False,
    ),
    CatalogEntry(
        tf_type="aws_lb_listener",
        label="load balancer listener",
        service="elbv2",
        event_source="elasticloadbalancing.amazonaws.com",
        create_events=("CreateListener",),
        delete_events=("DeleteListener",),
        resolve=_listener,
        import_id_format=(
            "listener ARN: `terraform import aws_lb_listener.front_end "
            "arn:aws:elasticloadbalancing:us-west-2:187416307283:listener/app/front-end-alb/8e4497da625e2d8a/"
            "9ab28ade35828f96`"
        ),
        state_import_id=_state_id,
        loses_data=False,
    ),
)
