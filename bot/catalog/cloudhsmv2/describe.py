"""AWS CloudHSM clusters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    mapping = cluster.get("SubnetMapping") or cluster.get("subnetMapping")
    subnets = list(mapping.values()) if isinstance(mapping, Mapping) else cluster.get("SubnetIds") or cluster.get(
        "subnetIds")
    return {
        "hsm_type": cluster.get("HsmType") or cluster.get("hsmType"),
        "subnet_ids": sorted_strings(subnets),
        "source_backup_identifier": cluster.get("SourceBackupId") or cluster.get("sourceBackupId"),
        "tags": clean_tags(tags),
    }


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    found = clients("cloudhsmv2").describe_clusters(Filters={"clusterIds": [resource.import_id]}).get("Clusters")
    if not found:
        raise NotFound(f"CloudHSM cluster {resource.import_id}")
    cluster = found[0]
    return Model(args=_cluster_args(cluster, pair_tags(cluster.get("TagList"))))


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = dict(record.request) if record is not None else {}
    response: Any = record.response.get("cluster") if record is not None else None
    cluster = {**request, **(response if isinstance(response, Mapping) else {})}
    return Model(args=_cluster_args(cluster, resource.tags))


CODEGEN = (TypeCodegen("aws_cloudhsm_v2_cluster", _describe_cluster, _cluster_from_event),)
