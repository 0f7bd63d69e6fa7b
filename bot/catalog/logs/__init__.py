"""Amazon CloudWatch Logs log groups."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, need, q, region_of, state_attribute, tags_from_map
from bot.events import CloudTrailRecord


def _console_fragment(name: str) -> str:
    # The CloudWatch console reads the log group from its fragment URL-encoded twice, with '%' written as '$'.
    return q(q(name)).replace("%", "$")


def _log_group_console(region: str, name: str) -> str:
    return console(region, f"cloudwatch/home?region={q(region)}#logsV2:log-groups/log-group/{_console_fragment(name)}")


def _log_group(record: CloudTrailRecord) -> list[Found]:
    # CreateLogGroup returns nothing, so the request is the only source.
    name = need(record.request.get("logGroupName"), "requestParameters.logGroupName")
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name,
            # Without the ":*" suffix the API adds, as the provider's `arn` attribute has it.
            arn=_arn.build(record, "logs", f"log-group:{name}"),
            console_url=_log_group_console(region, name),
            tags=tags_from_map(record.request.get("tags")),
        )
    ]



ENTRIES = (
    CatalogEntry(
        tf_type="aws_cloudwatch_log_group",
        label="CloudWatch log group",
        service="logs",
        event_source="logs.amazonaws.com",
        create_events=("CreateLogGroup",),
        delete_events=("DeleteLogGroup",),
        resolve=_log_group,
        import_id_format="log group name: `terraform import aws_cloudwatch_log_group.test_group yada`",
        loses_data=True,
        state_import_id=state_attribute("name", "id"),
    ),
)
