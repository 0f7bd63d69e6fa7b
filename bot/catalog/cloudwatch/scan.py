"""Amazon CloudWatch: every metric alarm of the region, less the alarms AWS services make for themselves."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, text
from bot.catalog.cloudwatch import _alarm_console

# A target tracking scaling policy (EC2 Auto Scaling, and Application Auto Scaling's: DynamoDB tables and indexes,
# ECS services, Aurora replicas, Lambda provisioned concurrency...) makes and deletes its own alarms, named
# TargetTracking-<resource>-AlarmHigh-<uuid> (AlarmLow, ProvisionedCapacityHigh...) and described "DO NOT EDIT OR
# DELETE. For TargetTrackingScaling policy <arn>". DynamoDB's auto scaling is such a policy, so its alarms are these.
# The scaling service makes them through its service-linked role, which the event path never reports either.
TARGET_TRACKING_PREFIX = "TargetTracking-"
TARGET_TRACKING_DESCRIPTION = "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy"


def aws_made(alarm: Mapping[str, Any]) -> bool:
    """Whether a scaling policy made this alarm for itself."""
    return text(alarm.get("AlarmName")).startswith(TARGET_TRACKING_PREFIX) or text(
        alarm.get("AlarmDescription")).startswith(TARGET_TRACKING_DESCRIPTION)


def _alarms(scope: ScanScope) -> Iterator[Listed]:
    # Composite alarms are another Terraform type (aws_cloudwatch_composite_alarm).
    for alarm in paged(scope.clients("cloudwatch"), "describe_alarms", "MetricAlarms", AlarmTypes=["MetricAlarm"]):
        if aws_made(alarm):
            continue
        name = alarm["AlarmName"]
        yield Listed(
            import_id=name,
            name=name,
            arn=text(alarm.get("AlarmArn")) or scope.arn("cloudwatch", f"alarm:{name}"),
            console_url=_alarm_console(scope.region, name),
            facts=_facts(alarm),
        )


def _facts(alarm: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    metric = " ".join(p for p in (text(alarm.get("Namespace")), text(alarm.get("MetricName"))) if p)
    if metric:
        facts.append(("metric", metric))
    elif alarm.get("Metrics"):
        facts.append(("metric", "metric math"))
    # INSUFFICIENT_DATA for long often means what it watches is gone.
    if text(alarm.get("StateValue")):
        facts.append(("state", alarm["StateValue"]))
    return tuple(facts)


LISTERS = {
    "aws_cloudwatch_metric_alarm": Lister(("cloudwatch:DescribeAlarms",), _alarms),
}
