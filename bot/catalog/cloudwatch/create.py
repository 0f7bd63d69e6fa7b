"""Making a CloudWatch metric alarm, as the console does, and the CloudTrail record of the call (PutMetricAlarm
answers with nothing)."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, pairs


def create_alarm(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    alarm = name.strip()[:255] or "sandbox-alarm"
    settings = {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization", "Statistic": "Average", "Period": 300,
                "EvaluationPeriods": 1, "DatapointsToAlarm": 1, "Threshold": 80.0,
                "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "missing"}
    ctx.client("cloudwatch").put_metric_alarm(AlarmName=alarm, **settings,
                                              **({"Tags": pairs(tags)} if tags else {}))
    request = {key[0].lower() + key[1:]: value for key, value in settings.items()}
    request["alarmName"] = alarm
    if tags:
        request["tags"] = ct_tags(tags)
    return Call(request, None)


CREATORS = {
    "aws_cloudwatch_metric_alarm": create_alarm,
}
