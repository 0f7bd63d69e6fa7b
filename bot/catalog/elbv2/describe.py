"""Elastic Load Balancing v2: application, network and gateway load balancers (the import ID is the ARN)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_APP, _NET, _GW = "application", "network", "gateway"
# Each load balancer attribute the provider manages: its argument, the API key, the argument's default (what
# AWS also starts a new load balancer with) and the load balancer types it applies to. An attribute is written
# only where AWS reports a value other than the default, so the code states what was changed by hand.
_ATTRIBUTES: tuple[tuple[str, str, bool | int | str, tuple[str, ...]], ...] = (
    ("enable_deletion_protection", "deletion_protection.enabled", False, (_APP, _NET, _GW)),
    ("idle_timeout", "idle_timeout.timeout_seconds", 60, (_APP,)),
    ("client_keep_alive", "client_keep_alive.seconds", 3600, (_APP,)),
    ("enable_http2", "routing.http2.enabled", True, (_APP,)),
    ("drop_invalid_header_fields", "routing.http.drop_invalid_header_fields.enabled", False, (_APP,)),
    ("desync_mitigation_mode", "routing.http.desync_mitigation_mode", "defensive", (_APP,)),
    ("preserve_host_header", "routing.http.preserve_host_header.enabled", False, (_APP,)),
    ("xff_header_processing_mode", "routing.http.xff_header_processing.mode", "append", (_APP,)),
    ("enable_xff_client_port", "routing.http.xff_client_port.enabled", False, (_APP,)),
    ("enable_tls_version_and_cipher_suite_headers", "routing.http.x_amzn_tls_version_and_cipher_suite.enabled", False,
     (_APP,)),
    ("enable_waf_fail_open", "waf.fail_open.enabled", False, (_APP,)),
    ("enable_zonal_shift", "zonal_shift.config.enabled", False, (_APP, _NET)),
    # Always on for an Application Load Balancer, where the provider neither reads nor sets it.
    ("enable_cross_zone_load_balancing", "load_balancing.cross_zone.enabled", False, (_NET, _GW)),
    ("dns_record_client_routing_policy", "dns_record.client_routing_policy", "any_availability_zone", (_NET,)),
)
# S3 logs, as blocks: (argument, attribute prefix, load balancer types).
_LOGS = (("access_logs", "access_logs.s3", (_APP, _NET)), ("connection_logs", "connection_logs.s3", (_APP,)))


def _typed(raw: str, default: bool | int | str) -> bool | int | str | None:
    if isinstance(default, bool):
        return raw.lower() == "true"
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            return None
    return raw


def _attribute_args(kind: str, attributes: Mapping[str, str]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for name, key, default, kinds in _ATTRIBUTES:
        raw = attributes.get(key)
        if kind in kinds and raw is not None:
            value = _typed(raw, default)
            args[name] = value if value != default else None
    for name, prefix, kinds in _LOGS:
        bucket = attributes.get(f"{prefix}.bucket")
        if kind in kinds and attributes.get(f"{prefix}.enabled") == "true" and bucket:
            args[name] = {"bucket": bucket, "prefix": attributes.get(f"{prefix}.prefix") or None, "enabled": True}
    return args


def _lb_args(lb: Mapping[str, Any], attributes: Mapping[str, str], tags: Mapping[str, str]) -> dict[str, Any]:
    kind = lb.get("Type") or _APP
    zones = lb.get("AvailabilityZones") or ()
    subnets = [z.get("SubnetId") for z in zones if isinstance(z, dict)] or lb.get("Subnets") or ()
    address_type = lb.get("IpAddressType")
    return {
        "name": lb.get("LoadBalancerName"),
        "internal": True if lb.get("Scheme") == "internal" else None,
        "load_balancer_type": kind if kind != _APP else None,
        "ip_address_type": address_type if address_type not in (None, "ipv4") else None,
        "subnets": sorted_strings(subnets),
        "security_groups": sorted_strings(lb.get("SecurityGroups")),
        **_attribute_args(kind, attributes),
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
