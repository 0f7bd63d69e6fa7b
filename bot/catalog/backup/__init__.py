"""AWS Backup vaults."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, first, need, q, region_of, spelled_text, tags_from_map
from bot.events import CloudTrailRecord


def _vault(record: CloudTrailRecord) -> list[Found]:
    # Vault names are case-sensitive: the name is imported exactly as given.
    name = need(first((spelled_text(record.response, "backupVaultName"),
                       spelled_text(record.request, "backupVaultName"))),
                "requestParameters.backupVaultName")
    region = region_of(record)
    tags = tags_from_map(record.request.get("backupVaultTags")) or tags_from_map(record.request.get("BackupVaultTags"))
    return [
        Found(
            import_id=name,
            name=name,
            arn=spelled_text(record.response, "backupVaultArn") or _arn.build(record, "backup", f"backup-vault:{name}"),
            console_url=_console_url(region, name),
            tags=tags,
        )
    ]


def _console_url(region: str, name: str) -> str:
    return console(region, f"backup/home?region={q(region)}#/backupvaults/details/{q(name)}")


ENTRIES = (
    CatalogEntry(
        tf_type="aws_backup_vault",
        label="AWS Backup vault",
        service="backup",
        event_source="backup.amazonaws.com",
        create_events=("CreateBackupVault",),
        delete_events=("DeleteBackupVault",),
        resolve=_vault,
        import_id_format="vault name: `terraform import aws_backup_vault.test-vault TestVault`",
        # AWS deletes only an empty vault; the recovery points it holds are the data, and they block the delete.
        loses_data=False,
        # Whether a destroy first deletes the vault's recovery points: Terraform's own, not kept by AWS.
        argument_only_updates=("force_destroy",),
    ),
)
