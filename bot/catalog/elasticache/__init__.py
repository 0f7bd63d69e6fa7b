"""Amazon ElastiCache cache clusters and replication groups."""

from __future__ import annotations

from typing import Any

from bot.catalog import _arn
from bot.catalog.base import (
    CatalogEntry,
    Found,
    NotACreation,
    console,
    first,
    need,
    q,
    region_of,
    tags_from_pairs,
    text,
)
from bot.events import CloudTrailRecord


def _cluster_console(region: str, cluster_id: str, engine: str) -> str:
    page = "memcached" if engine == "memcached" else "redis"
    return console(region, f"elasticache/home?region={q(region)}#/{page}/{q(cluster_id)}")


def _group_console(region: str, group_id: str, engine: str) -> str:
    page = "valkey" if engine == "valkey" else "redis"
    return console(region, f"elasticache/home?region={q(region)}#/{page}/{q(group_id)}")


def _cluster(record: CloudTrailRecord) -> list[Found]:
    # ElastiCache stores the cluster ID lower-cased, and the provider imports by the stored form.
    cluster_id = need(
        first((text(record.response.get("cacheClusterId")), text(record.request.get("cacheClusterId")))),
        "requestParameters.cacheClusterId",
    ).lower()
    group = first((_group_field(record.request, "replicationGroupId"), _group_field(record.response,
                                                                                    "replicationGroupId")))
    if group:
        # A node added to a replication group is a member of the group (its own type, whose node count this
        # changed), never an aws_elasticache_cluster of its own: the scan leaves members out the same way.
        raise NotACreation(f"CreateCacheCluster added the node {cluster_id} to the replication group {group.lower()}")
    engine = first((text(record.response.get("engine")), text(record.request.get("engine")))).lower()
    region = region_of(record)
    return [
        Found(
            import_id=cluster_id,
            name=cluster_id,
            # CloudTrail camel-cases the response's ARN field as "aRN".
            arn=text(record.response.get("aRN")) or _arn.build(record, "elasticache", f"cluster:{cluster_id}"),
            console_url=_cluster_console(region, cluster_id, engine),
            tags=tags_from_pairs(record.request.get("tags")),
        )
    ]


def _group_field(body: Any, name: str) -> str:
    """A field as CloudTrail writes it (replicationGroupId), or in the API's PascalCase (ReplicationGroupId)."""
    if not isinstance(body, dict):
        return ""
    return first(text(body.get(spelling)) for spelling in (name, name[0].upper() + name[1:]))


def _group_body(body: Any) -> dict[str, Any]:
    """The response's replication group: CloudTrail writes it flat, the API wraps it in replicationGroup."""
    if not isinstance(body, dict):
        return {}
    for wrapper in ("replicationGroup", "ReplicationGroup"):
        if isinstance(body.get(wrapper), dict):
            return body[wrapper]
    return body


def _replication_group(record: CloudTrailRecord) -> list[Found]:
    response = _group_body(record.response)
    # ElastiCache stores the group ID lower-cased, and the provider imports by the stored form.
    group_id = need(
        first((_group_field(response, "replicationGroupId"), _group_field(record.request, "replicationGroupId"))),
        "requestParameters.replicationGroupId",
    ).lower()
    engine = first((_group_field(response, "engine"), _group_field(record.request, "engine"))).lower()
    region = region_of(record)
    tags = tags_from_pairs(record.request.get("tags")) or tags_from_pairs(record.request.get("Tags"))
    return [
        Found(
            import_id=group_id,
            name=group_id,
            arn=first((_group_field(response, "aRN"), _group_field(response, "arn")))
            or _arn.build(record, "elasticache", f"replicationgroup:{group_id}"),
            console_url=_group_console(region, group_id, engine),
            tags=tags,
        )
    ]


ENTRIES = (
    CatalogEntry(
        tf_type="aws_elasticache_cluster",
        label="ElastiCache cluster",
        service="elasticache",
        event_source="elasticache.amazonaws.com",
        create_events=("CreateCacheCluster",),
        delete_events=("DeleteCacheCluster",),
        resolve=_cluster,
        import_id_format="cluster ID, lower-cased: `terraform import aws_elasticache_cluster.my_cluster my_cluster`",
        loses_data=True,
    ),
    CatalogEntry(
        tf_type="aws_elasticache_replication_group",
        label="ElastiCache replication group",
        service="elasticache",
        event_source="elasticache.amazonaws.com",
        create_events=("CreateReplicationGroup",),
        delete_events=("DeleteReplicationGroup",),
        resolve=_replication_group,
        import_id_format=(
            "replication group ID, lower-cased: "
            "`terraform import aws_elasticache_replication_group.my_replication_group replication-group-1`"
        ),
        loses_data=True,
        # How a new AUTH token would replace the old one: Terraform's own setting, not kept by AWS (the provider's
        # default strategy appears as an update of the import).
        argument_only_updates=("auth_token_update_strategy",),
    ),
)
