"""Amazon DynamoDB: every table of the region, described one by one for its billing, size and item count."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from bot.catalog.base import Listed, Lister, ScanScope, dig, text
from bot.catalog.dynamodb import _console

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def _size(count: int) -> str:
    """A byte count as people read it: 512 B, 1.5 KiB, 20.0 GiB."""
    value, unit = float(count), 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{count} B" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"


def _facts(table: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    # A table made before on-demand existed reports no BillingModeSummary: it is provisioned.
    billing = text(dig(table, "BillingModeSummary", "BillingMode")) or "PROVISIONED"
    facts = [("billing", billing)]
    throughput = table.get("ProvisionedThroughput") or {}
    if billing == "PROVISIONED" and "ReadCapacityUnits" in throughput:
        facts.append(("capacity", f"{throughput['ReadCapacityUnits']} read / "
                                  f"{throughput.get('WriteCapacityUnits', 0)} write units"))
    # DynamoDB refreshes both about every six hours.
    if isinstance(table.get("TableSizeBytes"), int):
        facts.append(("size", _size(table["TableSizeBytes"])))
    if isinstance(table.get("ItemCount"), int):
        facts.append(("items", str(table["ItemCount"])))
    if text(dig(table, "TableClassSummary", "TableClass")) == "STANDARD_INFREQUENT_ACCESS":
        facts.append(("class", "STANDARD_INFREQUENT_ACCESS"))
    return tuple(facts)


def _describe(dynamodb: Any, name: str) -> Mapping[str, Any] | None:
    try:
        return dict(dynamodb.describe_table(TableName=name)["Table"])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None  # deleted since the listing
        raise


def _tables(scope: ScanScope) -> Iterator[Listed]:
    dynamodb = scope.clients("dynamodb")
    for page in dynamodb.get_paginator("list_tables").paginate():
        for name in page.get("TableNames", []):
            # DescribeTable takes one table: the billing mode, size and item count are only there.
            table = _describe(dynamodb, name)
            if table is None or text(table.get("TableStatus")) == "DELETING":
                continue
            yield Listed(
                import_id=name,
                name=name,
                arn=text(table.get("TableArn")) or scope.arn("dynamodb", f"table/{name}"),
                console_url=_console(scope.region, name),
                facts=_facts(table),
            )


LISTERS = {
    "aws_dynamodb_table": Lister(("dynamodb:ListTables", "dynamodb:DescribeTable"), _tables),
}
