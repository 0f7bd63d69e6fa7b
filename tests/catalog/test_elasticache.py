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


def test_a_node_added_to_a_replication_group_is_not_a_cluster_of_its_own():
    from bot.catalog.base import NotACreation
    from bot.classify import Classifier

    raw = json.loads((DATA / "cloudtrail" / "elasticache__CreateCacheCluster__redis.json").read_text())
    raw["requestParameters"]["replicationGroupId"] = "Sessions-Group"
    with pytest.raises(NotACreation, match="sessions-cache to the replication group sessions-group"):
        resolve(raw)
    verdict = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert (verdict.verdict, verdict.reason_code) == ("ignored", "not-a-create")


def test_missing_cluster_id_names_the_field():
    raw = corpus_record("elasticache__CreateCacheCluster__2.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["cacheClusterId"]
    with pytest.raises(ExtractError, match=r"requestParameters\.cacheClusterId"):
        resolve(raw)


# Replication groups (Redis and Valkey, with or without cluster mode).


def group(raw: dict):
    return CATALOG["aws_elasticache_replication_group"].resolve(CloudTrailRecord(raw, "t"))


def _group_record() -> dict:
    return json.loads((DATA / "cloudtrail" / "elasticache__CreateReplicationGroup__console.json").read_text())


def test_replication_group_from_the_console():
    [found] = group(_group_record())
    assert found.import_id == found.name == "sessions-cache"
    assert found.arn == "arn:aws:elasticache:ap-northeast-2:000000000000:replicationgroup:sessions-cache"
    assert found.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/elasticache/home?region=ap-northeast-2#/redis/sessions-cache"
    )
    assert found.tags == {"team": "web"}
    entry = CATALOG["aws_elasticache_replication_group"]
    assert entry.create_events == ("CreateReplicationGroup",) and entry.loses_data is True


def test_replication_group_without_a_response_is_lower_cased_and_its_arn_built():
    raw = _group_record()
    raw["responseElements"] = None
    [found] = group(raw)
    assert found.import_id == "sessions-cache"  # from the request's "Sessions-Cache"
    assert found.arn == "arn:aws:elasticache:ap-northeast-2:000000000000:replicationgroup:sessions-cache"


def test_replication_group_in_pascal_case_or_wrapped():
    raw = _group_record()
    raw["requestParameters"] = {"ReplicationGroupId": "Orders", "Engine": "valkey",
                                "Tags": [{"Key": "team", "Value": "shop"}]}
    raw["responseElements"] = {"ReplicationGroup": {"ReplicationGroupId": "orders", "Engine": "valkey",
                                                    "ARN": "arn:aws:elasticache:ap-northeast-2:000000000000:"
                                                           "replicationgroup:orders"}}
    [found] = group(raw)
    assert found.import_id == "orders"
    assert found.arn.endswith(":replicationgroup:orders")
    assert found.console_url.endswith("#/valkey/orders")
    assert found.tags == {"team": "shop"}


def test_replication_group_without_an_id_names_the_field():
    raw = _group_record()
    raw["responseElements"] = None
    del raw["requestParameters"]["replicationGroupId"]
    with pytest.raises(ExtractError, match=r"requestParameters\.replicationGroupId"):
        group(raw)


def test_replication_group_from_the_event_alone():
    from bot.catalog import DESCRIBE
    from bot.classify import Classifier

    record = CloudTrailRecord(_group_record(), "t")
    [resource] = Classifier().classify(record).resources
    args = DESCRIBE["aws_elasticache_replication_group"].from_event(record, resource).args
    assert args["replication_group_id"] == "sessions-cache"
    assert args["description"] == "web sessions"
    assert args["engine_version"] == "7.1"
    assert args["num_cache_clusters"] == 2
    assert args["automatic_failover_enabled"] is True and args["multi_az_enabled"] is True
    assert args["at_rest_encryption_enabled"] is True and args["transit_encryption_enabled"] is True
    assert args["security_group_ids"] == ["sg-YOUR_SECURITY_GROUP_ID"]
    assert args["snapshot_retention_limit"] is None and args["snapshot_window"] is None
    assert args["tags"] == {"team": "web"}
