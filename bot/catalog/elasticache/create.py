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


CREATORS = {
    "aws_elasticache_cluster": create_cache_cluster,
}
