"""Amazon SNS topics."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    console,
    need,
    q,
    region_of,
    spelled,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord


def _topic_console(region: str, arn: str) -> str:
    return console(region, f"sns/v3/home?region={q(region)}#/topic/{q(arn)}")


def _topic(record: CloudTrailRecord) -> list[Found]:
    name = need(spelled(record.request, "name"), "requestParameters.name")
    # A topic's ARN is fully determined by region, account and name, so a record without the response still
    # identifies it when it names the account.
    arn = text(spelled(record.response, "topicArn")) or _arn.build(record, "sns", name)
    if not arn:
        raise ExtractError("the record has no responseElements.topicArn (nor an account to build it from)")
    region = region_of(record)
    return [
        Found(
            import_id=arn,
            name=name,
            arn=arn,
            console_url=_topic_console(region, arn),
            tags=tags_from_pairs(spelled(record.request, "tags")),
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_sns_topic",
        label="SNS topic",
        service="sns",
        event_source="sns.amazonaws.com",
        create_events=("CreateTopic",),
        delete_events=("DeleteTopic",),
        resolve=_topic,
        import_id_format=(
            "topic ARN: `terraform import aws_sns_topic.user_updates arn:aws:sns:us-west-2:0123456789012:my-topic`"
        ),
        # Deleting a topic drops its subscriptions, which are configuration; SNS does not store messages.
        loses_data=False,
    ),
)
