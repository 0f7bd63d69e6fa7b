"""AWS Secrets Manager secrets: the secret's settings only, never its value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource

_VALUE_NOTE = "The secret's value stays in Secrets Manager: it is never copied into code."


def _secret_args(secret: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    return {
        "name": secret.get("Name"),
        "description": secret.get("Description") or None,
        "kms_key_id": secret.get("KmsKeyId") or None,
        "tags": clean_tags(tags),
    }


def _describe_secret(clients: Clients, resource: Resource) -> Model:
    secret = clients("secretsmanager").describe_secret(SecretId=resource.import_id)
    if secret.get("DeletedDate"):
        raise NotFound(f"secret {resource.import_id} is scheduled for deletion")
    return Model(args=_secret_args(secret, pair_tags(secret.get("Tags"))), notes=(_VALUE_NOTE,))


def _secret_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = record.request if record is not None else {}
    secret = {"Name": request.get("name") or resource.name, "Description": request.get("description"),
              "KmsKeyId": request.get("kmsKeyId")}
    return Model(args=_secret_args(secret, resource.tags), notes=(_VALUE_NOTE,))


CODEGEN = (TypeCodegen("aws_secretsmanager_secret", _describe_secret, _secret_from_event),)
