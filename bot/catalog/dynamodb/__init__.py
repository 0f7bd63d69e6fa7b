"""Amazon DynamoDB tables."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, dig, first, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord

# Where each creating call names the new table: request field, then the response's description object.
_NAME_FIELD = {
    "CreateTable": ("tableName",),
    "RestoreTableFromBackup": ("targetTableName",),
    "RestoreTableToPointInTime": ("targetTableName",),
    "ImportTable": ("tableCreationParameters", "tableName"),
}
_DESCRIPTION = {"ImportTable": "importTableDescription"}


def _table(record: CloudTrailRecord) -> list[Found]:
    path = _NAME_FIELD.get(record.event_name, ("tableName",))
    description = _DESCRIPTION.get(record.event_name, "tableDescription")
    name = need(
        first((text(dig(record.request, *path)), text(dig(record.response, description, "tableName")))),
        "requestParameters." + ".".join(path),
    )
    region = region_of(record)
    return [
        Found(
            import_id=name,
            name=name,
            arn=text(dig(record.response, description, "tableArn")) or _arn.build(record, "dynamodb", f"table/{name}"),
            console_url=console(region, f"dynamodbv2/home?region={q(region)}#table?name={q(name)}"),
            tags=tags_from_pairs(record.request.get("tags")),
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
