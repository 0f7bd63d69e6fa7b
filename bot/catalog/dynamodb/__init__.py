"""Amazon DynamoDB tables."""

from __future__ import annotations

from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, first, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord

# Where each creating call names the new table: request field, then the response's description object, as CloudTrail
# writes them (camelCase); the API model's PascalCase spellings are read too.
_NAME_FIELD = {
    "CreateTable": ("tableName",),
    "RestoreTableFromBackup": ("targetTableName",),
    "RestoreTableToPointInTime": ("targetTableName",),
    "ImportTable": ("tableCreationParameters", "tableName"),
}
_DESCRIPTION = {"ImportTable": "importTableDescription"}


def _pascal(name: str) -> str:
    return name[0].upper() + name[1:]


def _get(body: Any, *path: str) -> Any:
    """body[path...] with each step as CloudTrail spells it, or as the API model does (tableName, TableName)."""
    for step in path:
        if not isinstance(body, dict):
            return None
        body = body.get(step, body.get(_pascal(step)))
    return body


def _console(region: str, name: str) -> str:
    return console(region, f"dynamodbv2/home?region={q(region)}#table?name={q(name)}")


def _table(record: CloudTrailRecord) -> list[Found]:
    path = _NAME_FIELD.get(record.event_name, ("tableName",))
    description = _get(record.response, _DESCRIPTION.get(record.event_name, "tableDescription"))
    table_arn = text(_get(description, "tableArn"))
    name = need(
        first(
            (
                text(_get(record.request, *path)),
                text(_get(description, "tableName")),
                # An import's description names the table only in its ARN: arn:...:table/<name>.
                table_arn.split(":table/", 1)[1] if ":table/" in table_arn else "",
            )
        ),
        "requestParameters." + ".".join(path),
    )
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name,
            arn=table_arn or _arn.build(record, "dynamodb", f"table/{name}"),
            console_url=_console(region, name),
            tags=tags_from_pairs(_get(record.request, "tags")),
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_dynamodb_table",
        label="DynamoDB table",
        service="dynamodb",
        event_source="dynamodb.amazonaws.com",
        create_events=tuple(_NAME_FIELD),
        delete_events=("DeleteTable",),
        resolve=_table,
        import_id_format="table name: `terraform import aws_dynamodb_table.basic-dynamodb-table GameScores`",
        loses_data=True,
    ),
)
