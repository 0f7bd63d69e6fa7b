"""Elastic Load Balancing v2: every Application, Network and Gateway Load Balancer of the region, every target
group, and the listeners of every load balancer; load balancers and target groups with their tags (read in
batches)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import in_batches, paged, paged_unless_gone
from bot.catalog.base import Listed, Lister, ScanScope, name_tag, tags_from_pairs, text
from bot.catalog.elbv2 import _listener_console, _listener_label, _load_balancer_console, _target_group_console

# DescribeTags takes up to 20 ARNs a call.
_TAGS_PER_CALL = 20
# What DescribeTags answers when one of the ARNs it was given is gone.
_NOT_FOUND = frozenset({"LoadBalancerNotFound", "TargetGroupNotFound"})
# Tags Kubernetes puts on the load balancers and target groups it makes for a Service or an Ingress (the AWS Load
# Balancer Controller, EKS Auto Mode's included: elbv2.k8s.aws/cluster; the in-tree cloud provider's Network Load
# Balancers: kubernetes.io/service-name). The cluster manages those, as a stack manages its resources: nobody made
# them by hand, and adopting or deleting one would fight the controller. Their listeners are left out with them.
KUBERNETES_TAGS = ("elbv2.k8s.aws/cluster", "kubernetes.io/service-name")


def _tags(elbv2: Any, arns: list[str]) -> dict[str, dict[str, str]]:
    """Each resource's tags by ARN, 20 ARNs a call; an ARN deleted since the listing is left out."""
    descriptions = in_batches(elbv2.describe_tags, arns, param="ResourceArns", key="TagDescriptions",
                              per_call=_TAGS_PER_CALL, gone=_NOT_FOUND)
    return {d["ResourceArn"]: tags_from_pairs(d.get("Tags"), "Key", "Value") for d in descriptions}


def _kubernetes_made(tags: Mapping[str, str]) -> bool:
    return any(key in tags for key in KUBERNETES_TAGS)


def _tagged(elbv2: Any, operation: str, key: str, arn_key: str) -> list[tuple[Mapping[str, Any], dict[str, str]]]:
    """What a describe call lists that people made (not Kubernetes, not deleted since the listing), each with its
    tags."""
    described = list(paged(elbv2, operation, key))
    tags = _tags(elbv2, [item[arn_key] for item in described])
    return [(item, tags[item[arn_key]]) for item in described
            if item[arn_key] in tags and not _kubernetes_made(tags[item[arn_key]])]


def _described_load_balancers(elbv2: Any) -> list[tuple[Mapping[str, Any], dict[str, str]]]:
    """The load balancers people made, each with its tags."""
    return _tagged(elbv2, "describe_load_balancers", "LoadBalancers", "LoadBalancerArn")


def _load_balancers(scope: ScanScope) -> Iterator[Listed]:
    for lb, tags in _described_load_balancers(scope.clients("elbv2")):
        arn = lb["LoadBalancerArn"]
        facts = [(label, lb[key]) for label, key in (("type", "Type"), ("scheme", "Scheme")) if text(lb.get(key))]
        state = text((lb.get("State") or {}).get("Code"))
        if state and state != "active":
            facts.append(("state", state))
        yield Listed(
            import_id=arn,
            name=name_tag(tags) or text(lb.get("LoadBalancerName")) or arn,
            arn=arn,
            console_url=_load_balancer_console(scope.region, arn),
            tags=tags,
            facts=tuple(facts),
        )


def _target_groups(scope: ScanScope) -> Iterator[Listed]:
    for group, tags in _tagged(scope.clients("elbv2"), "describe_target_groups", "TargetGroups", "TargetGroupArn"):
        arn = group["TargetGroupArn"]
        yield Listed(
            import_id=arn,
            name=name_tag(tags) or text(group.get("TargetGroupName")) or arn,
            arn=arn,
            console_url=_target_group_console(scope.region, arn),
            tags=tags,
            facts=_target_group_facts(group),
        )


def _target_group_facts(group: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    if text(group.get("TargetType")):
        facts.append(("target type", group["TargetType"]))
    protocol, port = text(group.get("Protocol")), group.get("Port")
    if protocol or port:
        facts.append(("protocol", f"{protocol}:{port}" if protocol and port else protocol or str(port)))
    # A target group no load balancer forwards to receives nothing.
    facts.append(("load balancers", str(len(group.get("LoadBalancerArns") or []))))
    return tuple(facts)


def _listeners(scope: ScanScope) -> Iterator[Listed]:
    elbv2 = scope.clients("elbv2")
    for lb, _ in _described_load_balancers(elbv2):
        lb_arn = lb["LoadBalancerArn"]
        listeners = paged_unless_gone(elbv2, "describe_listeners", "Listeners", gone="LoadBalancerNotFound",
                                      LoadBalancerArn=lb_arn)
        if listeners is None:
            continue  # deleted since the listing
        for listener in listeners:
            arn = listener["ListenerArn"]
            protocol, port = text(listener.get("Protocol")), listener.get("Port")
            facts = []
            if protocol or port:
                facts.append(("protocol", f"{protocol}:{port}" if protocol and port else protocol or str(port)))
            action = text(((listener.get("DefaultActions") or [{}])[0]).get("Type"))
            if action:
                facts.append(("default action", action))
            yield Listed(
                import_id=arn,
                name=_listener_label(arn, protocol, port) or arn,
                arn=arn,
                console_url=_listener_console(scope.region, arn, text(listener.get("LoadBalancerArn")) or lb_arn),
                facts=tuple(facts),
            )


_DESCRIBE = "elasticloadbalancing:DescribeLoadBalancers"
_TAGS = "elasticloadbalancing:DescribeTags"
LISTERS = {
    "aws_lb": Lister((_DESCRIBE, _TAGS), _load_balancers),
    "aws_lb_target_group": Lister(("elasticloadbalancing:DescribeTargetGroups", _TAGS), _target_groups),
    "aws_lb_listener": Lister((_DESCRIBE, _TAGS, "elasticloadbalancing:DescribeListeners"), _listeners),
}
