"""AWS CloudHSM: every cluster of the region that is not deleted, with its HSM type, HSM count and state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, tags_from_pairs, text
from bot.catalog.cloudhsmv2 import _console_url

# A cluster being deleted or deleted already (DescribeClusters answers those for a while) is not there to adopt.
_GONE = frozenset({"DELETE_IN_PROGRESS", "DELETED"})


def _clusters(scope: ScanScope) -> Iterator[Listed]:
    for cluster in paged(scope.clients("cloudhsmv2"), "describe_clusters", "Clusters"):
        if cluster.get("State") in _GONE:
            continue
        cluster_id = cluster["ClusterId"]
        yield Listed(
            import_id=cluster_id,
            name=cluster_id,
            arn=scope.arn("cloudhsm", f"cluster/{cluster_id}"),
            console_url=_console_url(scope.region, cluster_id),
            tags=tags_from_pairs(cluster.get("TagList"), "Key", "Value"),
            facts=_facts(cluster),
        )


def _facts(cluster: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    hsm_type = text(cluster.get("HsmType"))
    if hsm_type:
        facts.append(("HSM type", hsm_type))
    # An uninitialized cluster, or one whose HSMs were all removed, has none: it costs nothing but its backups.
    facts.append(("HSMs", str(len(cluster.get("Hsms") or []))))
    state = text(cluster.get("State"))
    if state:
        facts.append(("state", state))
    return tuple(facts)


LISTERS = {
    "aws_cloudhsm_v2_cluster": Lister(("cloudhsm:DescribeClusters",), _clusters),
}
