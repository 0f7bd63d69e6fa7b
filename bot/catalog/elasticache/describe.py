"""Amazon ElastiCache clusters (Memcached, or a single-node Redis cluster)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog._describe import clean_tags, pair_tags, sorted_strings
from bot.catalog.template_input import Clients, Model, NotFound, TypeCodegen
from bot.events import CloudTrailRecord
from bot.resource import Resource


def _cluster_args(cluster: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    group = (cluster.get("CacheParameterGroup") or {}).get("CacheParameterGroupName") or cluster.get(
        "CacheParameterGroupName"
    )
    groups = cluster.get("SecurityGroups")
    group_ids = [g.get("SecurityGroupId") for g in groups] if groups else cluster.get("SecurityGroupIds")
    return {
        "cluster_id": cluster.get("CacheClusterId"),
        "engine": cluster.get("Engine"),
        "engine_version": cluster.get("EngineVersion"),
        "node_type": cluster.get("CacheNodeType"),
        "num_cache_nodes": cluster.get("NumCacheNodes"),
        "parameter_group_name": group,
        "port": cluster.get("Port") or (cluster.get("ConfigurationEndpoint") or {}).get("Port"),
        "subnet_group_name": cluster.get("CacheSubnetGroupName"),
        "security_group_ids": sorted_strings(group_ids),
        "tags": clean_tags(tags),
    }


def _describe_cluster(clients: Clients, resource: Resource) -> Model:
    elasticache = clients("elasticache")
    found = elasticache.describe_cache_clusters(CacheClusterId=resource.import_id)["CacheClusters"]
    if not found:
        raise NotFound(f"cache cluster {resource.import_id}")
    cluster = found[0]
    tags = pair_tags(elasticache.list_tags_for_resource(ResourceName=cluster["ARN"]).get("TagList"))
    return Model(args=_cluster_args(cluster, tags))


def _recase(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k[0].upper() + k[1:]: v for k, v in body.items() if k}


def _cluster_from_event(record: CloudTrailRecord | None, resource: Resource) -> Model:
    request = _recase(record.request) if record is not None else {}
    response = _recase(record.response) if record is not None else {}
    cluster = {**request, **{k: v for k, v in response.items() if not isinstance(v, dict | list)}}
    cluster["CacheClusterId"] = resource.import_id
    return Model(args=_cluster_args(cluster, resource.tags))


CODEGEN = (TypeCodegen("aws_elasticache_cluster", _describe_cluster, _cluster_from_event),)
