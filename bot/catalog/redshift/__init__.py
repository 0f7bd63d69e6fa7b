"""Amazon Redshift provisioned clusters."""

from __future__ import annotations

from typing import Any

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
    spelled_text,
    tags_from_pairs,
)
from bot.events import CloudTrailRecord


def _cluster_body(response: Any) -> dict[str, Any]:
    """The created cluster: CloudTrail writes its fields flat, the API nests them in cluster."""
    for key in ("cluster", "Cluster"):
        inner = dig(response, key)
        if isinstance(inner, dict):
            return inner
    return response if isinstance(response, dict) else {}



def _console(region: str, identifier: str) -> str:
    return console(region, f"redshiftv2/home?region={q(region)}#cluster-details?cluster={q(identifier)}")


def _cluster(record: CloudTrailRecord) -> list[Found]:
    body = _cluster_body(record.response)
    # Redshift stores the identifier lower-cased whatever the caller typed, and the provider imports by it.
    identifier = need(
        first((spelled_text(body, "clusterIdentifier"), spelled_text(record.request, "clusterIdentifier"))),
        "requestParameters.clusterIdentifier",
    ).lower()
    region = region_of(record)
    tags = (tags_from_pairs(body.get("tags")) or tags_from_pairs(body.get("Tags"))
            or tags_from_pairs(record.request.get("tags")) or tags_from_pairs(record.request.get("Tags")))
    return [
        Found(
            import_id=identifier,
            name=identifier,
            arn=_arn.build(record, "redshift", f"cluster:{identifier}"),
            console_url=_console(region, identifier),
            tags=tags,
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_redshift_cluster",
        label="Redshift cluster",
        service="redshift",
        event_source="redshift.amazonaws.com",
        create_events=("CreateCluster", "RestoreFromClusterSnapshot"),
        delete_events=("DeleteCluster",),
        resolve=_cluster,
        import_id_format=(
            "cluster identifier, lower-cased: `terraform import aws_redshift_cluster.myprodcluster "
            "tf-redshift-cluster-12345`"
        ),
        loses_data=True,
        # A destroy's final snapshot: Terraform's own, not kept by AWS.
        argument_only_updates=("skip_final_snapshot", "final_snapshot_identifier", "apply_immediately"),
    ),
)
