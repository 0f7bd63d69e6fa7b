"""Amazon SQS queues."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    ExtractError,
    Found,
    Located,
    Lookup,
    console,
    first,
    q,
    region_of,
    state_attribute,
    tags_from_map,
    tags_from_pairs,
    text,
)
from bot.catalog.template_input import Clients
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _queue_console(region: str, url_or_name: str) -> str:
    return console(region, f"sqs/v3/home?region={q(region)}#/queues/{q(url_or_name)}")


def _queue(record: CloudTrailRecord) -> list[Found]:
    # The import ID is the queue URL, which only the response carries: its host form depends on the endpoint
    # the caller used (sqs.<region>.amazonaws.com, queue.amazonaws.com, ...), so it is not rebuilt from the name.
    # A record without it (responseElements null) still names the queue: GetQueueUrl finds the URL (_locate).
    # The query API's records spell the fields queueName/queueUrl; the JSON protocol's (2023 on) QueueName/QueueUrl.
    url = first(text(record.response.get(key)) for key in ("queueUrl", "QueueUrl"))
    path = [part for part in urlsplit(url).path.split("/") if part]
    name = first(text(record.request.get(key)) for key in ("queueName", "QueueName")) or (path[-1] if path else "")
    if not url and not name:
        raise ExtractError("the record has neither responseElements.queueUrl nor requestParameters.queueName")
    account = path[0] if len(path) == 2 else record.account_id
    region = region_of(record)
    arn = f"arn:{_arn.partition(region)}:sqs:{region}:{account}:{name}" if account else ""
    tags = first_present(record.request, "tags", "Tags")
    return [
        Found(
            import_id=url,
            name=name,
            arn=arn,
            console_url=_queue_console(region, url or name),
            tags=tags_from_map(tags) if isinstance(tags, dict) else tags_from_pairs(tags),
        )
    ]


def _locate(clients: Clients, resource: Resource) -> Located:
    url = clients("sqs").get_queue_url(QueueName=resource.name)["QueueUrl"]
    return Located(import_id=url, arn=resource.arn)


def first_present(body: Mapping[str, Any], *keys: str) -> Any:
    """The first of the keys' values that is set."""
    return next((body[key] for key in keys if body.get(key) is not None), None)



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
        state_import_id=state_attribute("url", "id"),
        lookup=Lookup("sqs:GetQueueUrl", _locate),
    ),
)
