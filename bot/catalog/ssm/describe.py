"""AWS Systems Manager parameters: String values are code; a SecureString's value never leaves AWS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

SECURE = "SecureString"
# The provider needs one of value/insecure_value; this stand-in is never sent because value is ignored.
SECRET_STANDIN = "kept-in-aws"  # noqa: S105 - a stand-in, never a secret


def _parameter_args(parameter: Mapping[str, Any], value: Any, tags: Mapping[str, str]) -> dict[str, Any]:
    kind = parameter.get("Type")
    tier = parameter.get("Tier")
    secure = kind == SECURE
    return {
        "name": parameter.get("Name"),
        "type": kind,
        "description": parameter.get("Description") or None,
        "tier": tier if tier not in (None, "Standard") else None,
        "key_id": parameter.get("KeyId") if secure and parameter.get("KeyId") != "alias/aws/ssm" else None,
        "data_type": dt if (dt := parameter.get("DataType")) not in (None, "text") else None,
        "allowed_pattern": parameter.get("AllowedPattern") or None,
        "value": SECRET_STANDIN if secure else value,
        "ignore_value": secure,
        "tags": clean_tags(tags),
    }


def _describe_parameter(clients: Clients, resource: Resource) -> Model:
    ssm = clients("ssm")
    found = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [resource.import_id]}])["Parameters"]
    if not found:
        raise NotFound(f"parameter {resource.import_id}")
    meta = found[0]
    value = None
    if meta.get("Type") != SECURE:
        # WithDecryption stays off: only plain String and StringList values are ever read.
        value = ssm.get_parameter(Name=resource.import_id, WithDecryption=False)["Parameter"].get("Value")
    tags = pair_tags(ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=resource.import_id).get("TagList"))
    return Model(args=_parameter_args(meta, value, tags))


def _parameter_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    parameter = {
        "Name": resource.import_id,
        "Type": request.get("type") or "String",
        "Description": request.get("description"),
        "Tier": request.get("tier"),
        "KeyId": request.get("keyId"),
        "DataType": request.get("dataType"),
        "AllowedPattern": request.get("allowedPattern"),
    }
    # CloudTrail hides every parameter value ("HIDDEN_DUE_TO_SECURITY_REASONS"), so the value cannot come from here.
    value = request.get("value")
    notes: tuple[str, ...] = ()
    if parameter["Type"] != SECURE and (not isinstance(value, str) or value.startswith("HIDDEN_")):
        value = None
        notes = ("The event hides the parameter's value: set value before planning.",)
    return Model(args=_parameter_args(parameter, value, resource.tags), notes=notes)


CODEGEN = (TypeCodegen("aws_ssm_parameter", _describe_parameter, _parameter_from_event),)
