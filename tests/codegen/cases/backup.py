"""AWS Backup vaults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from tests.codegen.helpers import Made, cloudtrail

Aws = Callable[..., Any]


def make_backup_vault(aws: Aws) -> Made:
    key = aws("kms").create_key(Description="backups")["KeyMetadata"]["Arn"]
    # Untagged: moto reads a vault's tags only from a path ending in "/" (boto3's), so the provider's ListTags
    # (no trailing slash) gets none back and would plan to add them; the reader's tags are checked elsewhere.
    vault = aws("backup").create_backup_vault(BackupVaultName="Nightly-DB", EncryptionKeyArn=key)
    record = cloudtrail("backup.amazonaws.com", "CreateBackupVault",
                        {"backupVaultName": "Nightly-DB", "encryptionKeyArn": key},
                        {"backupVaultName": "Nightly-DB", "backupVaultArn": vault["BackupVaultArn"],
                         "creationDate": "Nov 29, 2026, 12:00:00 PM"})
    return Made(record, "Nightly-DB", {"name": "Nightly-DB", "kms_key_arn": key})


def _vault_gone(aws: Aws, name: str) -> bool:
    try:
        aws("backup").describe_backup_vault(BackupVaultName=name)
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "ResourceNotFoundException"
    return False


CASES = {"aws_backup_vault": make_backup_vault}
GONE = {"aws_backup_vault": _vault_gone}
PROVIDER_ENDPOINTS = {"backup"}
