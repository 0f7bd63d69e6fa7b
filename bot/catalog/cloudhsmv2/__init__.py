"""AWS CloudHSM clusters (the current CloudHSM API)."""

from __future__ import annotations

from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, dig, first, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord


def _cluster_body(response: Any) -> dict[str, Any]:
    for key in ("cluster", "Cluster"):
        inner = dig(response, key)
        if isinstance(inner, dict):
            return inner
    return response if isinstance(response, dict) else {}


def _cluster(record: CloudTrailRecord) -> list[Found]:
    body = _cluster_body(record.response)
    # CloudHSM makes up the cluster ID; only the response knows it.
    cluster_id = need(first((text(body.get("clusterId")), text(body.get("ClusterId")))),
                      "responseElements.cluster.clusterId")
    region = region_of(record)
    tags = (tags_from_pairs(record.request.get("tagList")) or tags_from_pairs(record.request.get("TagList"))
            or tags_from_pairs(body.get("tagList")))
    return [
        Found(
            import_id=cluster_id,
            name=cluster_id,
            arn=_arn.build(record, "cloudhsm", f"cluster/{cluster_id}"),
            console_url=_console_url(region, cluster_id),
            tags=tags,
        )
    ]


def _console_url(region: str, cluster_id: str) -> str:
    return console(region, f"cloudhsm/home?region={q(region)}#/clusters/{q(cluster_id)}")


ENTRIES = (
    CatalogEntry(
        tf_type="aws_cloudhsm_v2_cluster",
        label="CloudHSM cluster",
        service="cloudhsmv2",
        event_source="cloudhsm.amazonaws.com",
        create_events=("CreateCluster",),
        delete_events=("DeleteCluster",),
        resolve=_cluster,
        import_id_format="cluster ID: `terraform import aws_cloudhsm_v2_cluster.test_cluster cluster-aeb282a201`",
        # The keys live in the cluster's HSMs (and its backups), which a delete of the cluster alone never takes.
        loses_data=True,
    ),
)
