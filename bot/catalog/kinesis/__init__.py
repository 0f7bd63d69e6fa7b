"""Amazon Kinesis Data Streams."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, need, q, region_of, spelled, state_attribute, tags_from_map
from bot.events import CloudTrailRecord


def _console(region: str, name: str) -> str:
    return console(region, f"kinesis/home?region={q(region)}#/streams/details/{q(name)}/details")


def _stream(record: CloudTrailRecord) -> list[Found]:
    # CreateStream returns nothing, so the request is the only source.
    name = need(spelled(record.request, "streamName"), "requestParameters.streamName")
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name,
            arn=_arn.build(record, "kinesis", f"stream/{name}"),
            console_url=_console(region, name),
            tags=tags_from_map(spelled(record.request, "tags")),
        )
    ]



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
        # The stream's `id` is its ARN; it is imported by name.
        state_import_id=state_attribute("name"),
    ),
)
