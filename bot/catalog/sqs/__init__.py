"""Amazon SQS queues."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, need, q, region_of, tags_from_map, tags_from_pairs, text
from bot.events import CloudTrailRecord


def _queue(record: CloudTrailRecord) -> list[Found]:
    # The import ID is the queue URL, which only the response carries: its host form depends on the endpoint
    # the caller used (sqs.<region>.amazonaws.com, queue.amazonaws.com, ...), so it is not rebuilt from the name.
    url = need(record.response.get("queueUrl"), "responseElements.queueUrl")
    path = [part for part in urlsplit(url).path.split("/") if part]
    name = text(record.request.get("queueName")) or (path[-1] if path else url)
    account = path[0] if len(path) == 2 else record.account_id
    region = region_of(record)
    arn = f"arn:{_arn.partition(region)}:sqs:{region}:{account}:{name}" if account else ""
    tags = record.request.get("tags")
    return [
        Found(
            import_id=url,
            name=name,
            arn=arn,
            console_url=console(region, f"sqs/v3/home?region={q(region)}#/queues/{q(url)}"),
            tags=tags_from_map(tags) if isinstance(tags, dict) else tags_from_pairs(tags),
        )
    ]


def _state_id(attributes: Mapping[str, Any]) -> str | None:
    value = attributes.get("url") or attributes.get("id")
    return value if isinstance(value, str) and value else None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_sqs_queue",
        label="SQS queue",
        service="sqs",
        event_source="sqs.amazonaws.com",
        create_events=("CreateQueue",),
        delete_events=("DeleteQueue",),
        resolve=_queue,
        import_id_format=(
            "queue URL: `terraform import aws_sqs_queue.public_queue https://queue.amazonaws.com/80398EXAMPLE/MyQueue`"
        ),
        loses_data=True,
        state_import_id=_state_id,
    ),
)
