"""AWS Step Functions: every state machine of the region."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, text
from bot.catalog.sfn import _state_machine_console


def _state_machines(scope: ScanScope) -> Iterator[Listed]:
    for machine in paged(scope.clients("stepfunctions"), "list_state_machines", "stateMachines"):
        arn = machine["stateMachineArn"]
        yield Listed(
            import_id=arn,
            name=text(machine.get("name")) or arn.rsplit(":", 1)[-1],
            arn=arn,
            console_url=_state_machine_console(scope.region, arn),
            facts=(("type", machine["type"]),) if text(machine.get("type")) else (),
        )


LISTERS = {
    "aws_sfn_state_machine": Lister(("states:ListStateMachines",), _state_machines),
}
