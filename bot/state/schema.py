"""The DynamoDB tables as data: names, keys, indexes, TTL; read from the PynamoDB models, which declare them once.

`table_specs(settings)` is what `infra/` is checked against; `configure(settings)` points the models at the
settings' tables and endpoint at start-up; `create_tables` makes them where nothing else does (tests, sandbox).
Run `python -m bot.state.schema` to print the specs as JSON.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from typing import Any

import botocore.session
from pynamodb.attributes import TTLAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from bot import aws
from bot.config import Settings
from bot.state.tables import MODELS

BILLING_MODE = "PAY_PER_REQUEST"
# The threads of the process share one botocore connection pool for every table; at least this many connections.
MIN_POOL_CONNECTIONS = 16


@dataclass(frozen=True, slots=True)
class KeySpec:
    name: str
    type: str  # S, N or B, as DynamoDB's AttributeDefinitions spell it


@dataclass(frozen=True, slots=True)
class IndexSpec:
    name: str
    hash_key: KeySpec
    range_key: KeySpec | None
    projection: str  # ALL, KEYS_ONLY or INCLUDE


@dataclass(frozen=True, slots=True)
class TableSpec:
    model: str  # the PynamoDB class
    suffix: str
    name: str
    hash_key: KeySpec
    range_key: KeySpec | None
    global_indexes: tuple[IndexSpec, ...]
    ttl_attribute: str | None
    billing_mode: str = BILLING_MODE

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def table_name(settings: Settings, model: type[Model]) -> str:
    return f"{settings.table_prefix}{model.TABLE_SUFFIX}"  # type: ignore[attr-defined]


def _spec(model: type[Model], name: str) -> TableSpec:
    schema = model._get_schema()
    types = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}

    def keys(key_schema: Any) -> tuple[KeySpec, KeySpec | None]:
        by_role = {k["KeyType"]: k["AttributeName"] for k in key_schema}
        hash_name, range_name = by_role["HASH"], by_role.get("RANGE")
        return KeySpec(hash_name, types[hash_name]), (KeySpec(range_name, types[range_name]) if range_name else None)

    hash_key, range_key = keys(schema["key_schema"])
    indexes = []
    for index in sorted(schema["global_secondary_indexes"], key=lambda i: i["index_name"]):
        index_hash, index_range = keys(index["key_schema"])
        indexes.append(IndexSpec(index["index_name"], index_hash, index_range, index["projection"]["ProjectionType"]))
    ttl = next((a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)), None)
    return TableSpec(
        model=model.__name__,
        suffix=model.TABLE_SUFFIX,  # type: ignore[attr-defined]
        name=name,
        hash_key=hash_key,
        range_key=range_key,
        global_indexes=tuple(indexes),
        ttl_attribute=ttl,
        billing_mode=getattr(model.Meta, "billing_mode", BILLING_MODE),
    )


def table_specs(settings: Settings | None = None) -> tuple[TableSpec, ...]:
    """Every table tfsync uses, named for the settings (default settings when none are given)."""
    settings = settings or Settings()
    return tuple(_spec(model, table_name(settings, model)) for model in MODELS)


class SharedSessionConnection(Connection):
    """PynamoDB's connection, with its botocore client made from the process's one session (`bot.aws.session`).

    PynamoDB makes a botocore session per connection and thread, each with its own loader and so its own parsed
    DynamoDB model and endpoint rules; this one takes the process's, and makes its client under the same lock as
    every other client (making clients is not thread-safe).
    """

    @property
    def session(self) -> botocore.session.Session:
        return aws.session()

    @property
    def client(self) -> Any:
        with aws.lock:
            return Connection.client.fget(self)  # type: ignore[attr-defined]


_connections: dict[tuple[str, str | None, int], SharedSessionConnection] = {}


def _pool_size(settings: Settings) -> int:
    # One client serves every table: as many connections as the consumer's threads may use at once.
    return max(MIN_POOL_CONNECTIONS, settings.consumer_concurrency * 3)


def connection(settings: Settings) -> Connection:
    """The process's DynamoDB connection for the settings: every model and every transaction uses it."""
    key = (settings.aws_region, aws.endpoint_url(settings, "dynamodb"), _pool_size(settings))
    with aws.lock:
        if key not in _connections:
            _connections[key] = SharedSessionConnection(region=key[0], host=key[1], max_pool_connections=key[2])
        return _connections[key]


def configure(settings: Settings) -> None:
    """Point every model at the settings' table names, region and DynamoDB endpoint (one set of tables a process).

    Every model's table connection is given the one shared connection (one botocore client and connection pool for
    all tables). PynamoDB reads a model's Meta when it first makes the model's connection and keeps that
    connection, so a change drops it; calling this again with the same settings keeps the connections made.
    """
    shared = connection(settings)
    for model in MODELS:
        meta = {
            "table_name": table_name(settings, model),
            "region": settings.aws_region,
            "host": shared.host,
            "max_pool_connections": _pool_size(settings),
        }
        current = model._connection
        if current is not None and current.connection is shared and all(
            getattr(model.Meta, key, None) == value for key, value in meta.items()
        ):
            continue
        for key, value in meta.items():
            setattr(model.Meta, key, value)
        model._connection = None
        table = model._get_connection()
        meta_table = table.get_meta_table()
        # The schema the model declares (no DescribeTable call); a connection kept across a switch of endpoint
        # and back knows it already.
        if meta_table.table_name not in shared._tables:
            shared.add_meta_table(meta_table)
        table.connection = shared


def warm_up(*connections: Connection) -> None:
    """Make the botocore clients now, on one thread, before the threads that share them start."""
    for model in MODELS:
        model._get_connection().connection.client  # noqa: B018 - the property creates and caches the client
    for conn in connections:
        conn.client  # noqa: B018


def create_tables(settings: Settings) -> None:
    """Create every missing table (with its indexes and TTL) and wait until they are active."""
    configure(settings)
    for model in MODELS:
        model.create_table(wait=True, billing_mode=BILLING_MODE)


def main() -> int:
    json.dump([spec.as_dict() for spec in table_specs(Settings.from_env())], sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
