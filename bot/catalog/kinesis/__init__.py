"""Amazon Kinesis Data Streams."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, need, q, region_of, tags_from_map
from bot.events import CloudTrailRecord


def _field(body: dict[str, Any], name: str) -> Any:
    """A field as CloudTrail writes it (streamName), or as the API model spells it (StreamName)."""
    value = body.get(name)
    return value if value is not None else body.get(name[0].upper() + name[1:])


def _stream(record: CloudTrailRecord) -> list[Found]:
    # CreateStream returns nothing, so the request is the only source.
    name = need(_field(record.request, "streamName"), "requestParameters.streamName")
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name,
            arn=_arn.build(record, "kinesis", f"stream/{name}"),
            console_url=console(region, f"kinesis/home?region={q(region)}#/streams/details/{q(name)}/details"),
            tags=tags_from_map(_field(record.request, "tags")),
        )
    ]


def _state_id(attributes: Mapping[str, Any]) -> str | None:
    # The stream's `id` is its ARN; it is imported by name.
    value = attributes.get("name")
    return value if isinstance(value, str) and value else None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_kinesis_stream",
        label="Kinesis data stream",
        service="kinesis",
        event_source="kinesis.amazonaws.com",
        create_events=("CreateStream",),
        delete_events=("DeleteStream",),
        resolve=_stream,
        import_id_format="stream name: `terraform import aws_kinesis_stream.test_stream terraform-kinesis-test`",
        loses_data=True,
        state_import_id=_state_id,
    ),
)
