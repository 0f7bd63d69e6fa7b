"""AWS Step Functions state machines."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, ExtractError, Found, console, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord


def _state_machine_console(region: str, arn: str) -> str:
    return console(region, f"states/home?region={q(region)}#/statemachines/view/{q(arn)}")


def _state_machine(record: CloudTrailRecord) -> list[Found]:
    name = need(record.request.get("name"), "requestParameters.name")
    # The ARN is the import ID; region, account and name fully determine it when the response is missing.
    arn = text(record.response.get("stateMachineArn")) or _arn.build(record, "states", f"stateMachine:{name}")
    if not arn:
        raise ExtractError("the record has no responseElements.stateMachineArn (nor an account to build it from)")
    region = region_of(record)
    return [
        Found(
            import_id=arn,
            name=name,
            arn=arn,
            console_url=_state_machine_console(region, arn),
            tags=tags_from_pairs(record.request.get("tags")),
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_sfn_state_machine",
        label="Step Functions state machine",
        service="stepfunctions",
        event_source="states.amazonaws.com",
        create_events=("CreateStateMachine",),
        delete_events=("DeleteStateMachine",),
        resolve=_state_machine,
        import_id_format=(
            "state machine ARN: "
            "`terraform import aws_sfn_state_machine.foo arn:aws:states:eu-west-1:123456789098:stateMachine:bar`"
        ),
        # The definition is configuration; execution history goes with the machine but is a log, not data.
        loses_data=False,
    ),
)
