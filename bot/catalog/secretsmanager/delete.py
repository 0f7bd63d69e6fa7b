"""Deleting Secrets Manager secrets: with the longest recovery window Secrets Manager allows."""

from __future__ import annotations

from bot.catalog._delete import RECOVERY_DAYS, DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_secret(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    secrets = aws("secretsmanager")
    call(secrets.delete_secret, SecretId=req.import_id, RecoveryWindowInDays=RECOVERY_DAYS)
    return DeleteOutcome(f"Scheduled secret {req.name or req.import_id} for deletion; it can be restored for "
                         f"{RECOVERY_DAYS} days.", kept=f"recoverable for {RECOVERY_DAYS} days")


EXECUTORS = {
    "aws_secretsmanager_secret": delete_secret,
}
