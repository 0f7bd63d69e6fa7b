"""Amazon EC2 Auto Scaling: every Auto Scaling group of the region, with its tags."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.autoscaling import _group_console
from bot.catalog.base import Listed, Lister, ScanScope, name_tag, tags_from_pairs, text

# EKS makes an Auto Scaling group for every managed node group, and tags it with the node group's name: EKS manages
# it (an edit by hand is undone on the node group's next update), nobody made it by hand.
EKS_NODEGROUP_TAG = "eks:nodegroup-name"
# A group being deleted is not there to adopt.
_DELETING = "Delete in progress"


def _groups(scope: ScanScope) -> Iterator[Listed]:
    for group in paged(scope.clients("autoscaling"), "describe_auto_scaling_groups", "AutoScalingGroups"):
        tags = tags_from_pairs(group.get("Tags"), "Key", "Value")
        if group.get("Status") == _DELETING or EKS_NODEGROUP_TAG in tags:
            continue
        name = group["AutoScalingGroupName"]
        yield Listed(
            import_id=name,
            name=name_tag(tags) or name,
            arn=text(group.get("AutoScalingGroupARN")),
            console_url=_group_console(scope.region, name),
            tags=tags,
            facts=_facts(group),
        )


def _facts(group: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return (
        ("desired capacity", str(group.get("DesiredCapacity", 0))),
        ("min size", str(group.get("MinSize", 0))),
        ("max size", str(group.get("MaxSize", 0))),
        ("instances", str(len(group.get("Instances") or []))),
    )


LISTERS = {
    "aws_autoscaling_group": Lister(("autoscaling:DescribeAutoScalingGroups",), _groups),
}
