"""Deleting AWS Backup vaults: only an empty one, outside a vault lock (its recovery points are the data)."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_backup_vault(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    backup = aws("backup")
    vault = call(backup.describe_backup_vault, BackupVaultName=req.import_id)
    if vault.get("Locked"):
        raise DeleteRefused(f"backup vault {req.import_id} is under a vault lock; AWS does not let it be deleted")
    points = vault.get("NumberOfRecoveryPoints") or 0
    if points:
        raise DeleteRefused(f"backup vault {req.import_id} still holds {points} recovery point(s); delete or move "
                            "them first")
    call(backup.delete_backup_vault, BackupVaultName=req.import_id)
    return DeleteOutcome(f"Deleted backup vault {req.import_id}, which held no recovery points.")


EXECUTORS = {
    "aws_backup_vault": delete_backup_vault,
}
