"""CloudWatch metric alarms: the metric (or metric math) watched, the threshold, and the actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_TREAT_MISSING = "missing"


def _get(body: Any, name: str) -> Any:
    """A field in the API's PascalCase or CloudTrail's camelCase."""
    if not isinstance(body, Mapping):
        return None
    value = body.get(name)
    return value if value is not None else body.get(name[0].lower() + name[1:])


def _dimensions(dimensions: Any) -> dict[str, str]:
    if isinstance(dimensions, Mapping):  # {"member": [...]} in the XML-derived shape
        dimensions = dimensions.get("member") or dimensions.get("items") or []
    return {str(_get(d, "Name")): str(_get(d, "Value")) for d in dimensions or () if _get(d, "Name")}


def _number(value: Any) -> Any:
    """A number as the API gives it (thresholds are doubles): whole values as integers, as people write them."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _query(query: Mapping[str, Any]) -> dict[str, Any]:
    stat = _get(query, "MetricStat") or {}
    metric = _get(stat, "Metric") or {}
    return {
        "id": _get(query, "Id"),
        "expression": _get(query, "Expression"),
        "label": _get(query, "Label"),
        "period": _get(query, "Period"),
        "return_data": True if _get(query, "ReturnData") else None,
        "account_id": _get(query, "AccountId"),
        "metric": {
            "metric_name": _get(metric, "MetricName"),
            "namespace": _get(metric, "Namespace"),
            "dimensions": _dimensions(_get(metric, "Dimensions")),
            "period": _get(stat, "Period"),
            "stat": _get(stat, "Stat"),
            "unit": _get(stat, "Unit"),
        } if stat else None,
    }


def _args(alarm: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    treat = _get(alarm, "TreatMissingData")
    enabled = _get(alarm, "ActionsEnabled")
    queries = _get(alarm, "Metrics") or ()
    if isinstance(queries, Mapping):
        queries = queries.get("member") or queries.get("items") or []
    return {
        "alarm_name": _get(alarm, "AlarmName"),
        "alarm_description": _get(alarm, "AlarmDescription") or None,
        "namespace": _get(alarm, "Namespace"),
        "metric_name": _get(alarm, "MetricName"),
        "dimensions": _dimensions(_get(alarm, "Dimensions")),
        "statistic": _get(alarm, "Statistic"),
        "extended_statistic": _get(alarm, "ExtendedStatistic"),
        "period": _get(alarm, "Period"),
        "unit": _get(alarm, "Unit"),
        "comparison_operator": _get(alarm, "ComparisonOperator"),
        "threshold": _number(_get(alarm, "Threshold")),
        "threshold_metric_id": _get(alarm, "ThresholdMetricId"),
        "evaluation_periods": _get(alarm, "EvaluationPeriods"),
        "datapoints_to_alarm": _get(alarm, "DatapointsToAlarm"),
        "treat_missing_data": treat if treat and treat != _TREAT_MISSING else None,
        "evaluate_low_sample_count_percentiles": _get(alarm, "EvaluateLowSampleCountPercentile") or None,
        "actions_enabled": False if enabled is False or str(enabled).lower() == "false" else None,
        "alarm_actions": sorted_strings(_get(alarm, "AlarmActions")),
        "ok_actions": sorted_strings(_get(alarm, "OKActions") or alarm.get("oKActions")),
        "insufficient_data_actions": sorted_strings(_get(alarm, "InsufficientDataActions")),
        "metric_queries": [_query(q) for q in queries if isinstance(q, Mapping)],
        "tags": clean_tags(tags),
    }


def _describe_alarm(clients: Clients, resource: Resource) -> Model:
    cloudwatch = clients("cloudwatch")
    found = cloudwatch.describe_alarms(AlarmNames=[resource.import_id], AlarmTypes=["MetricAlarm"])["MetricAlarms"]
    if not found:
        raise NotFound(f"alarm {resource.import_id}")
    alarm = found[0]
    tags = cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"]).get("Tags")
    return Model(args=_args(alarm, pair_tags(tags)))


def _alarm_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request: Mapping[str, Any] = record.request if record is not None else {}
    wrapped = _get(request, "PutMetricAlarmRequest")
    if isinstance(wrapped, Mapping):
        request = wrapped
    return Model(args=_args({**request, "AlarmName": resource.import_id}, resource.tags))


CODEGEN = (TypeCodegen("aws_cloudwatch_metric_alarm", _describe_alarm, _alarm_from_event),)
