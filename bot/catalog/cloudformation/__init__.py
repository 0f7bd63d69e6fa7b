"""AWS CloudFormation stacks, as a person creates them (the resources a stack makes are CloudFormation's own calls,
which bot/filters.py sets aside as made by CloudFormation)."""

from __future__ import annotations

from bot.catalog._describe import unwrap
from bot.catalog.base import (
    CatalogEntry,
    Found,
    console,
    first,
    need,
    q,
    region_of,
    state_attribute,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord


def _stack(record: CloudTrailRecord) -> list[Found]:
    request = unwrap(record.request, "CreateStackRequest")
    response = unwrap(record.response, "CreateStackResponse")
    stack_id = first(text(response.get(key)) for key in ("stackId", "StackId"))
    # arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>
    from_arn = stack_id.split(":stack/", 1)[1].split("/", 1)[0] if ":stack/" in stack_id else ""
    name = need(first((text(request.get("stackName")), text(request.get("StackName")), from_arn)),
                "requestParameters.stackName")
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name,
            # The stack ID ends in a UUID CloudFormation assigns: without the response there is no ARN to give.
            arn=stack_id,
            console_url=_console_url(region, stack_id or name),
            tags=tags_from_pairs(request.get("tags") or request.get("Tags")),
        )
    ]


def _console_url(region: str, stack: str) -> str:
    """The stack's page, by its stack ID (or, where there is none, its name)."""
    return console(region, f"cloudformation/home?region={q(region)}#/stacks/stackinfo?stackId={q(stack)}")


ENTRIES = (
    CatalogEntry(
        tf_type="aws_cloudformation_stack",
        label="CloudFormation stack",
        service="cloudformation",
        event_source="cloudformation.amazonaws.com",
        create_events=("CreateStack",),
        delete_events=("DeleteStack",),
        resolve=_stack,
        import_id_format="stack name: `terraform import aws_cloudformation_stack.stack networking-stack`",
        # Deleting a stack deletes every resource it made, with whatever data they hold.
        loses_data=True,
        # The provider's id is the stack ID (an ARN); import takes the name.
        state_import_id=state_attribute("name"),
    ),
)
