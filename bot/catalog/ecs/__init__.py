"""Amazon Elastic Container Service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, ExtractError, Found, console, dig, first, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord

# CreateCluster without clusterName makes the cluster ECS calls "default".
_DEFAULT_CLUSTER = "default"


def _cluster(record: CloudTrailRecord) -> list[Found]:
    name = first((text(dig(record.response, "cluster", "clusterName")), text(record.request.get("clusterName"))))
    if not name:
        # Only a request that was recorded and left the name out means the default cluster.
        if not isinstance(record.raw.get("requestParameters"), dict):
            raise ExtractError("the record has no requestParameters.clusterName")
        name = _DEFAULT_CLUSTER
    region = region_of(record)
    arn = text(dig(record.response, "cluster", "clusterArn"))
    if not arn:
        arn = _arn.build(record, "ecs", f"cluster/{name}")
    tags = tags_from_pairs(record.request.get("tags")) or tags_from_pairs(dig(record.response, "cluster", "tags"))
    return [
        Found(
            import_id=name,
            name=name,
            arn=arn,
            console_url=console(region, f"ecs/v2/clusters/{q(name)}/services?region={q(region)}"),
            tags=tags,
        )
    ]


def _state_id(attributes: Mapping[str, Any]) -> str | None:
    # The provider's id is the cluster ARN, but import takes the name.
    name = attributes.get("name")
    if isinstance(name, str) and name:
        return name
    arn = attributes.get("id") or attributes.get("arn")
    if isinstance(arn, str) and ":cluster/" in arn:
        return arn.rsplit(":cluster/", 1)[1] or None
    return None


ENTRIES = (
    CatalogEntry(
        tf_type="aws_ecs_cluster",
        label="ECS cluster",
        service="ecs",
        event_source="ecs.amazonaws.com",
        create_events=("CreateCluster",),
        delete_events=("DeleteCluster",),
        resolve=_cluster,
        import_id_format="cluster name: `terraform import aws_ecs_cluster.stateless stateless-app`",
        # ECS refuses to delete a cluster that still has services or container instances, and the cluster itself
        # stores nothing: task definitions, images and logs live elsewhere.
        loses_data=False,
        state_import_id=_state_id,
    ),
)
