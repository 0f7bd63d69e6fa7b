"""Making an ElastiCache cluster, as the console does, and the CloudTrail record of the call."""

from __future__ import annotations

from bot.catalog._create import Call, CreateContext, ct_tags, pairs, slug

# The console always sends an engine version and the minor-upgrade choice (AWS reports both back).
_ENGINE_VERSION = "7.1"


def create_cache_cluster(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    cluster = slug(name, limit=40)
    made = ctx.client("elasticache").create_cache_cluster(
        CacheClusterId=cluster, Engine="redis", EngineVersion=_ENGINE_VERSION, CacheNodeType="cache.t3.micro",
        NumCacheNodes=1, AutoMinorVersionUpgrade=True, **({"Tags": pairs(tags)} if tags else {}),
    )["CacheCluster"]
    return Call({"cacheClusterId": cluster, "engine": "redis", "engineVersion": _ENGINE_VERSION,
                 "cacheNodeType": "cache.t3.micro", "numCacheNodes": 1, "autoMinorVersionUpgrade": True,
                 "tags": ct_tags(tags)},
                {"cacheClusterId": cluster, "engine": "redis", "aRN": made.get("ARN", "")})


def create_replication_group(ctx: CreateContext, name: str, tags: dict[str, str]) -> Call:
    group = slug(name, limit=40)
    made = ctx.client("elasticache").create_replication_group(
        ReplicationGroupId=group, ReplicationGroupDescription=name, Engine="redis", EngineVersion=_ENGINE_VERSION,
        CacheNodeType="cache.t3.micro", NumCacheClusters=1, AutoMinorVersionUpgrade=True,
        **({"Tags": pairs(tags)} if tags else {}),
    )["ReplicationGroup"]
    return Call({"replicationGroupId": group, "replicationGroupDescription": name, "engine": "redis",
                 "engineVersion": _ENGINE_VERSION, "cacheNodeType": "cache.t3.micro", "numCacheClusters": 1,
                 "autoMinorVersionUpgrade": True, "tags": ct_tags(tags)},
                {"replicationGroupId": group, "description": name, "status": made.get("Status", "creating"),
                 "aRN": made.get("ARN", "")},
                event_name="CreateReplicationGroup")


CREATORS = {
    "aws_elasticache_cluster": create_cache_cluster,
    "aws_elasticache_replication_group": create_replication_group,
}
