"""Deleting CloudWatch metric alarms: the metrics they watch and the topics they notify are kept."""

from __future__ import annotations

from bot.catalog._delete import AlreadyGone, DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_alarm(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    cloudwatch = aws("cloudwatch")
    found = call(cloudwatch.describe_alarms, AlarmNames=[req.import_id], AlarmTypes=["MetricAlarm"])
    # DescribeAlarms answers an empty list for a name it does not know.
    if not found.get("MetricAlarms"):
        raise AlreadyGone(req.import_id)
    call(cloudwatch.delete_alarms, AlarmNames=[req.import_id])
    return DeleteOutcome(f"Deleted alarm {req.import_id}; the metric it watched and the topics it notified are "
                         "kept.")


EXECUTORS = {
    "aws_cloudwatch_metric_alarm": delete_alarm,
}
