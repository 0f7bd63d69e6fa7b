"""Amazon Athena: every workgroup of the region but the `primary` one AWS makes, with its state and engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.catalog._scan import followed
from bot.catalog.athena import _console_url
from bot.catalog.base import Listed, Lister, ScanScope, text

# AWS makes this workgroup in every region of every account, and it cannot be deleted.
_AWS_MADE = "primary"


def _workgroups(scope: ScanScope) -> Iterator[Listed]:
    # ListWorkGroups has no boto3 paginator.
    for group in followed(scope.clients("athena").list_work_groups, "WorkGroups"):
        name = group["Name"]
        if name == _AWS_MADE:
            continue
        yield Listed(
            import_id=name,
            name=name,
            arn=scope.arn("athena", f"workgroup/{name}"),
            console_url=_console_url(scope.region, name),
            facts=_facts(group),
        )


def _facts(group: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    state = text(group.get("State"))  # ENABLED or DISABLED
    if state:
        facts.append(("state", state))
    engine = group.get("EngineVersion") or {}
    version = text(engine.get("EffectiveEngineVersion")) or text(engine.get("SelectedEngineVersion"))
    if version:
        facts.append(("engine", version))
    return tuple(facts)


LISTERS = {
    "aws_athena_workgroup": Lister(("athena:ListWorkGroups",), _workgroups),
}
