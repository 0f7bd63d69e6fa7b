"""Deleting load balancers (refused while deletion protection is on; target groups are kept), target groups
(refused while a load balancer still sends them traffic) and listeners (their rules go with them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients

# elasticloadbalancing's own not-found codes for the resources below a load balancer.
_GONE_CODES = ("TargetGroupNotFound", "ListenerNotFound")


def _gone_if_missing(fn: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return call(fn, **kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _GONE_CODES:
            raise AlreadyGone(str(exc)) from None
        raise


def delete_lb(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    elbv2 = aws("elbv2")
    attributes = call(elbv2.describe_load_balancer_attributes, LoadBalancerArn=req.import_id)["Attributes"]
    protected = any(a["Key"] == "deletion_protection.enabled" and a["Value"] == "true" for a in attributes)
    if protected:
        raise DeleteRefused("the load balancer has deletion protection on; turn it off to delete it")
    call(elbv2.delete_load_balancer, LoadBalancerArn=req.import_id)
    return DeleteOutcome(f"Deleted load balancer {req.name or req.import_id}; its target groups are kept.")


def delete_target_group(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    elbv2 = aws("elbv2")
    found = _gone_if_missing(elbv2.describe_target_groups, TargetGroupArns=[req.import_id])["TargetGroups"]
    if not found:
        raise AlreadyGone(req.import_id)
    group = found[0]
    if group.get("LoadBalancerArns"):
        raise DeleteRefused(f"target group {group.get('TargetGroupName') or req.import_id} still receives traffic "
                            f"from {len(group['LoadBalancerArns'])} load balancer(s); remove it from their listeners "
                            "and rules first")
    _gone_if_missing(elbv2.delete_target_group, TargetGroupArn=req.import_id)
    return DeleteOutcome(f"Deleted target group {group.get('TargetGroupName') or req.import_id}; the instances, "
                         "addresses or functions it held are kept.")


def delete_listener(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    elbv2 = aws("elbv2")
    found = _gone_if_missing(elbv2.describe_listeners, ListenerArns=[req.import_id])["Listeners"]
    if not found:
        raise AlreadyGone(req.import_id)
    listener = found[0]
    _gone_if_missing(elbv2.delete_listener, ListenerArn=req.import_id)
    where = f"{listener.get('Protocol')}:{listener.get('Port')}"
    return DeleteOutcome(f"Deleted listener {where} with its rules; the load balancer no longer accepts traffic on "
                         "that port. Its target groups are kept.")


EXECUTORS = {
    "aws_lb": delete_lb,
    "aws_lb_target_group": delete_target_group,
    "aws_lb_listener": delete_listener,
}
