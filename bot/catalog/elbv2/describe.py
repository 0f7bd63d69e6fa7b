"""Elastic Load Balancing v2: application, network and gateway load balancers, target groups and listeners (the
import ID of each is its ARN)."""

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


# aws_lb_target_group

# Target group attributes the provider manages as arguments: (argument, API key, the provider's default).
_TG_ATTRIBUTES: tuple[tuple[str, str, bool | int | str], ...] = (
    ("deregistration_delay", "deregistration_delay.timeout_seconds", "300"),
    ("slow_start", "slow_start.duration_seconds", 0),
    ("proxy_protocol_v2", "proxy_protocol_v2.enabled", False),
    ("lambda_multi_value_headers_enabled", "lambda.multi_value_headers.enabled", False),
    ("load_balancing_algorithm_type", "load_balancing.algorithm.type", "round_robin"),
)


def _health_check(group: Mapping[str, Any]) -> dict[str, Any] | None:
    """The health check as AWS reports it, every setting stated: the provider's defaults differ from AWS's own per
    protocol (3 healthy checks against AWS's 5), so a block that leaves one out would change it."""
    if group.get("TargetType") == "lambda" and not group.get("HealthCheckEnabled"):
        return None
    matcher = group.get("Matcher") or {}
    block = {
        "enabled": group.get("HealthCheckEnabled"),
        "healthy_threshold": group.get("HealthyThresholdCount"),
        "unhealthy_threshold": group.get("UnhealthyThresholdCount"),
        "interval": group.get("HealthCheckIntervalSeconds"),
        "timeout": group.get("HealthCheckTimeoutSeconds"),
        "protocol": group.get("HealthCheckProtocol"),
        "port": group.get("HealthCheckPort"),
        "path": group.get("HealthCheckPath") or None,
        "matcher": matcher.get("HttpCode") or matcher.get("GrpcCode") or None,
    }
    block = {k: v for k, v in block.items() if v is not None}
    return block or None


def _stickiness(attributes: Mapping[str, str]) -> dict[str, Any] | None:
    """Stickiness, only where it is on: the block is computed, so leaving it out keeps what AWS holds."""
    if attributes.get("stickiness.enabled") != "true":
        return None
    kind = attributes.get("stickiness.type") or "lb_cookie"
    duration_key = "stickiness.app_cookie.duration_seconds" if kind == "app_cookie" else \
        "stickiness.lb_cookie.duration_seconds"
    duration = attributes.get(duration_key)
    return {
        "type": kind,
        "enabled": True,
        "cookie_duration": int(duration) if duration and duration.isdigit() and kind != "source_ip" else None,
        "cookie_name": attributes.get("stickiness.app_cookie.cookie_name") or None if kind == "app_cookie" else None,
    }


def _target_group_args(group: Mapping[str, Any], attributes: Mapping[str, str],
                       tags: Mapping[str, str]) -> dict[str, Any]:
    kind = group.get("TargetType") or "instance"
    protocol = group.get("Protocol")
    version = group.get("ProtocolVersion")
    address_type = group.get("IpAddressType")
    args: dict[str, Any] = {
        "name": group.get("TargetGroupName"),
        "target_type": kind if kind != "instance" else None,
        "port": group.get("Port") if kind != "lambda" else None,
        "protocol": protocol if kind != "lambda" else None,
        "protocol_version": version if protocol in ("HTTP", "HTTPS") and version not in (None, "HTTP1") else None,
        "ip_address_type": address_type if address_type not in (None, "ipv4") else None,
        "vpc_id": group.get("VpcId") if kind != "lambda" else None,
    }
    for name, key, default in _TG_ATTRIBUTES:
        raw = attributes.get(key)
        if raw is None:
            continue
        value = _typed(str(raw), default)
        args[name] = value if value != default else None
    args["health_check"] = _health_check(group)
    args["stickiness"] = _stickiness(attributes)
    args["tags"] = clean_tags(tags)
    return args


def _describe_target_group(clients: Clients, resource: Resource) -> Model:
    elbv2 = clients("elbv2")
    found = elbv2.describe_target_groups(TargetGroupArns=[resource.import_id])["TargetGroups"]
    if not found:
        raise NotFound(f"target group {resource.import_id}")
    attributes = elbv2.describe_target_group_attributes(TargetGroupArn=resource.import_id).get("Attributes") or ()
    described = elbv2.describe_tags(ResourceArns=[resource.import_id]).get("TagDescriptions") or ()
    tags = pair_tags(dig(list(described), 0, "Tags"))
    return Model(args=_target_group_args(found[0], {a["Key"]: str(a.get("Value", "")) for a in attributes}, tags))


def _target_group_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    response = {}
    if record is not None:
        groups = record.response.get("targetGroups") or record.response.get("TargetGroups") or ()
        response = _recase(groups[0]) if isinstance(groups, list) and groups and isinstance(groups[0], dict) else {}
    group = {**request, **response}
    group["TargetGroupName"] = response.get("TargetGroupName") or request.get("Name") or resource.name
    matcher = group.get("Matcher")
    group["Matcher"] = _recase(matcher) if isinstance(matcher, dict) else {}
    args = _target_group_args(group, {}, resource.tags)
    # The record holds only the health check settings the person changed; AWS chose the rest.
    args["health_check"] = None
    return Model(args=args)


# aws_lb_listener


def _forward(action: Mapping[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    """A forward action: one target group as target_group_arn, several (weighted) as a forward block."""
    config = action.get("ForwardConfig") or {}
    groups = [g for g in config.get("TargetGroups") or () if isinstance(g, dict) and g.get("TargetGroupArn")]
    if action.get("TargetGroupArn") or len(groups) == 1:
        return action.get("TargetGroupArn") or groups[0]["TargetGroupArn"], None
    stickiness = config.get("TargetGroupStickinessConfig") or {}
    block: dict[str, Any] = {
        "target_groups": [{"arn": g["TargetGroupArn"], "weight": g.get("Weight")} for g in groups],
        "stickiness": {"enabled": True, "duration": stickiness.get("DurationSeconds")}
        if stickiness.get("Enabled") else None,
    }
    return None, block


def _action(action: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """One default action, and a note where it holds what the code cannot state (an identity provider's secret)."""
    kind = action.get("Type")
    out: dict[str, Any] = {"type": kind}
    note = None
    if kind == "forward":
        out["target_group_arn"], out["forward"] = _forward(action)
    elif kind == "redirect":
        redirect = action.get("RedirectConfig") or {}
        out["redirect"] = {
            "status_code": redirect.get("StatusCode"),
            "protocol": redirect.get("Protocol"),
            "host": redirect.get("Host"),
            "port": redirect.get("Port"),
            "path": redirect.get("Path"),
            "query": redirect.get("Query"),
        }
    elif kind == "fixed-response":
        response = action.get("FixedResponseConfig") or {}
        out["fixed_response"] = {
            "content_type": response.get("ContentType"),
            "message_body": response.get("MessageBody") or None,
            "status_code": response.get("StatusCode"),
        }
    else:
        note = (f"The listener's {kind} action signs people in through an identity provider; its settings (and the "
                "OIDC client secret) are not written here: add the action's block before planning.")
    return out, note


def _listener_args(listener: Mapping[str, Any], tags: Mapping[str, str]) -> tuple[dict[str, Any], tuple[str, ...]]:
    actions, notes = [], []
    for action in sorted(listener.get("DefaultActions") or (), key=lambda a: a.get("Order") or 0):
        if isinstance(action, dict):
            block, note = _action(action)
            actions.append(block)
            if note:
                notes.append(note)
    certificates = [c.get("CertificateArn") for c in listener.get("Certificates") or () if isinstance(c, dict)]
    alpn = listener.get("AlpnPolicy") or ()
    args = {
        "load_balancer_arn": listener.get("LoadBalancerArn"),
        "port": listener.get("Port"),
        "protocol": listener.get("Protocol"),
        "ssl_policy": listener.get("SslPolicy") or None,
        "certificate_arn": next((c for c in certificates if c), None),
        "alpn_policy": alpn[0] if alpn and alpn[0] != "None" else None,
        "default_actions": actions,
        "tags": clean_tags(tags),
    }
    return args, tuple(notes)


def _describe_listener(clients: Clients, resource: Resource) -> Model:
    elbv2 = clients("elbv2")
    found = elbv2.describe_listeners(ListenerArns=[resource.import_id])["Listeners"]
    if not found:
        raise NotFound(f"listener {resource.import_id}")
    described = elbv2.describe_tags(ResourceArns=[resource.import_id]).get("TagDescriptions") or ()
    args, notes = _listener_args(found[0], pair_tags(dig(list(described), 0, "Tags")))
    return Model(args=args, notes=notes)


def _deep_recase(value: Any) -> Any:
    if isinstance(value, dict):
        return {k[0].upper() + k[1:]: _deep_recase(v) for k, v in value.items() if k}
    if isinstance(value, list):
        return [_deep_recase(v) for v in value]
    return value


def _listener_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _deep_recase(dict(record.request)) if record is not None else {}
    response: dict[str, Any] = {}
    if record is not None:
        listeners = record.response.get("listeners") or record.response.get("Listeners") or ()
        if isinstance(listeners, list) and listeners and isinstance(listeners[0], dict):
            response = _deep_recase(listeners[0])
    args, notes = _listener_args({**request, **response}, resource.tags)
    return Model(args=args, notes=notes)


CODEGEN = (
    TypeCodegen("aws_lb", _describe_lb, _lb_from_event),
    TypeCodegen("aws_lb_target_group", _describe_target_group, _target_group_from_event),
    TypeCodegen("aws_lb_listener", _describe_listener, _listener_from_event),
)
