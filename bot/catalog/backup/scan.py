"""AWS Backup: every backup vault of the region that a person made, with the recovery points it holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.backup import _console_url
from bot.catalog.base import Listed, Lister, ScanScope, text

# The vault AWS Backup makes the first time it is used in a region (the console's and plans' default target).
_DEFAULT_VAULT = "Default"
# Vaults AWS services make for themselves: aws/efs/automatic-backup-vault for EFS's automatic backups, and the like.
_AWS_PREFIX = "aws/"
# ListBackupVaults also answers logically air-gapped (and restore access) vaults, which are other Terraform types
# (aws_backup_logically_air_gapped_vault); an answer without a VaultType predates them and is a backup vault.
_BACKUP_VAULT = "BACKUP_VAULT"


def _vaults(scope: ScanScope) -> Iterator[Listed]:
    for vault in paged(scope.clients("backup"), "list_backup_vaults", "BackupVaultList"):
        name = vault["BackupVaultName"]
        if name == _DEFAULT_VAULT or name.startswith(_AWS_PREFIX):
            continue
        if text(vault.get("VaultType")) not in ("", _BACKUP_VAULT):
            continue
        yield Listed(
            import_id=name,
            name=name,
            arn=text(vault.get("BackupVaultArn")) or scope.arn("backup", f"backup-vault:{name}"),
            console_url=_console_url(scope.region, name),
            facts=_facts(vault),
        )


def _facts(vault: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    points = vault.get("NumberOfRecoveryPoints")
    if isinstance(points, int):
        facts.append(("recovery points", str(points)))
    if vault.get("Locked"):
        facts.append(("vault lock", "locked"))
    return tuple(facts)


LISTERS = {
    "aws_backup_vault": Lister(("backup:ListBackupVaults",), _vaults),
}
