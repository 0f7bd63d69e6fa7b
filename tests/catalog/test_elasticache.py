import json

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import DATA, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "elasticache__CreateCacheCluster__1.json": [("aws_elasticache_cluster", "test-memcached")],
    "elasticache__CreateCacheCluster__2.json": [("aws_elasticache_cluster", "test-memcached")],
}


def resolve(raw: dict):
    return CATALOG["aws_elasticache_cluster"].resolve(CloudTrailRecord(raw, "t"))


def test_arn_from_response_and_console_url():
    [found] = resolve(corpus_record("elasticache__CreateCacheCluster__1.json"))
    assert found.arn == "arn:aws:elasticache:ap-northeast-2:000000000000:cluster:test-memcached"
    assert found.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/elasticache/home?region=ap-northeast-2#/memcached/test-memcached"
    )
    assert CATALOG["aws_elasticache_cluster"].loses_data is True


def test_arn_built_when_response_has_none():
    # This record has no recipientAccountId; the account comes from userIdentity.
    [found] = resolve(corpus_record("elasticache__CreateCacheCluster__2.json"))
    assert found.arn == "arn:aws:elasticache:us-west-2:123456789012:cluster:test-memcached"


def test_redis_cluster_lower_cased_with_tags():
    raw = json.loads((DATA / "cloudtrail" / "elasticache__CreateCacheCluster__redis.json").read_text())
    [found] = resolve(raw)
    assert found.import_id == "sessions-cache"
    assert found.tags == {"team": "web"}
    assert found.console_url.endswith("#/redis/sessions-cache")
    raw["responseElements"] = None
    [found] = resolve(raw)
    assert found.import_id == "sessions-cache"  # lower-cased from the request's "Sessions-Cache"


def test_missing_cluster_id_names_the_field():
    raw = corpus_record("elasticache__CreateCacheCluster__2.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["cacheClusterId"]
    with pytest.raises(ExtractError, match=r"requestParameters\.cacheClusterId"):
        resolve(raw)
