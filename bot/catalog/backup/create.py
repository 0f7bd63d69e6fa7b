"""Making an AWS Backup vault, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, slug


def create_backup_vault(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    vault = slug(name, limit=50)
    made = ctx.client("backup").create_backup_vault(BackupVaultName=vault, BackupVaultTags=dict(tags))
    return Call({"backupVaultName": vault, "backupVaultTags": dict(tags)},
                {"backupVaultName": vault, "backupVaultArn": made["BackupVaultArn"],
                 "creationDate": made["CreationDate"].isoformat()},
                event_name="CreateBackupVault")


CREATORS = {
    "aws_backup_vault": create_backup_vault,
}
