"""The state module's DynamoDB tables are the ones the PynamoDB models declare: keys, indexes, TTL, PITR, SSE."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, LocalSecondaryIndex
from pynamodb.models import Model

from infra import generate
from tests.infra.hcl import INFRA, load, module_blocks, unquote

STATE = INFRA / "modules" / "state"


def _module_tables() -> dict[str, Any]:
    return json.loads((STATE / "tables.tf.json").read_text(encoding="utf-8"))["locals"]["tables"]


def _default_prefix() -> str:
    for block in load(STATE / "variables.tf")["variable"]:
        if "table_prefix" in unquote(block):
            return unquote(block)["table_prefix"]["default"]
    raise AssertionError("the state module has no table_prefix variable")


def test_tables_keys_indexes_and_ttl_equal_the_models() -> None:
    schema = pytest.importorskip("bot.state.schema")
    from bot.config import Settings

    settings = Settings()
    assert _default_prefix() == settings.table_prefix
    tables = _module_tables()
    specs = schema.table_specs(settings)
    assert {f"{_default_prefix()}{suffix}" for suffix in tables} == {spec.name for spec in specs}
    for spec in specs:
        table = tables[spec.suffix]
        types = {a["name"]: a["type"] for a in table["attributes"]}
        assert (table["hash_key"], types[table["hash_key"]]) == (spec.hash_key.name, spec.hash_key.type)
        if spec.range_key is None:
            assert table["range_key"] is None
        else:
            assert (table["range_key"], types[table["range_key"]]) == (spec.range_key.name, spec.range_key.type)
        indexes = {i["name"]: i for i in table["global_secondary_indexes"]}
        assert set(indexes) == {i.name for i in spec.global_indexes}
        for index in spec.global_indexes:
            found = indexes[index.name]
            assert (found["hash_key"], types[found["hash_key"]]) == (index.hash_key.name, index.hash_key.type)
            if index.range_key is None:
                assert found["range_key"] is None
            else:
                assert (found["range_key"], types[found["range_key"]]) == (index.range_key.name, index.range_key.type)
            assert found["projection_type"] == index.projection
        assert table["ttl_attribute"] == spec.ttl_attribute
        assert table["billing_mode"] == spec.billing_mode
        # Only key attributes may be declared: DynamoDB rejects definitions no key or index uses.
        key_names = {table["hash_key"], table["range_key"]} | {
            k for i in table["global_secondary_indexes"] for k in (i["hash_key"], i["range_key"])
        }
        assert set(types) == key_names - {None}


def test_every_table_has_point_in_time_recovery_encryption_and_its_ttl() -> None:
    (table,) = module_blocks(STATE, "resource", "aws_dynamodb_table").values()
    assert table["for_each"] == "${local.tables}"
    assert table["point_in_time_recovery"] == [{"enabled": True}]
    assert table["server_side_encryption"][0]["enabled"] is True
    (ttl,) = table["dynamic"][[next(iter(d)) for d in table["dynamic"]].index("ttl")].values()
    assert ttl["content"] == [{"attribute_name": "${ttl.value}", "enabled": True}]
    assert table["name"] == "${var.table_prefix}${each.key}"


class _ByOwner(GlobalSecondaryIndex["_Sample"]):
    class Meta:
        index_name = "owner-index"
        projection = IncludeProjection(["title"])

    owner = UnicodeAttribute(hash_key=True)
    created = NumberAttribute(range_key=True)


class _ByCreated(LocalSecondaryIndex["_Sample"]):
    class Meta:
        index_name = "created-index"
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True)
    created = NumberAttribute(range_key=True)


class _Sample(Model):
    TABLE_SUFFIX = "sample"

    class Meta:
        table_name = "x-sample"

    pk = UnicodeAttribute(hash_key=True)
    sk = NumberAttribute(range_key=True)
    owner = UnicodeAttribute()
    created = NumberAttribute()
    title = UnicodeAttribute()
    expires = TTLAttribute(null=True)
    by_owner = _ByOwner()
    by_created = _ByCreated()


def test_table_from_model_reads_keys_indexes_projection_and_ttl() -> None:
    assert generate.tables([_Sample]) == {
        "sample": {
            "model": f"{__name__}._Sample",
            "billing_mode": "PAY_PER_REQUEST",
            "hash_key": "pk",
            "range_key": "sk",
            "attributes": [
                {"name": "created", "type": "N"},
                {"name": "owner", "type": "S"},
                {"name": "pk", "type": "S"},
                {"name": "sk", "type": "N"},
            ],
            "global_secondary_indexes": [
                {
                    "name": "owner-index",
                    "hash_key": "owner",
                    "range_key": "created",
                    "projection_type": "INCLUDE",
                    "non_key_attributes": ["title"],
                }
            ],
            "local_secondary_indexes": [
                {"name": "created-index", "range_key": "created", "projection_type": "ALL", "non_key_attributes": []}
            ],
            "ttl_attribute": "expires",
        }
    }


def test_two_models_on_one_table_are_refused() -> None:
    class _Twin(Model):
        TABLE_SUFFIX = "sample"

        class Meta:
            table_name = "x-sample"

        pk = UnicodeAttribute(hash_key=True)

    with pytest.raises(ValueError, match="share table sample"):
        generate.tables([_Sample, _Twin])
