"""Amazon Elastic Kubernetes Service."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    Found,
    console,
    dig,
    first,
    need,
    q,
    region_of,
    state_attribute,
    tags_from_map,
    text,
)
from bot.events import CloudTrailRecord


def _cluster_console(region: str, name: str) -> str:
    return console(region, f"eks/home?region={q(region)}#/clusters/{q(name)}")


def _cluster(record: CloudTrailRecord) -> list[Found]:
    # EKS's launch API (2018) named the cluster `clusterName`, in the request and in the response's cluster object;
    # it has been `name` since.
    cluster = dig(record.response, "cluster")
    name = need(
        first((text(record.request.get("name")), text(record.request.get("clusterName")),
               text(dig(cluster, "name")), text(dig(cluster, "clusterName")))),
        "requestParameters.name",
    )
    region = region_of(record)
    arn = text(dig(cluster, "arn"))
    if not arn:
        arn = _arn.build(record, "eks", f"cluster/{name}")
    return [
        Found(
            import_id=name,
            name=name,
            arn=arn,
            console_url=_cluster_console(region, name),
            tags=tags_from_map(record.request.get("tags")) or tags_from_map(dig(cluster, "tags")),
        )
    ]



ENTRIES = (
    CatalogEntry(
        tf_type="aws_eks_cluster",
        label="EKS cluster",
        service="eks",
        event_source="eks.amazonaws.com",
        create_events=("CreateCluster",),
        delete_events=("DeleteCluster",),
        resolve=_cluster,
        import_id_format="cluster name: `terraform import aws_eks_cluster.my_cluster my_cluster`",
        # Deleting the cluster deletes its etcd: every Kubernetes object in it (Secrets, ConfigMaps, anything
        # applied by hand) is gone, unlike an ECS cluster, which stores nothing itself.
        loses_data=True,
        state_import_id=state_attribute("name", "id"),
    ),
)
