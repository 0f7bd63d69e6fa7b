"""Amazon CloudWatch Logs: a region's log groups, less those AWS services make for their own logs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope
from bot.catalog.logs import _log_group_console

# /aws/ is where AWS services write their own logs, each making its group the first time it logs (Lambda's
# /aws/lambda/<function>, CodeBuild's /aws/codebuild/<project>, RDS's /aws/rds/..., EKS's /aws/eks/..., API Gateway's
# /aws/apigateway/welcome): made by the service, not by a person, so they are left out. The exceptions are the /aws/
# prefixes that name groups people make there, themselves or through a console page that makes one for them:
# /aws/vendedlogs/ (AWS's prefix for groups made to receive vended logs, as the Step Functions console's
# /aws/vendedlogs/states/...), the EventBridge console's /aws/events/ and the Route 53 console's query logging
# /aws/route53/.
_SERVICE_PREFIX = "/aws/"
_PEOPLE_PREFIXES = ("/aws/vendedlogs/", "/aws/events/", "/aws/route53/")
# Groups services make outside /aws/: API Gateway's execution logs, RDS Enhanced Monitoring's metrics, Glue's
# job and crawler output.
_SERVICE_GROUPS = ("API-Gateway-Execution-Logs_", "RDSOSMetrics", "/aws-glue/")


def _made_by_a_service(name: str) -> bool:
    """Whether a log group's name is one an AWS service gives the group it makes for its own logs."""
    if name.startswith(_SERVICE_PREFIX):
        return not name.startswith(_PEOPLE_PREFIXES)
    return name.startswith(_SERVICE_GROUPS)


def _log_groups(scope: ScanScope) -> Iterator[Listed]:
    for group in paged(scope.clients("logs"), "describe_log_groups", "logGroups"):
        name = group["logGroupName"]
        if _made_by_a_service(name):
            continue
        yield Listed(
            import_id=name,
            name=name,
            # Without the ":*" suffix the API's `arn` adds, as the resolver and the provider's `arn` have it.
            arn=scope.arn("logs", f"log-group:{name}"),
            console_url=_log_group_console(scope.region, name),
            facts=_facts(group),
        )


def _facts(group: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    days = group.get("retentionInDays")
    facts = [("retention", f"{days} days" if days else "never expires")]
    stored = group.get("storedBytes")
    if isinstance(stored, int):
        facts.append(("stored", _size(stored)))
    if group.get("logGroupClass") and group["logGroupClass"] != "STANDARD":
        facts.append(("class", str(group["logGroupClass"])))
    return tuple(facts)


def _size(count: int) -> str:
    """A byte count as people read it: 512 B, 1.5 KiB, 20.0 GiB."""
    if count < 1024:
        return f"{count} B"
    size = count / 1024
    for unit in ("KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


LISTERS = {
    "aws_cloudwatch_log_group": Lister(("logs:DescribeLogGroups",), _log_groups),
}
