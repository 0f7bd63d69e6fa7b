"""Amazon EKS: every cluster of the region, each described for its version, state and tags."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import described, paged
from bot.catalog.base import Listed, Lister, ScanScope, tags_from_map, text
from bot.catalog.eks import _cluster_console

# A cluster being deleted is not there to adopt.
_GONE = frozenset({"DELETING"})


def _clusters(scope: ScanScope) -> Iterator[Listed]:
    eks = scope.clients("eks")
    for name in paged(eks, "list_clusters", "clusters"):
        # EKS has no batch describe; ListClusters names the clusters only, and the state (a cluster being deleted
        # is left out) and the version are in DescribeCluster.
        cluster = described(eks.describe_cluster, "cluster", name=name)
        if cluster is None:
            continue  # deleted since the listing
        status = text(cluster.get("status"))
        if status in _GONE:
            continue
        facts = []
        if text(cluster.get("version")):
            facts.append(("version", cluster["version"]))
        if status and status != "ACTIVE":
            facts.append(("state", status.lower()))
        yield Listed(
            import_id=name,
            name=name,
            arn=text(cluster.get("arn")) or scope.arn("eks", f"cluster/{name}"),
            console_url=_cluster_console(scope.region, name),
            tags=tags_from_map(cluster.get("tags")),
            facts=tuple(facts),
        )


LISTERS = {
    "aws_eks_cluster": Lister(("eks:ListClusters", "eks:DescribeCluster"), _clusters),
}
