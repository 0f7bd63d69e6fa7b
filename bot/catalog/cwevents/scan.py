"""Amazon EventBridge: the rules of every event bus of the region, less those AWS services manage."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import followed, paged
from bot.catalog.base import Listed, Lister, ScanScope, text
from bot.catalog.cwevents import DEFAULT_BUS, _rule_console, import_id


def _buses(events: Any) -> Iterator[str]:
    """Every event bus's name, the default one included; ListEventBuses has no paginator."""
    for bus in followed(events.list_event_buses, "EventBuses"):
        yield bus["Name"]


def _rules(scope: ScanScope) -> Iterator[Listed]:
    events = scope.clients("events")
    for bus in list(_buses(events)):
        for rule in paged(events, "list_rules", "Rules", EventBusName=bus):
            # A rule an AWS service made and manages (an archive's, GuardDuty's, Auto Scaling's...) names the
            # service in ManagedBy; only that service may change or delete it.
            if rule.get("ManagedBy"):
                continue
            name = rule["Name"]
            bus_name = text(rule.get("EventBusName")) or bus or DEFAULT_BUS
            yield Listed(
                import_id=import_id(bus_name, name),
                name=name,
                arn=text(rule.get("Arn")) or scope.arn(
                    "events", f"rule/{name}" if bus_name == DEFAULT_BUS else f"rule/{bus_name}/{name}"),
                console_url=_rule_console(scope.region, bus_name, name),
                facts=_facts(rule),
            )


def _facts(rule: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    if text(rule.get("ScheduleExpression")):
        facts.append(("schedule", rule["ScheduleExpression"]))
    elif text(rule.get("EventPattern")):
        facts.append(("trigger", "event pattern"))
    if text(rule.get("State")):
        facts.append(("state", rule["State"].lower()))
    return tuple(facts)


LISTERS = {
    "aws_cloudwatch_event_rule": Lister(("events:ListEventBuses", "events:ListRules"), _rules),
}
