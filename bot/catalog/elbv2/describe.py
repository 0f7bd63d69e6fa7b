"""Elastic Load Balancing v2: application, network and gateway load balancers (the import ID is the ARN)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _lb_args(lb: Mapping[str, Any], attributes: Mapping[str, str], tags: Mapping[str, str]) -> dict[str, Any]:
    kind = lb.get("Type") or "application"
    zones = lb.get("AvailabilityZones") or ()
    subnets = [z.get("SubnetId") for z in zones if isinstance(z, dict)] or lb.get("Subnets") or ()
    address_type = lb.get("IpAddressType")
    return {
        "name": lb.get("LoadBalancerName"),
        "internal": True if lb.get("Scheme") == "internal" else None,
        "load_balancer_type": kind if kind != "application" else None,
        "ip_address_type": address_type if address_type not in (None, "ipv4") else None,
        "subnets": sorted_strings(subnets),
        "security_groups": sorted_strings(lb.get("SecurityGroups")),
        "enable_deletion_protection": True if attributes.get("deletion_protection.enabled") == "true" else None,
        "tags": clean_tags(tags),
    }


def _describe_lb(clients: Clients, resource: Resource) -> Model:
    elbv2 = clients("elbv2")
    found = elbv2.describe_load_balancers(LoadBalancerArns=[resource.import_id])["LoadBalancers"]
    if not found:
        raise NotFound(f"load balancer {resource.import_id}")
    attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=resource.import_id).get("Attributes") or ()
    described = elbv2.describe_tags(ResourceArns=[resource.import_id]).get("TagDescriptions") or ()
    tags = pair_tags(dig(list(described), 0, "Tags"))
    return Model(args=_lb_args(found[0], {a["Key"]: a.get("Value", "") for a in attributes}, tags))


def _recase(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k[0].upper() + k[1:]: v for k, v in body.items() if k}


def _lb_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    response = _recase(dig(record.response, "loadBalancers", 0) or {}) if record is not None else {}
    lb = {**request, **response}
    lb["LoadBalancerName"] = response.get("LoadBalancerName") or request.get("Name") or resource.name
    lb["AvailabilityZones"] = [
        {"SubnetId": z.get("subnetId")} for z in response.get("AvailabilityZones") or () if isinstance(z, dict)
    ]
    return Model(args=_lb_args(lb, {}, resource.tags))


CODEGEN = (TypeCodegen("aws_lb", _describe_lb, _lb_from_event),)
