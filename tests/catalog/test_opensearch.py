import json

import pytest

from bot.catalog import CATALOG, DESCRIBE, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA

PUBLIC = DATA / "cloudtrail" / "public"


def public(name: str) -> dict:
    return json.loads((PUBLIC / name).read_text(encoding="utf-8"))


def resolve(raw: dict):
    return CATALOG["aws_opensearch_domain"].resolve(CloudTrailRecord(raw, "t"))


@pytest.mark.parametrize("name", ["es__CreateDomain__1.json", "es__CreateElasticsearchDomain__1.json"])
def test_a_console_domain_is_detected_with_its_name(name):
    result = Classifier().classify(CloudTrailRecord(public(name), name))
    assert result.verdict == "detected", result
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_opensearch_domain", "test-domain")
    assert resource.arn == "arn:aws:es:us-west-1:123456789012:domain/test-domain"
    assert resource.console_url == (
        "https://us-west-1.console.aws.amazon.com/aos/home?region=us-west-1#opensearch/domains/test-domain"
    )
    assert CATALOG["aws_opensearch_domain"].loses_data is True


def test_without_a_response_the_arn_is_built_and_tags_read():
    raw = public("es__CreateDomain__1.json")
    raw["responseElements"] = None
    raw["requestParameters"]["tagList"] = [{"key": "team", "value": "search"}]
    [found] = resolve(raw)
    assert found.import_id == "test-domain"
    assert found.arn == "arn:aws:es:us-west-1:123456789012:domain/test-domain"
    assert found.tags == {"team": "search"}


def test_pascal_case_fields_are_read():
    raw = public("es__CreateDomain__1.json")
    raw["requestParameters"] = {"DomainName": "logs", "TagList": [{"Key": "team", "Value": "ops"}]}
    raw["responseElements"] = {"DomainStatus": {"DomainName": "logs",
                                                "ARN": "arn:aws:es:us-west-1:123456789012:domain/logs"}}
    [found] = resolve(raw)
    assert (found.import_id, found.arn, found.tags) == (
        "logs", "arn:aws:es:us-west-1:123456789012:domain/logs", {"team": "ops"})


def test_a_missing_domain_name_names_the_field():
    raw = public("es__CreateDomain__1.json")
    raw["responseElements"] = None
    del raw["requestParameters"]["domainName"]
    with pytest.raises(ExtractError, match=r"requestParameters\.domainName"):
        resolve(raw)


def _from_event(name: str) -> dict:
    record = CloudTrailRecord(public(name), name)
    [resource] = Classifier().classify(record).resources
    return DESCRIBE["aws_opensearch_domain"].from_event(record, resource).args


def test_the_event_alone_gives_the_engine_cluster_storage_and_policy():
    args = _from_event("es__CreateDomain__1.json")
    assert args["engine_version"] == "OpenSearch_1.0"
    assert args["cluster_config"]["instance_type"] == "m4.large.search"
    assert args["cluster_config"]["instance_count"] is None  # one instance, the provider's default
    assert args["ebs_options"] == {"ebs_enabled": True, "volume_type": "gp2", "volume_size": 10, "iops": None,
                                   "throughput": None}
    assert args["encrypt_at_rest"] is None
    assert args["advanced_options"] is None  # AWS's own default only
    assert args["access_policies"].value["Statement"][0]["Action"] == "es:*"


def test_the_older_api_reads_as_an_elasticsearch_engine_version():
    args = _from_event("es__CreateElasticsearchDomain__1.json")
    assert args["engine_version"] == "Elasticsearch_6.3"
    assert args["cluster_config"]["instance_type"] == "m4.large.elasticsearch"


def test_deleting_a_domain_is_refused():
    from bot.catalog import DELETE

    assert "indexes" in DELETE["aws_opensearch_domain"].refuses
