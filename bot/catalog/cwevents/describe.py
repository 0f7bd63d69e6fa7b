"""Amazon EventBridge (CloudWatch Events) rules (the import ID is bus/rule, or the rule name on the default bus)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, json_doc, pair_tags
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource
from renderers.hcl import JsonDocument

_DEFAULT_BUS = "default"


def _split(import_id: str) -> tuple[str, str]:
    bus, _, rule = import_id.rpartition("/")
    return bus or _DEFAULT_BUS, rule


def _rule_args(rule: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    bus = str(rule.get("EventBusName") or _DEFAULT_BUS)
    bus = bus.rsplit("event-bus/", 1)[-1]
    pattern = rule.get("EventPattern")
    state = rule.get("State")
    return {
        "name": rule.get("Name"),
        "description": rule.get("Description") or None,
        "event_bus_name": bus if bus != _DEFAULT_BUS else None,
        "schedule_expression": rule.get("ScheduleExpression") or None,
        "event_pattern": JsonDocument(json_doc(pattern)) if pattern else None,
        "role_arn": rule.get("RoleArn") or None,
        "state": state if state and state != "ENABLED" else None,
        "tags": clean_tags(tags),
    }


def _describe_rule(clients: Clients, resource: Resource) -> Model:
    events = clients("events")
    bus, name = _split(resource.import_id)
    rule = events.describe_rule(Name=name, EventBusName=bus)
    tags = pair_tags(events.list_tags_for_resource(ResourceARN=rule["Arn"]).get("Tags"))
    return Model(args=_rule_args(rule, tags))


def _rule_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    bus, name = _split(resource.import_id)
    rule = {k[0].upper() + k[1:]: v for k, v in request.items() if k}
    rule.update({"Name": name, "EventBusName": bus})
    return Model(args=_rule_args(rule, resource.tags))


CODEGEN = (TypeCodegen("aws_cloudwatch_event_rule", _describe_rule, _rule_from_event),)
