"""AWS Lambda: every function of the region (their $LATEST; Lambda@Edge replicas in other regions are not listed)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, text
from bot.catalog.lambda_ import _function_console


def _functions(scope: ScanScope) -> Iterator[Listed]:
    # ListFunctions without MasterRegion leaves out the replicas Lambda@Edge makes of a function in other regions.
    for function in paged(scope.clients("lambda"), "list_functions", "Functions"):
        name = function["FunctionName"]
        yield Listed(
            import_id=name,
            name=name,
            arn=text(function.get("FunctionArn")) or scope.arn("lambda", f"function:{name}"),
            console_url=_function_console(scope.region, name),
            facts=_facts(function),
        )


def _facts(function: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    if function.get("PackageType") == "Image":
        facts.append(("runtime", "container image"))
    elif text(function.get("Runtime")):
        facts.append(("runtime", function["Runtime"]))
    if function.get("MemorySize"):
        facts.append(("memory", f"{function['MemorySize']} MB"))
    architectures = [a for a in function.get("Architectures") or [] if isinstance(a, str) and a]
    if architectures:
        facts.append(("architecture", ", ".join(architectures)))
    if function.get("Timeout"):
        facts.append(("timeout", f"{function['Timeout']} s"))
    return tuple(facts)


LISTERS = {
    "aws_lambda_function": Lister(("lambda:ListFunctions",), _functions),
}
