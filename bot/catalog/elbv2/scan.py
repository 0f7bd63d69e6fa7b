"""Elastic Load Balancing v2: every Application, Network and Gateway Load Balancer of the region, every target
group, and the listeners of every load balancer; load balancers and target groups with their tags (read in
batches)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

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
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(arns), _TAGS_PER_CALL):
        batch = arns[start : start + _TAGS_PER_CALL]
        try:
            descriptions = elbv2.describe_tags(ResourceArns=batch)["TagDescriptions"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in _NOT_FOUND:
                raise
            if len(batch) > 1:  # one of the batch went since the listing: ask for each alone to learn which
                for arn in batch:
                    found.update(_tags(elbv2, [arn]))
            continue
        for description in descriptions:
            found[description["ResourceArn"]] = tags_from_pairs(description.get("Tags"), "Key", "Value")
    return found


def _kubernetes_made(tags: Mapping[str, str]) -> bool:
    return any(key in tags for key in KUBERNETES_TAGS)


def _described_load_balancers(elbv2: Any) -> tuple[list[Mapping[str, Any]], dict[str, dict[str, str]]]:
    """The load balancers people made (not Kubernetes, not deleted since the listing), and the tags of each."""
    described = [lb for page in elbv2.get_paginator("describe_load_balancers").paginate()
                 for lb in page.get("LoadBalancers", [])]
    tags = _tags(elbv2, [lb["LoadBalancerArn"] for lb in described])
    kept = [lb for lb in described
            if lb["LoadBalancerArn"] in tags and not _kubernetes_made(tags[lb["LoadBalancerArn"]])]
    return kept, tags


def _load_balancers(scope: ScanScope) -> Iterator[Listed]:
    load_balancers, tags = _described_load_balancers(scope.clients("elbv2"))
    for lb in load_balancers:
        arn = lb["LoadBalancerArn"]
        facts = [(label, lb[key]) for label, key in (("type", "Type"), ("scheme", "Scheme")) if text(lb.get(key))]
        state = text((lb.get("State") or {}).get("Code"))
        if state and state != "active":
            facts.append(("state", state))
        yield Listed(
            import_id=arn,
            name=name_tag(tags[arn]) or text(lb.get("LoadBalancerName")) or arn,
            arn=arn,
            console_url=_load_balancer_console(scope.region, arn),
            tags=tags[arn],
            facts=tuple(facts),
        )


def _target_groups(scope: ScanScope) -> Iterator[Listed]:
    elbv2 = scope.clients("elbv2")
    groups = [group for page in elbv2.get_paginator("describe_target_groups").paginate()
              for group in page.get("TargetGroups", [])]
    tags = _tags(elbv2, [group["TargetGroupArn"] for group in groups])
    for group in groups:
        arn = group["TargetGroupArn"]
        if arn not in tags or _kubernetes_made(tags[arn]):
            continue
        yield Listed(
            import_id=arn,
            name=name_tag(tags[arn]) or text(group.get("TargetGroupName")) or arn,
            arn=arn,
            console_url=_target_group_console(scope.region, arn),
            tags=tags[arn],
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
    load_balancers, _ = _described_load_balancers(elbv2)
    for lb in load_balancers:
        lb_arn = lb["LoadBalancerArn"]
        try:
            pages = list(elbv2.get_paginator("describe_listeners").paginate(LoadBalancerArn=lb_arn))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "LoadBalancerNotFound":
                continue  # deleted since the listing
            raise
        for listener in (listener for page in pages for listener in page.get("Listeners", [])):
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
