"""The table specs are what create_tables really makes: keys, indexes, TTL, names from the settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.state.schema import create_tables, table_specs


def test_tables_created_from_the_models_match_the_specs(
    aws_env: dict[str, str], aws_client: Callable[..., Any]
) -> None:
    settings = Settings.from_env({**aws_env, "TFSYNC_TABLE_PREFIX": "acme-tfsync-"})
    create_tables(settings)
    dynamodb = aws_client("dynamodb")
    specs = table_specs(settings)
    assert sorted(dynamodb.list_tables()["TableNames"]) == sorted(spec.name for spec in specs)
    assert {spec.name for spec in specs} == {
        "acme-tfsync-resources", "acme-tfsync-audit", "acme-tfsync-dedupe", "acme-tfsync-ignore-rules",
        "acme-tfsync-channels",
    }  # fmt: skip
    for spec in specs:
        table = dynamodb.describe_table(TableName=spec.name)["Table"]
        types = {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]}
        keys = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
        assert keys.get("HASH") == spec.hash_key.name and types[spec.hash_key.name] == spec.hash_key.type
        assert keys.get("RANGE") == (spec.range_key.name if spec.range_key else None)
        if spec.range_key:
            assert types[spec.range_key.name] == spec.range_key.type
        assert table["BillingModeSummary"]["BillingMode"] == spec.billing_mode == "PAY_PER_REQUEST"
        indexes = {
            i["IndexName"]: (
                {k["KeyType"]: k["AttributeName"] for k in i["KeySchema"]},
                i["Projection"]["ProjectionType"],
            )
            for i in table.get("GlobalSecondaryIndexes", [])
        }
        assert indexes == {
            i.name: ({"HASH": i.hash_key.name, **({"RANGE": i.range_key.name} if i.range_key else {})}, i.projection)
            for i in spec.global_indexes
        }
        ttl = dynamodb.describe_time_to_live(TableName=spec.name)["TimeToLiveDescription"]
        if spec.ttl_attribute:
            assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == spec.ttl_attribute
        else:
            assert ttl["TimeToLiveStatus"] == "DISABLED"


def test_the_specs_name_what_the_slack_surfaces_and_the_dedupe_rely_on() -> None:
    by_suffix = {spec.suffix: spec for spec in table_specs()}
    resources = by_suffix["resources"]
    assert resources.name == "tfsync-resources" and resources.hash_key.name == "resource_id"
    indexes = {i.name: i for i in resources.global_indexes}
    assert (indexes["status-age-index"].hash_key.name, indexes["status-age-index"].range_key.name) == (
        "status", "detected_at"
    )  # fmt: skip
    assert (indexes["slack-thread-index"].hash_key.name, indexes["slack-thread-index"].range_key.name) == (
        "slack_channel", "slack_thread_ts"
    )  # fmt: skip
    assert (by_suffix["audit"].hash_key.name, by_suffix["audit"].range_key.name) == ("resource_id", "version")
    assert by_suffix["dedupe"].ttl_attribute == "expires_at"
    assert by_suffix["ignore-rules"].ttl_attribute == "expires_at"
