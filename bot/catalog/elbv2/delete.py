"""Deleting load balancers: refused while deletion protection is on; target groups are kept."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_lb(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    elbv2 = aws("elbv2")
    attributes = call(elbv2.describe_load_balancer_attributes, LoadBalancerArn=req.import_id)["Attributes"]
    protected = any(a["Key"] == "deletion_protection.enabled" and a["Value"] == "true" for a in attributes)
    if protected:
        raise DeleteRefused("the load balancer has deletion protection on; turn it off to delete it")
    call(elbv2.delete_load_balancer, LoadBalancerArn=req.import_id)
    return DeleteOutcome(f"Deleted load balancer {req.name or req.import_id}; its target groups are kept.")


EXECUTORS = {
    "aws_lb": delete_lb,
}
