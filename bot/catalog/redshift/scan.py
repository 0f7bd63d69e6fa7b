"""Amazon Redshift: every provisioned cluster of the region (Redshift Serverless is another API and type)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, tags_from_pairs, text
from bot.catalog.redshift import _console

# Being deleted: a cluster taking its final snapshot is one DeleteCluster is removing.
_GOING = {"deleting", "final-snapshot"}


def _clusters(scope: ScanScope) -> Iterator[Listed]:
    for cluster in paged(scope.clients("redshift"), "describe_clusters", "Clusters"):
        status = text(cluster.get("ClusterStatus"))
        if status in _GOING:
            continue
        # Redshift stores the identifier lower-cased; the resolver and the provider's import use that form.
        identifier = text(cluster["ClusterIdentifier"]).lower()
        facts = [("nodes", f"{cluster.get('NumberOfNodes', 1)} x {text(cluster.get('NodeType'))}")]
        if status and status != "available":  # "paused" above all: a paused cluster bills storage only
            facts.append(("state", status))
        yield Listed(
            import_id=identifier,
            name=identifier,
            arn=scope.arn("redshift", f"cluster:{identifier}"),
            console_url=_console(scope.region, identifier),
            tags=tags_from_pairs(cluster.get("Tags")),
            facts=tuple(facts),
        )


LISTERS = {
    "aws_redshift_cluster": Lister(("redshift:DescribeClusters",), _clusters),
}
