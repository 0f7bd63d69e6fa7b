"""AWS Systems Manager Parameter Store: a region's parameters made in the account.

DescribeParameters lists none of the public parameters AWS publishes (/aws/service/...: AMI IDs, regions), nor the
parameters other accounts share (unless asked); and people cannot make a name AWS reserves (one starting with
"aws" or "ssm", with or without its hierarchy's leading slash), so a parameter listed with one is AWS's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope
from bot.catalog.ssm import _parameter_console

_RESERVED = ("aws", "ssm")


def _parameters(scope: ScanScope) -> Iterator[Listed]:
    for parameter in paged(scope.clients("ssm"), "describe_parameters", "Parameters"):
        name = parameter["Name"]
        if name.lstrip("/").lower().startswith(_RESERVED):
            continue
        yield Listed(
            import_id=name,
            name=name,
            # As the resolver builds it: a hierarchical name's ARN drops its leading slash.
            arn=scope.arn("ssm", f"parameter/{name.lstrip('/')}"),
            console_url=_parameter_console(scope.region, name),
            facts=_facts(parameter),
        )


def _facts(parameter: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = [(label, str(parameter[key])) for label, key in (("type", "Type"), ("tier", "Tier")) if parameter.get(key)]
    if parameter.get("DataType") and parameter["DataType"] != "text":
        facts.append(("data type", str(parameter["DataType"])))
    return tuple(facts)


LISTERS = {
    "aws_ssm_parameter": Lister(("ssm:DescribeParameters",), _parameters),
}
