"""Amazon DynamoDB: every table of the region, described one by one for its billing, size and item count."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import byte_size, described, paged
from bot.catalog.base import Listed, Lister, ScanScope, dig, text
from bot.catalog.dynamodb import _console


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
        facts.append(("size", byte_size(table["TableSizeBytes"])))
    if isinstance(table.get("ItemCount"), int):
        facts.append(("items", str(table["ItemCount"])))
    if text(dig(table, "TableClassSummary", "TableClass")) == "STANDARD_INFREQUENT_ACCESS":
        facts.append(("class", "STANDARD_INFREQUENT_ACCESS"))
    return tuple(facts)


def _tables(scope: ScanScope) -> Iterator[Listed]:
    dynamodb = scope.clients("dynamodb")
    for name in paged(dynamodb, "list_tables", "TableNames"):
        # DescribeTable takes one table: the billing mode, size and item count are only there.
        table = described(dynamodb.describe_table, "Table", TableName=name)
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
