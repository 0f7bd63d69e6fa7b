"""Elastic Load Balancing: every Classic Load Balancer of the region, with its tags (read in batches)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import in_batches, paged
from bot.catalog.base import Listed, Lister, ScanScope, name_tag, tags_from_pairs, text
from bot.catalog.elb import _console

# DescribeTags takes up to 20 load balancer names a call.
_TAGS_PER_CALL = 20
# Tags Kubernetes puts on the load balancers it makes for a Service of type LoadBalancer (the in-tree cloud
# provider: kubernetes.io/service-name; the AWS Load Balancer Controller, EKS Auto Mode's included:
# elbv2.k8s.aws/cluster). The cluster manages those, as a stack manages its resources: nobody made them by hand, and
# adopting or deleting one would fight the controller.
KUBERNETES_TAGS = ("kubernetes.io/service-name", "elbv2.k8s.aws/cluster")


def _load_balancers(scope: ScanScope) -> Iterator[Listed]:
    elb = scope.clients("elb")
    described = list(paged(elb, "describe_load_balancers", "LoadBalancerDescriptions"))
    tags = _tags(elb, [lb["LoadBalancerName"] for lb in described])
    for lb in described:
        name = lb["LoadBalancerName"]
        if name not in tags:
            continue  # deleted since the listing
        if any(key in tags[name] for key in KUBERNETES_TAGS):
            continue
        yield Listed(
            import_id=name,
            name=name_tag(tags[name]) or name,
            arn=scope.arn("elasticloadbalancing", f"loadbalancer/{name}"),
            console_url=_console(scope.region, name),
            tags=tags[name],
            facts=_facts(lb),
        )


def _tags(elb: Any, names: list[str]) -> dict[str, dict[str, str]]:
    """Each load balancer's tags by name, 20 names a call; a name deleted since the listing is left out."""
    descriptions = in_batches(elb.describe_tags, names, param="LoadBalancerNames", key="TagDescriptions",
                              per_call=_TAGS_PER_CALL, gone=("LoadBalancerNotFound",))
    return {d["LoadBalancerName"]: tags_from_pairs(d.get("Tags"), "Key", "Value") for d in descriptions}


def _facts(lb: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    if text(lb.get("Scheme")):
        facts.append(("scheme", lb["Scheme"]))
    facts.append(("instances", str(len(lb.get("Instances") or []))))
    listeners = [item.get("Listener") or {} for item in lb.get("ListenerDescriptions") or []]
    ports = [f"{listener['Protocol']}:{listener['LoadBalancerPort']}" for listener in listeners
             if listener.get("Protocol") and listener.get("LoadBalancerPort")]
    if ports:
        facts.append(("listeners", ", ".join(ports)))
    return tuple(facts)


LISTERS = {
    "aws_elb": Lister(("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTags"),
                      _load_balancers),
}
