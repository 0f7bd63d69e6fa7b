"""AWS Step Functions state machines (the import ID is the ARN)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, json_doc, pair_tags
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource
from renderers.hcl import JsonDocument

# Text jsonencode() and Python's json write alike: printable ASCII without <, > and & (jsonencode escapes them),
# and no \b or \f escapes (jsonencode writes them as \u0008 and \u000c).
_VERBATIM = re.compile(r"(?![\s\S]*\\[bf])[ -%'-;=?-~]*\Z")


def _plain(value: Any) -> bool:
    """Only strings, integers, booleans and nulls: values jsonencode() prints as Python's json does."""
    if isinstance(value, Mapping):
        return all(_plain(v) for v in value.values())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | bool | int)


def _definition(text: Any) -> Any:
    """The definition as the provider compares it: as text, with no JSON normalisation. jsonencode() where it
    writes exactly the same text (compact, keys sorted), else the string exactly as Step Functions holds it."""
    if not isinstance(text, str) or not text:
        return None
    doc = json_doc(text)
    compact = json.dumps(doc, separators=(",", ":"), sort_keys=True)
    if isinstance(doc, dict) and _plain(doc) and _VERBATIM.match(text) and compact == text:
        return JsonDocument(doc)
    return text


def _logging(config: Any) -> dict[str, Any] | None:
    """logging_configuration as the provider reads it back: the level, the execution data flag and the first
    destination's log group ARN; None when logging is off with nowhere to log."""
    if not isinstance(config, Mapping):
        return None
    level = config.get("level")
    destination = dig(config, "destinations", 0, "cloudWatchLogsLogGroup", "logGroupArn")
    if level in (None, "OFF") and not destination:
        return None
    return {"log_destination": destination, "include_execution_data": bool(config.get("includeExecutionData")),
            "level": level}


def _encryption(config: Any) -> dict[str, Any] | None:
    """encryption_configuration only for a customer managed key: AWS-owned encryption is the default."""
    if not isinstance(config, Mapping) or config.get("type") != "CUSTOMER_MANAGED_KMS_KEY":
        return None
    return {"type": config.get("type"), "kms_key_id": config.get("kmsKeyId"),
            "kms_data_key_reuse_period_seconds": config.get("kmsDataKeyReusePeriodSeconds")}


def _machine_args(machine: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    kind = machine.get("type")
    return {
        "name": machine.get("name"),
        "role_arn": machine.get("roleArn"),
        "type": kind if kind not in (None, "STANDARD") else None,
        "definition": _definition(machine.get("definition")),
        "logging": _logging(machine.get("loggingConfiguration")),
        "tracing": True if dig(machine, "tracingConfiguration", "enabled") else None,
        "encryption": _encryption(machine.get("encryptionConfiguration")),
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
