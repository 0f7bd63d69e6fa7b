"""Amazon DynamoDB tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, optional, pair_tags, sorted_strings
from bot.catalog.base import dig
from bot.catalog.template_input import Clients, Model, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _keys(schema: Any) -> dict[str, str]:
    """{"HASH": name, "RANGE": name} from a key schema in either capitalisation."""
    keys = {}
    for element in schema or ():
        kind = element.get("KeyType", element.get("keyType"))
        name = element.get("AttributeName", element.get("attributeName"))
        if kind and name:
            keys[kind] = name
    return keys


def _index(index: Mapping[str, Any], provisioned: bool) -> dict[str, Any]:
    keys = _keys(index.get("KeySchema"))
    projection = index.get("Projection") or {}
    throughput = index.get("ProvisionedThroughput") or {}
    return {
        k: v
        for k, v in {
            "name": index.get("IndexName"),
            "hash_key": keys.get("HASH"),
            "range_key": keys.get("RANGE"),
            "projection_type": projection.get("ProjectionType"),
            "non_key_attributes": sorted_strings(projection.get("NonKeyAttributes")),
            "read_capacity": throughput.get("ReadCapacityUnits") if provisioned else None,
            "write_capacity": throughput.get("WriteCapacityUnits") if provisioned else None,
        }.items()
        if v not in (None, [])
    }


def _table_args(table: Mapping[str, Any]) -> dict[str, Any]:
    billing = dig(table, "BillingModeSummary", "BillingMode") or table.get("BillingMode") or "PROVISIONED"
    provisioned = billing == "PROVISIONED"
    keys = _keys(table.get("KeySchema"))
    stream = table.get("StreamSpecification") or {}
    sse = table.get("SSEDescription") or {}
    table_class = dig(table, "TableClassSummary", "TableClass")
    return {
        "name": table.get("TableName"),
        "billing_mode": "PAY_PER_REQUEST" if not provisioned else None,
        "read_capacity": dig(table, "ProvisionedThroughput", "ReadCapacityUnits") if provisioned else None,
        "write_capacity": dig(table, "ProvisionedThroughput", "WriteCapacityUnits") if provisioned else None,
        "hash_key": keys.get("HASH"),
        "range_key": keys.get("RANGE"),
        "table_class": None if table_class in (None, "STANDARD") else table_class,
        "deletion_protection_enabled": True if table.get("DeletionProtectionEnabled") else None,
        "stream_enabled": True if stream.get("StreamEnabled") else None,
        "stream_view_type": stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        "attributes": [
            {"name": a.get("AttributeName"), "type": a.get("AttributeType")}
            for a in table.get("AttributeDefinitions") or ()
        ],
        "global_secondary_indexes": [_index(i, provisioned) for i in table.get("GlobalSecondaryIndexes") or ()],
        "local_secondary_indexes": [_index(i, False) for i in table.get("LocalSecondaryIndexes") or ()],
        # AWS reports the AWS managed key (aws/dynamodb) by its ARN like a key of one's own, and the provider reads
        # that one back as no key: the key is left to what AWS holds, and named in a note.
        "sse": {"enabled": True} if sse.get("Status") in ("ENABLED", "ENABLING") and sse.get("SSEType") == "KMS"
        else None,
    }


def _notes(table: Mapping[str, Any]) -> tuple[str, ...]:
    key = (table.get("SSEDescription") or {}).get("KMSMasterKeyArn")
    if not key:
        return ()
    return (f"Encrypted with KMS key {key}. If that is a key of your own rather than the AWS managed key "
            "(aws/dynamodb), set it as server_side_encryption's kms_key_arn.",)


def _describe_table(clients: Clients, resource: Resource) -> Model:
    dynamodb = clients("dynamodb")
    table = dynamodb.describe_table(TableName=resource.import_id)["Table"]
    args = _table_args(table)
    ttl = optional(dynamodb.describe_time_to_live, "UnknownOperationException", TableName=resource.import_id)
    ttl = dig(ttl, "TimeToLiveDescription") or {}
    if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") and ttl.get("AttributeName"):
        args["ttl"] = {"attribute_name": ttl["AttributeName"], "enabled": True}
    backups = optional(
        dynamodb.describe_continuous_backups, "UnknownOperationException", TableName=resource.import_id
    )
    pitr = dig(backups, "ContinuousBackupsDescription", "PointInTimeRecoveryDescription", "PointInTimeRecoveryStatus")
    if pitr == "ENABLED":
        args["point_in_time_recovery"] = True
    tags = dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"]).get("Tags")
    args["tags"] = pair_tags(tags)
    return Model(args=args, notes=_notes(table))


def _lower_first(body: Any) -> Any:
    """CloudTrail's camelCase request shapes, recased to the API's PascalCase so one reader handles both."""
    if isinstance(body, dict):
        return {(k[0].upper() + k[1:] if k else k): _lower_first(v) for k, v in body.items()}
    if isinstance(body, list):
        return [_lower_first(v) for v in body]
    return body


def _table_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    response = record.response if record is not None else {}
    request = record.request if record is not None else {}
    description = _lower_first(response.get("tableDescription") or request)
    description.setdefault("TableName", resource.import_id)
    if "BillingMode" in description and "BillingModeSummary" not in description:
        description["BillingModeSummary"] = {"BillingMode": description["BillingMode"]}
    args = _table_args(description)
    args["tags"] = clean_tags(resource.tags)
    return Model(args=args, notes=_notes(description))


CODEGEN = (TypeCodegen("aws_dynamodb_table", _describe_table, _table_from_event),)
