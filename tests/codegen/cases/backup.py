"""AWS Backup vaults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_backup_vault(aws: Aws) -> Made:
    key = aws("kms").create_key(Description="backups")["KeyMetadata"]["Arn"]
    tags = {"team": "dba ${x}"}
    vault = aws("backup").create_backup_vault(BackupVaultName="Nightly-DB", EncryptionKeyArn=key,
                                              BackupVaultTags=tags)
    record = cloudtrail("backup.amazonaws.com", "CreateBackupVault",
                        {"backupVaultName": "Nightly-DB", "encryptionKeyArn": key, "backupVaultTags": tags},
                        {"backupVaultName": "Nightly-DB", "backupVaultArn": vault["BackupVaultArn"],
                         "creationDate": "Nov 29, 2026, 12:00:00 PM"})
    return Made(record, "Nightly-DB", {"name": "Nightly-DB", "kms_key_arn": key, "tags": tags})


def _vault_gone(aws: Aws, name: str) -> bool:
    try:
        aws("backup").describe_backup_vault(BackupVaultName=name)
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "ResourceNotFoundException"
    return False


CASES = {"aws_backup_vault": make_backup_vault}
GONE = {"aws_backup_vault": _vault_gone}
PROVIDER_ENDPOINTS = {"backup"}
