"""Auto Scaling groups: size, launch template, placement, health checks and tags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import sorted_strings
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

# The provider's defaults (and AWS's), left out of the code.
_COOLDOWN = 300
_GRACE = 300
_HEALTH_CHECK = "EC2"
_TERMINATION = ["Default"]
_GRANULARITY = "1Minute"


def _get(body: Any, *names: str) -> Any:
    """The first of a field's spellings: the API's PascalCase, CloudTrail's camelCase (vPCZoneIdentifier)."""
    if not isinstance(body, Mapping):
        return None
    for name in names:
        for key in (name, name[0].lower() + name[1:]):
            if body.get(key) is not None:
                return body[key]
    return None


def _launch_template(spec: Any) -> dict[str, Any] | None:
    if not isinstance(spec, Mapping):
        return None
    template_id = _get(spec, "LaunchTemplateId")
    return {
        "id": template_id,
        "name": None if template_id else _get(spec, "LaunchTemplateName"),
        "version": _get(spec, "Version"),
    }


def _tags(tags: Any) -> list[dict[str, Any]]:
    out = []
    for tag in tags or ():
        key = _get(tag, "Key")
        if isinstance(key, str) and not key.lower().startswith("aws:"):
            out.append({"key": key, "value": str(_get(tag, "Value") or ""),
                        "propagate_at_launch": bool(_get(tag, "PropagateAtLaunch"))})
    return sorted(out, key=lambda t: t["key"])


def _args(group: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    subnets = sorted_strings(str(_get(group, "VPCZoneIdentifier") or "").split(","))
    termination = list(_get(group, "TerminationPolicies") or ()) or _TERMINATION
    cooldown = _get(group, "DefaultCooldown")
    grace = _get(group, "HealthCheckGracePeriod")
    health = _get(group, "HealthCheckType")
    lifetime = _get(group, "MaxInstanceLifetime")
    metrics = sorted_strings(_get(m, "Metric") for m in _get(group, "EnabledMetrics") or ())
    granularity = next((_get(m, "Granularity") for m in _get(group, "EnabledMetrics") or ()), None)
    notes: tuple[str, ...] = ()
    if _get(group, "MixedInstancesPolicy"):
        notes = ("The group launches from a mixed instances policy, which is not written here: add the "
                 "mixed_instances_policy block before planning.",)
    args = {
        "name": _get(group, "AutoScalingGroupName"),
        "min_size": _get(group, "MinSize"),
        "max_size": _get(group, "MaxSize"),
        "desired_capacity": _get(group, "DesiredCapacity"),
        "launch_configuration": _get(group, "LaunchConfigurationName"),
        "launch_template": _launch_template(_get(group, "LaunchTemplate")),
        # In a VPC the subnets place it; the zones follow from them.
        "vpc_zone_identifier": subnets,
        "availability_zones": [] if subnets else sorted_strings(_get(group, "AvailabilityZones")),
        "target_group_arns": sorted_strings(_get(group, "TargetGroupARNs", "TargetGroupArns")),
        "load_balancers": sorted_strings(_get(group, "LoadBalancerNames")),
        "health_check_type": health if health and health != _HEALTH_CHECK else None,
        "health_check_grace_period": grace if grace is not None and grace != _GRACE else None,
        "default_cooldown": cooldown if cooldown is not None and cooldown != _COOLDOWN else None,
        "default_instance_warmup": _get(group, "DefaultInstanceWarmup"),
        "termination_policies": termination if termination != _TERMINATION else [],
        "max_instance_lifetime": lifetime or None,
        "capacity_rebalance": True if _get(group, "CapacityRebalance") else None,
        "protect_from_scale_in": True if _get(group, "NewInstancesProtectedFromScaleIn") else None,
        "placement_group": _get(group, "PlacementGroup"),
        "suspended_processes": sorted_strings(_get(p, "ProcessName") for p in _get(group, "SuspendedProcesses") or ()),
        "enabled_metrics": metrics,
        "metrics_granularity": granularity if metrics and granularity != _GRANULARITY else None,
        "tags": _tags(_get(group, "Tags")),
    }
    return args, notes


def _describe_group(clients: Clients, resource: Resource) -> Model:
    found = clients("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[resource.import_id])["AutoScalingGroups"]
    if not found or found[0].get("Status") == "Delete in progress":
        raise NotFound(f"Auto Scaling group {resource.import_id}")
    args, notes = _args(found[0])
    return Model(args=args, notes=notes)


def _group_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request: Mapping[str, Any] = record.request if record is not None else {}
    wrapped = _get(request, "CreateAutoScalingGroupRequest")
    if isinstance(wrapped, Mapping):
        request = wrapped
    group = {**request, "AutoScalingGroupName": resource.import_id}
    tags = _get(request, "Tags")
    if isinstance(tags, Mapping):  # {"member": [...]} in the XML-derived shape
        group["Tags"] = tags.get("member") or tags.get("items") or []
    args, notes = _args(group)
    return Model(args=args, notes=notes)


CODEGEN = (TypeCodegen("aws_autoscaling_group", _describe_group, _group_from_event),)
