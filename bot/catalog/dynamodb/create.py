"""Making a DynamoDB table, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug


def create_dynamodb_table(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    table = slug(name, limit=255)
    made = ctx.client("dynamodb").create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], **({"Tags": pairs(tags)} if tags else {}),
    )["TableDescription"]
    return Call({"tableName": table, "billingMode": "PAY_PER_REQUEST",
                 "keySchema": [{"attributeName": "pk", "keyType": "HASH"}], "tags": ct_tags(tags)},
                {"tableDescription": {"tableName": table, "tableArn": made["TableArn"],
                                      "tableStatus": "CREATING"}})


CREATORS = {
    "aws_dynamodb_table": create_dynamodb_table,
}
