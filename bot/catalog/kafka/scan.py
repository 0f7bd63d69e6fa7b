"""Amazon MSK: every provisioned cluster of the region (MSK Serverless clusters are another Terraform type)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import paged
from bot.catalog.base import Listed, Lister, ScanScope, dig, tags_from_map, text
from bot.catalog.kafka import _console


def _facts(cluster: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    provisioned = cluster.get("Provisioned") or {}
    instance_type = text(dig(provisioned, "BrokerNodeGroupInfo", "InstanceType"))
    brokers = provisioned.get("NumberOfBrokerNodes")
    volume = dig(provisioned, "BrokerNodeGroupInfo", "StorageInfo", "EbsStorageInfo", "VolumeSize")
    state = text(cluster.get("State"))
    facts = [
        ("brokers", f"{brokers} x {instance_type}" if brokers and instance_type else instance_type),
        ("storage", f"{volume} GiB per broker" if volume else ""),
        ("kafka", text(dig(provisioned, "CurrentBrokerSoftwareInfo", "KafkaVersion"))),
        ("state", state if state != "ACTIVE" else ""),
    ]
    return tuple((label, value) for label, value in facts if value)


def _clusters(scope: ScanScope) -> Iterator[Listed]:
    clusters = paged(scope.clients("kafka"), "list_clusters_v2", "ClusterInfoList", ClusterTypeFilter="PROVISIONED")
    for cluster in clusters:
        # Serverless clusters are aws_msk_serverless_cluster's; a cluster being deleted is not there to adopt.
        if text(cluster.get("ClusterType")) == "SERVERLESS" or text(cluster.get("State")) == "DELETING":
            continue
        arn = text(cluster["ClusterArn"])
        yield Listed(
            import_id=arn,
            name=text(cluster.get("ClusterName")) or arn,
            arn=arn,
            console_url=_console(scope.region, arn),
            tags=tags_from_map(cluster.get("Tags")),
            facts=_facts(cluster),
        )


LISTERS = {
    "aws_msk_cluster": Lister(("kafka:ListClustersV2",), _clusters),
}
