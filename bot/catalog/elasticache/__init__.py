"""Amazon ElastiCache cache clusters."""

from __future__ import annotations

from bot.catalog import _arn
from bot.catalog.base import CatalogEntry, Found, console, first, need, q, region_of, tags_from_pairs, text
from bot.events import CloudTrailRecord


def _cluster(record: CloudTrailRecord) -> list[Found]:
    # ElastiCache stores the cluster ID lower-cased, and the provider imports by the stored form.
    cluster_id = need(
        first((text(record.response.get("cacheClusterId")), text(record.request.get("cacheClusterId")))),
        "requestParameters.cacheClusterId",
    ).lower()
    engine = first((text(record.response.get("engine")), text(record.request.get("engine")))).lower()
    region = region_of(record)
    page = "memcached" if engine == "memcached" else "redis"
    return [
        Found(
            import_id=cluster_id,
            name=cluster_id,
            # CloudTrail camel-cases the response's ARN field as "aRN".
            arn=text(record.response.get("aRN")) or _arn.build(record, "elasticache", f"cluster:{cluster_id}"),
            console_url=console(region, f"elasticache/home?region={q(region)}#/{page}/{q(cluster_id)}"),
            tags=tags_from_pairs(record.request.get("tags")),
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
)
