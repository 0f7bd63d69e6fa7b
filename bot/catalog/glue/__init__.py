"""AWS Glue jobs."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, first, need, q, region_of, spelled_text, tags_from_map
from bot.events import CloudTrailRecord


def _job(record: CloudTrailRecord) -> list[Found]:
    name = need(first((spelled_text(record.response, "name"), spelled_text(record.request, "name"))),
                "requestParameters.name")
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name,
            arn=_arn.build(record, "glue", f"job/{name}"),
            console_url=_console_url(region, name),
            tags=tags_from_map(record.request.get("tags")) or tags_from_map(record.request.get("Tags")),
        )
    ]


def _console_url(region: str, name: str) -> str:
    return console(region, f"gluestudio/home?region={q(region)}#/editor/job/{q(name)}/details")


ENTRIES = (
    CatalogEntry(
        tf_type="aws_glue_job",
        label="Glue job",
        service="glue",
        event_source="glue.amazonaws.com",
        create_events=("CreateJob",),
        delete_events=("DeleteJob",),
        resolve=_job,
        import_id_format="job name: `terraform import aws_glue_job.MyJob MyJob`",
        # Configuration only: the script and the data it reads and writes live in S3 and stay.
        loses_data=False,
    ),
)
