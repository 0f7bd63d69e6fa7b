"""Deleting Auto Scaling groups: refused while the group still runs instances (deleting it would terminate them
and the volumes they delete on termination); an empty group is deleted, its launch template is kept."""

from __future__ import annotations

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_group(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    autoscaling = aws("autoscaling")
    found = call(autoscaling.describe_auto_scaling_groups, AutoScalingGroupNames=[req.import_id])
    groups = found.get("AutoScalingGroups") or []
    # DescribeAutoScalingGroups answers an empty list for a name it does not know.
    if not groups or groups[0].get("Status") == "Delete in progress":
        raise AlreadyGone(req.import_id)
    group = groups[0]
    instances = len(group.get("Instances") or ())
    if instances or group.get("DesiredCapacity"):
        raise DeleteRefused(f"Auto Scaling group {req.import_id} still runs {instances} instance(s) (desired "
                            f"capacity {group.get('DesiredCapacity')}); set its minimum and desired capacity to 0 "
                            "and wait for them to terminate first")
    call(autoscaling.delete_auto_scaling_group, AutoScalingGroupName=req.import_id)
    return DeleteOutcome(f"Deleted Auto Scaling group {req.import_id}; its launch template is kept.")


EXECUTORS = {
    "aws_autoscaling_group": delete_group,
}
