"""Deleting EventBridge rules: their targets are removed first, as EventBridge requires."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_event_rule(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    events = aws("events")
    bus, _, name = req.import_id.rpartition("/")
    scope = {"EventBusName": bus} if bus else {}
    call(events.describe_rule, Name=name, **scope)
    targets = [t["Id"] for t in events.list_targets_by_rule(Rule=name, **scope).get("Targets", [])]
    if targets:
        events.remove_targets(Rule=name, Ids=targets, **scope)
    call(events.delete_rule, Name=name, **scope)
    return DeleteOutcome(f"Removed its {len(targets)} target(s) and deleted rule {req.import_id}.")


EXECUTORS = {
    "aws_cloudwatch_event_rule": delete_event_rule,
}
