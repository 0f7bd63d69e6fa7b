"""Amazon MQ: every broker of the region, ActiveMQ or RabbitMQ."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, text
from bot.catalog.mq import _console


def _brokers(scope: ScanScope) -> Iterator[Listed]:
    for broker in paged(scope.clients("mq"), "list_brokers", "BrokerSummaries"):
        state = text(broker.get("BrokerState"))
        broker_id = text(broker.get("BrokerId"))
        if not broker_id or state == "DELETION_IN_PROGRESS":  # being deleted: not there to adopt
            continue
        name = text(broker.get("BrokerName"))
        facts = (
            ("instance type", text(broker.get("HostInstanceType"))),
            ("engine", text(broker.get("EngineType"))),
            ("deployment", text(broker.get("DeploymentMode"))),
            ("state", state if state != "RUNNING" else ""),
        )
        yield Listed(
            import_id=broker_id,
            name=name or broker_id,
            arn=text(broker.get("BrokerArn"))
            or (scope.arn("mq", f"broker:{name}:{broker_id}") if name else ""),
            console_url=_console(scope.region, broker_id),
            facts=tuple((label, value) for label, value in facts if value),
        )


LISTERS = {
    "aws_mq_broker": Lister(("mq:ListBrokers",), _brokers),
}
