"""Classic Load Balancers: listeners, health check, network placement and the attributes the provider manages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, items, pair_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

# The provider's defaults, left out of the code where AWS holds the same.
_CROSS_ZONE = True
_IDLE_TIMEOUT = 60
_DRAINING_TIMEOUT = 300
_DESYNC = "defensive"


def _get(body: Any, name: str) -> Any:
    """A field in the API's PascalCase or CloudTrail's camelCase."""
    if not isinstance(body, Mapping):
        return None
    value = body.get(name)
    return value if value is not None else body.get(name[0].lower() + name[1:])


def _listener(listener: Mapping[str, Any]) -> dict[str, Any]:
    port = _get(listener, "LoadBalancerPort")
    return {
        "lb_port": port,
        "lb_protocol": _get(listener, "Protocol"),
        "instance_port": _get(listener, "InstancePort"),
        "instance_protocol": _get(listener, "InstanceProtocol") or _get(listener, "Protocol"),
        # CloudTrail's camelCase of SSLCertificateId is sSLCertificateId, which _get reads too.
        "ssl_certificate_id": _get(listener, "SSLCertificateId") or None,
    }


def _attribute_args(attributes: Mapping[str, Any]) -> dict[str, Any]:
    cross_zone = dig(attributes, "CrossZoneLoadBalancing", "Enabled")
    idle = dig(attributes, "ConnectionSettings", "IdleTimeout")
    draining = attributes.get("ConnectionDraining") or {}
    logs = attributes.get("AccessLog") or {}
    additional = {a.get("Key"): a.get("Value") for a in attributes.get("AdditionalAttributes") or ()}
    desync = additional.get("elb.http.desyncmitigationmode")
    return {
        "cross_zone_load_balancing": cross_zone if cross_zone is not None and cross_zone != _CROSS_ZONE else None,
        "idle_timeout": idle if idle is not None and idle != _IDLE_TIMEOUT else None,
        "connection_draining": True if draining.get("Enabled") else None,
        "connection_draining_timeout": draining.get("Timeout")
        if draining.get("Enabled") and draining.get("Timeout") not in (None, _DRAINING_TIMEOUT) else None,
        "desync_mitigation_mode": desync if desync and desync != _DESYNC else None,
        "access_logs": {
            "bucket": logs.get("S3BucketName"),
            "bucket_prefix": logs.get("S3BucketPrefix") or None,
            "interval": logs.get("EmitInterval"),
            "enabled": True,
        } if logs.get("Enabled") and logs.get("S3BucketName") else None,
    }


def _health_check(check: Any) -> dict[str, Any] | None:
    if not isinstance(check, Mapping) or not _get(check, "Target"):
        return None
    return {
        "target": _get(check, "Target"),
        "healthy_threshold": _get(check, "HealthyThreshold"),
        "unhealthy_threshold": _get(check, "UnhealthyThreshold"),
        "interval": _get(check, "Interval"),
        "timeout": _get(check, "Timeout"),
    }


def _args(lb: Mapping[str, Any], attributes: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    subnets = sorted_strings(_get(lb, "Subnets"))
    listeners = []
    for described in items(_get(lb, "ListenerDescriptions")) or items(_get(lb, "Listeners")):
        listener = _get(described, "Listener") if _get(described, "Listener") is not None else described
        if isinstance(listener, Mapping):
            listeners.append(_listener(listener))
    return {
        "name": _get(lb, "LoadBalancerName"),
        "internal": True if _get(lb, "Scheme") == "internal" else None,
        # In a VPC the subnets place it; the zones follow from them (and the provider reads them back computed).
        "availability_zones": [] if subnets else sorted_strings(_get(lb, "AvailabilityZones")),
        "subnets": subnets,
        "security_groups": sorted_strings(_get(lb, "SecurityGroups")),
        "listeners": sorted(listeners, key=lambda item: (item["lb_port"] or 0, str(item["lb_protocol"]))),
        "health_check": _health_check(_get(lb, "HealthCheck")),
        **_attribute_args(attributes),
        "tags": clean_tags(tags),
    }


def _describe_elb(clients: Clients, resource: Resource) -> Model:
    elb = clients("elb")
    found = elb.describe_load_balancers(LoadBalancerNames=[resource.import_id])["LoadBalancerDescriptions"]
    if not found:
        raise NotFound(f"Classic Load Balancer {resource.import_id}")
    attributes = elb.describe_load_balancer_attributes(LoadBalancerName=resource.import_id)
    described = elb.describe_tags(LoadBalancerNames=[resource.import_id]).get("TagDescriptions") or ()
    tags = pair_tags(dig(list(described), 0, "Tags"))
    return Model(args=_args(found[0], attributes.get("LoadBalancerAttributes") or {}, tags))


def _elb_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request: Mapping[str, Any] = record.request if record is not None else {}
    wrapped = _get(request, "CreateLoadBalancerRequest")
    if isinstance(wrapped, Mapping):
        request = wrapped
    lb = {**request, "LoadBalancerName": resource.import_id}
    return Model(args=_args(lb, {}, resource.tags))


CODEGEN = (TypeCodegen("aws_elb", _describe_elb, _elb_from_event),)
