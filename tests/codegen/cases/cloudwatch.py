"""CloudWatch metric alarms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_alarm(aws: Aws) -> Made:
    topic = aws("sns").create_topic(Name="oncall")["TopicArn"]
    aws("cloudwatch").put_metric_alarm(
        AlarmName="api 5xx ${env}", AlarmDescription='Too many "5xx" from the API', Namespace="AWS/ApplicationELB",
        MetricName="HTTPCode_Target_5XX_Count", Dimensions=[{"Name": "LoadBalancer", "Value": "app/web/123"}],
        Statistic="Sum", Period=60, EvaluationPeriods=5, DatapointsToAlarm=3, Threshold=25.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching",
        AlarmActions=[topic], OKActions=[topic], Tags=[{"Key": "team", "Value": "api"}],
    )
    # PutMetricAlarm answers with nothing: responseElements is null.
    record = cloudtrail(
        "monitoring.amazonaws.com", "PutMetricAlarm",
        {"alarmName": "api 5xx ${env}", "alarmDescription": 'Too many "5xx" from the API',
         "namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_Target_5XX_Count",
         "dimensions": [{"name": "LoadBalancer", "value": "app/web/123"}], "statistic": "Sum", "period": 60,
         "evaluationPeriods": 5, "datapointsToAlarm": 3, "threshold": 25.0,
         "comparisonOperator": "GreaterThanOrEqualToThreshold", "treatMissingData": "notBreaching",
         "alarmActions": [topic], "oKActions": [topic], "tags": [{"key": "team", "value": "api"}]},
        None,
    )
    expect = {"alarm_name": "api 5xx ${env}", "alarm_description": 'Too many "5xx" from the API',
              "namespace": "AWS/ApplicationELB", "metric_name": "HTTPCode_Target_5XX_Count",
              "dimensions": {"LoadBalancer": "app/web/123"}, "statistic": "Sum", "period": 60,
              "evaluation_periods": 5, "datapoints_to_alarm": 3, "threshold": 25,
              "comparison_operator": "GreaterThanOrEqualToThreshold", "treat_missing_data": "notBreaching",
              "alarm_actions": [topic], "ok_actions": [topic], "tags": {"team": "api"}}
    return Made(record, "api 5xx ${env}", expect)


def _gone(aws: Aws, name: str) -> bool:
    return not aws("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]


CASES = {"aws_cloudwatch_metric_alarm": make_alarm}
GONE = {"aws_cloudwatch_metric_alarm": _gone}
PROVIDER_ENDPOINTS = {"cloudwatch"}
