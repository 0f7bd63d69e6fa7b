"""Deleting DynamoDB tables: refused while deletion protection is on, and a backup named after the table is kept."""

from __future__ import annotations

from bot.catalog._delete import DeleteOutcome, DeleteRefused, DeleteRequest, call, final_name
from bot.catalog.template_input import Clients


def delete_table(aws: Clients, req: DeleteRequest) -> DeleteOutcome:
    dynamodb = aws("dynamodb")
    table = call(dynamodb.describe_table, TableName=req.import_id)["Table"]
    if table.get("DeletionProtectionEnabled"):
        raise DeleteRefused(f"table {req.import_id} has deletion protection on; turn it off to delete it")
    backup = dynamodb.create_backup(TableName=req.import_id, BackupName=final_name(req.import_id, 255))
    arn = backup["BackupDetails"]["BackupArn"]
    call(dynamodb.delete_table, TableName=req.import_id)
    return DeleteOutcome(f"Deleted table {req.import_id}, keeping backup {arn}.", kept=arn)


EXECUTORS = {
    "aws_dynamodb_table": delete_table,
}
