"""AWS Step Functions state machines (the import ID is the ARN)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, json_doc, pair_tags
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource
from renderers.hcl import JsonDocument


def _machine_args(machine: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    kind = machine.get("type")
    definition = machine.get("definition")
    return {
        "name": machine.get("name"),
        "role_arn": machine.get("roleArn"),
        "type": kind if kind not in (None, "STANDARD") else None,
        "definition": JsonDocument(json_doc(definition)) if definition else None,
        "tags": clean_tags(tags),
    }


def _describe_machine(clients: Clients, resource: Resource) -> Model:
    sfn = clients("stepfunctions")
    machine = sfn.describe_state_machine(stateMachineArn=resource.import_id)
    tags = pair_tags(sfn.list_tags_for_resource(resourceArn=resource.import_id).get("tags"), "key", "value")
    return Model(args=_machine_args(machine, tags))


def _machine_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = dict(record.request) if record is not None else {}
    notes: tuple[str, ...] = ()
    if not isinstance(request.get("definition"), str) or request["definition"].startswith("HIDDEN"):
        request["definition"] = None
        notes = ("The event hides the definition: copy it from the console before planning.",)
    request["name"] = request.get("name") or resource.name
    return Model(args=_machine_args(request, resource.tags), notes=notes)


CODEGEN = (TypeCodegen("aws_sfn_state_machine", _describe_machine, _machine_from_event),)
