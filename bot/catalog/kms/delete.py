"""Deleting KMS keys: scheduled for deletion with the longest waiting period KMS allows."""

from __future__ import annotations

from bot.catalog._delete import RECOVERY_DAYS, DeleteOutcome, DeleteRequest, call
from bot.catalog.template_input import Clients


def delete_kms_key(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    kms = aws("kms")
    answer = call(kms.schedule_key_deletion, KeyId=req.import_id, PendingWindowInDays=RECOVERY_DAYS)
    when = answer.get("DeletionDate")
    day = when.strftime("%Y-%m-%d") if hasattr(when, "strftime") else f"in {RECOVERY_DAYS} days"
    return DeleteOutcome(
        f"Scheduled KMS key {req.import_id} for deletion on {day}; cancel the deletion before then to keep it "
        "(data encrypted with it cannot be read once it is gone).",
        kept=f"recoverable until {day}",
    )


def delete_kms_alias(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    # Only the name goes: the key it points to, and everything encrypted under it, stay.
    call(aws("kms").delete_alias, AliasName=req.import_id)
    return DeleteOutcome(f"Deleted KMS alias {req.import_id}; the key it pointed to is unchanged.")


EXECUTORS = {
    "aws_kms_key": delete_kms_key,
    "aws_kms_alias": delete_kms_alias,
}
