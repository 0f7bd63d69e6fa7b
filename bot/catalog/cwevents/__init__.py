"""Amazon EventBridge (CloudWatch Events) rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, need, q, region_of, spelled, tags_from_pairs, text
from bot.events import CloudTrailRecord

DEFAULT_BUS = "default"


def _bus_name(value: str) -> str:
    """A bus name out of a name or an event-bus ARN (arn:...:event-bus/<name>)."""
    return value.split(":event-bus/", 1)[1] if ":event-bus/" in value else value


def import_id(bus: str, rule: str) -> str:
    """The provider's ID: `bus/rule`, or the bare rule name on the default bus."""
    bus = _bus_name(bus)
    return rule if bus in ("", DEFAULT_BUS) else f"{bus}/{rule}"



def _rule_console(region: str, bus: str, name: str) -> str:
    return console(region, f"events/home?region={q(region)}#/eventbus/{q(bus)}/rules/{q(name)}")


def _rule(record: CloudTrailRecord) -> list[Found]:
    # PutRule also updates an existing rule, which the record cannot tell apart; later stages drop known ones.
    name = need(spelled(record.request, "name"), "requestParameters.name")
    bus = _bus_name(text(spelled(record.request, "eventBusName"))) or DEFAULT_BUS
    arn = text(spelled(record.response, "ruleArn"))
    if not arn:
        arn = _arn.build(record, "events", f"rule/{name}" if bus == DEFAULT_BUS else f"rule/{bus}/{name}")
    region = region_of(record)
    return [
        Found(
            import_id=import_id(bus, name),
            name=name,
            arn=arn,
            console_url=_rule_console(region, bus, name),
            tags=tags_from_pairs(spelled(record.request, "tags")),
        )
    ]


def _state_id(attributes: Mapping[str, Any]) -> str | None:
    name = attributes.get("name")
    if isinstance(name, str) and name:
        bus = attributes.get("event_bus_name")
        return import_id(bus if isinstance(bus, str) else "", name)
    value = attributes.get("id")
    return value if isinstance(value, str) and value else None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_cloudwatch_event_rule",
        label="EventBridge rule",
        service="events",
        event_source="events.amazonaws.com",
        create_events=("PutRule",),
        delete_events=("DeleteRule",),
        resolve=_rule,
        import_id_format=(
            "`event_bus_name/rule_name`, or the rule name alone on the default bus: "
            "`terraform import aws_cloudwatch_event_rule.console example-event-bus/capture-console-sign-in`"
        ),
        loses_data=False,
        state_import_id=_state_id,
    ),
)
