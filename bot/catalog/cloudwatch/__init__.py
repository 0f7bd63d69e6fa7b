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
from bot.catalog.base import CatalogEntry, Found, console, name_tag, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord


def _field(body: Any, name: str) -> Any:
    """A field in CloudTrail's camelCase or the API's PascalCase."""
    if not isinstance(body, Mapping):
        return None
    value = body.get(name)
    return value if value is not None else body.get(name[0].upper() + name[1:])


def _alarm(record: CloudTrailRecord) -> list[Found]:
    request: Mapping[str, Any] = record.request
    wrapped = _field(request, "putMetricAlarmRequest")
    if isinstance(wrapped, Mapping):
        request = wrapped
    name = need(text(_field(request, "alarmName")), "requestParameters.alarmName")
    tags = tags_from_pairs(_field(request, "tags"), "key", "value")
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name_tag(tags) or name,
            # Alarm names stand in ARNs as they are (spaces included).
            arn=_arn.build(record, "cloudwatch", f"alarm:{name}"),
            console_url=console(region, f"cloudwatch/home?region={q(region)}#alarmsV2:alarm/{q(name)}"),
            tags=tags,
        )
    ]


def _state_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("alarm_name") or attributes.get("id")
    return value if isinstance(value, str) and value else None


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
        state_import_id=_state_id,
        # Its state history is kept by CloudWatch for two weeks either way; the metrics it watches are not its own.
        loses_data=False,
    ),
)
