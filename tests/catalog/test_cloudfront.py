import json

import pytest

from bot.catalog import BY_EVENT, CATALOG, DESCRIBE, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord
from tests.conftest import DATA

CORPUS_IDS: dict[str, list[tuple[str, str]]] = {}
CONSOLE = DATA / "cloudtrail" / "cloudfront__CreateDistributionWithTags__console.json"


def _raw():
    return json.loads(CONSOLE.read_text(encoding="utf-8"))


def resolve(raw):
    [found] = CATALOG["aws_cloudfront_distribution"].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_distribution_from_a_console_record():
    result = Classifier().classify(CloudTrailRecord(_raw(), "t"))
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_cloudfront_distribution", "E24U8WV64JHNM3")
    assert resource.arn == "arn:aws:cloudfront::000000000000:distribution/E24U8WV64JHNM3"
    assert resource.name == "d1jwj5rqj4ovjt.cloudfront.net"
    assert resource.console_url == "https://console.aws.amazon.com/cloudfront/v4/home#/distributions/E24U8WV64JHNM3"
    assert resource.tags == {"team": "web"}
    assert resource.loses_data is False


@pytest.mark.parametrize("event", ["CreateDistribution", "CreateDistribution2017_03_25",
                                   "CreateDistributionWithTags2020_05_31"])
def test_every_spelling_of_the_event_name_reaches_the_entry(event):
    assert BY_EVENT[("cloudfront.amazonaws.com", event)].tf_type == "aws_cloudfront_distribution"


def test_the_older_request_without_tags_and_the_id_from_the_location():
    raw = _raw()
    raw["eventName"] = "CreateDistribution2017_03_25"
    config = raw["requestParameters"]["distributionConfigWithTags"]["distributionConfig"]
    config["aliases"] = {"quantity": 1, "items": ["www.example.com"]}
    raw["requestParameters"] = {"distributionConfig": config}
    raw["responseElements"] = {"location": "https://cloudfront.amazonaws.com/2017-03-25/distribution/EDFDVBD632BHDS5"}
    found = resolve(raw)
    assert (found.import_id, found.name, found.tags) == ("EDFDVBD632BHDS5", "www.example.com", {})
    assert found.arn == "arn:aws:cloudfront::000000000000:distribution/EDFDVBD632BHDS5"


def test_pascal_case_response():
    raw = _raw()
    raw["responseElements"] = {"Distribution": {"Id": "E1", "ARN": "arn:aws:cloudfront::000000000000:distribution/E1"}}
    assert resolve(raw).import_id == "E1"


def test_record_without_the_distribution_id_is_an_extract_error():
    raw = _raw()
    raw["responseElements"] = None
    with pytest.raises(ExtractError, match=r"responseElements\.distribution\.id"):
        resolve(raw)


def test_the_event_alone_gives_origins_and_behaviors_but_not_the_hidden_comment():
    raw = _raw()
    record = CloudTrailRecord(raw, "t")
    [resource] = Classifier().classify(record).resources
    args = DESCRIBE["aws_cloudfront_distribution"].from_event(record, resource).args
    assert args["comment"] is None
    assert args["default_root_object"] == "index.html"
    assert args["http_version"] == "http1.1"
    [origin] = args["origins"]
    assert origin["origin_id"] == "only-origin"
    assert origin["s3_origin_config"] == {"origin_access_identity": "origin-access-identity/cloudfront/E3CIF3IC2SKBZS"}
    [default] = args["cache_behaviors"]
    assert default["kind"] == "default_cache_behavior"
    assert default["allowed_methods"] == ["GET", "HEAD", "OPTIONS"]
    assert default["min_ttl"] is None and default["max_ttl"] == 31536000
    assert args["viewer_certificate"]["minimum_protocol_version"] == "SSLv3"
    assert args["tags"] == {"team": "web"}
