"""AWS Backup vaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags
from bot.catalog.base import tags_from_map
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _vault_args(vault: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    key = vault.get("EncryptionKeyArn") or vault.get("encryptionKeyArn")
    return {
        "name": vault.get("BackupVaultName") or vault.get("backupVaultName"),
        # A vault made without a key is encrypted with the account's aws/backup key, reported by its ARN; the
        # provider reads it back either way, so only a key given by its ARN is written.
        "kms_key_arn": key if isinstance(key, str) and key.startswith("arn:") else None,
        "tags": clean_tags(tags),
    }


def _describe_vault(clients: Clients, resource: Resource) -> Model:
    backup = clients("backup")
    vault = backup.describe_backup_vault(BackupVaultName=resource.import_id)
    if not vault.get("BackupVaultName"):
        raise NotFound(f"backup vault {resource.import_id}")
    tags = tags_from_map(backup.list_tags(ResourceArn=vault["BackupVaultArn"]).get("Tags"))
    return Model(args=_vault_args(vault, tags))


def _vault_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = dict(record.request) if record is not None else {}
    request["BackupVaultName"] = resource.import_id
    return Model(args=_vault_args(request, resource.tags))


CODEGEN = (TypeCodegen("aws_backup_vault", _describe_vault, _vault_from_event),)
