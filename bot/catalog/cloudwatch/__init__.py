"""Amazon CloudWatch: metric alarms.

PutMetricAlarm both creates an alarm and replaces an existing one's settings, and its record looks the same either
way (the response is empty). Every successful call is read as the alarm's creation: an alarm Terraform manages is
then set aside by the state check, and an alarm edited by hand that no state holds is one nobody codified, which
is what tfsync reports. An alarm already adopted is in a state, so editing it is not reported again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    Found,
    console,
    name_tag,
    need,
    q,
    region_of,
    spelled,
    state_attribute,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord


def _alarm_console(region: str, name: str) -> str:
    return console(region, f"cloudwatch/home?region={q(region)}#alarmsV2:alarm/{q(name)}")


def _alarm(record: CloudTrailRecord) -> list[Found]:
    request: Mapping[str, Any] = record.request
    wrapped = spelled(request, "putMetricAlarmRequest")
    if isinstance(wrapped, Mapping):
        request = wrapped
    name = need(text(spelled(request, "alarmName")), "requestParameters.alarmName")
    tags = tags_from_pairs(spelled(request, "tags"), "key", "value")
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name_tag(tags) or name,
            # Alarm names stand in ARNs as they are (spaces included).
            arn=_arn.build(record, "cloudwatch", f"alarm:{name}"),
            console_url=_alarm_console(region, name),
            tags=tags,
        )
    ]



ENTRIES = (
    CatalogEntry(
        tf_type="aws_cloudwatch_metric_alarm",
        label="CloudWatch alarm",
        service="cloudwatch",
        event_source="monitoring.amazonaws.com",
        create_events=("PutMetricAlarm",),
        delete_events=("DeleteAlarms",),
        resolve=_alarm,
        import_id_format="alarm name: `terraform import aws_cloudwatch_metric_alarm.test alarm-12345`",
        state_import_id=state_attribute("alarm_name", "id"),
        # Its state history is kept by CloudWatch for two weeks either way; the metrics it watches are not its own.
        loses_data=False,
    ),
)
