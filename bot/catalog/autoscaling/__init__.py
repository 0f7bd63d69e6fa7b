"""Amazon EC2 Auto Scaling: Auto Scaling groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog.base import (
    CatalogEntry,
    Found,
    console,
    first,
    name_tag,
    need,
    q,
    region_of,
    spelled,
    spelled_text,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord


def _request(record: CloudTrailRecord) -> Mapping[str, Any]:
    inner = spelled(record.request, "createAutoScalingGroupRequest")
    return inner if isinstance(inner, Mapping) else record.request


def _group_console(region: str, name: str) -> str:
    return console(region, f"ec2/home?region={q(region)}#AutoScalingGroupDetails:id={q(name)}")


def _group(record: CloudTrailRecord) -> list[Found]:
    request = _request(record)
    # CreateAutoScalingGroup answers with nothing (responseElements is null): the name it was given is the group's
    # identity and its import ID. The ARN holds a UUID only AWS knows, so the record cannot build it.
    name = need(text(spelled(request, "autoScalingGroupName")), "requestParameters.autoScalingGroupName")
    tags = tags_from_pairs(spelled(request, "tags"), "key", "value")
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name_tag(tags) or name,
            arn=first((spelled_text(record.response, "autoScalingGroupARN"),
                       spelled_text(record.response, "autoScalingGroupArn"))),
            console_url=_group_console(region, name),
            tags=tags,
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_autoscaling_group",
        label="Auto Scaling group",
        service="autoscaling",
        event_source="autoscaling.amazonaws.com",
        create_events=("CreateAutoScalingGroup",),
        delete_events=("DeleteAutoScalingGroup",),
        resolve=_group,
        import_id_format="group name: `terraform import aws_autoscaling_group.web web-asg`",
        # Deleting the group terminates its instances, and the root volumes they delete on termination.
        loses_data=True,
        # Terraform-only: how long an apply waits for capacity and whether a destroy forces the instances out. An
        # import records none of them; the provider's defaults change nothing in AWS.
        argument_only_updates=("force_delete", "force_delete_warm_pool", "ignore_failed_scaling_activities",
                               "wait_for_capacity_timeout"),
    ),
)
