"""Deleting Classic Load Balancers: the instances behind one are kept, and so are its access logs in S3."""

from __future__ import annotations

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_elb(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    elb = aws("elb")
    # LoadBalancerNotFound, the API's answer for an unknown name, means gone (call()).
    found = call(elb.describe_load_balancers, LoadBalancerNames=[req.import_id])["LoadBalancerDescriptions"]
    if not found:
        raise AlreadyGone(req.import_id)
    instances = len(found[0].get("Instances") or ())
    # DeleteLoadBalancer answers success for a name that does not exist, so the describe above decides "gone".
    call(elb.delete_load_balancer, LoadBalancerName=req.import_id)
    kept = f"; the {instances} instance(s) registered with it keep running" if instances else ""
    return DeleteOutcome(f"Deleted Classic Load Balancer {req.import_id}{kept}.")


EXECUTORS = {
    "aws_elb": delete_elb,
}
