"""Amazon Athena workgroups."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    Found,
    console,
    first,
    need,
    q,
    region_of,
    spelled_text,
    tags_from_pairs,
)
from bot.events import CloudTrailRecord


def _workgroup(record: CloudTrailRecord) -> list[Found]:
    name = need(first((spelled_text(record.request, "name"), spelled_text(record.response, "name"))),
                "requestParameters.name")
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name,
            arn=_arn.build(record, "athena", f"workgroup/{name}"),
            console_url=_console_url(region, name),
            tags=tags_from_pairs(record.request.get("tags")) or tags_from_pairs(record.request.get("Tags")),
        )
    ]


def _console_url(region: str, name: str) -> str:
    return console(region, f"athena/home?region={q(region)}#/workgroups/details/{q(name)}")


ENTRIES = (
    CatalogEntry(
        tf_type="aws_athena_workgroup",
        label="Athena workgroup",
        service="athena",
        event_source="athena.amazonaws.com",
        create_events=("CreateWorkGroup",),
        delete_events=("DeleteWorkGroup",),
        resolve=_workgroup,
        import_id_format="workgroup name: `terraform import aws_athena_workgroup.example example`",
        # Query results live in the S3 output location and stay; the saved queries go with it, and they block
        # the delete tfsync makes.
        loses_data=False,
        # Whether a destroy also deletes the workgroup's saved queries: Terraform's own, not kept by AWS.
        argument_only_updates=("force_destroy",),
    ),
)
