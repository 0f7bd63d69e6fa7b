import pytest

from bot.catalog import CATALOG, ExtractError
from bot.catalog.s3 import _host, _host_region
from bot.events import CloudTrailRecord
from tests.conftest import corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "s3__CreateBucket__1.json": [("aws_s3_bucket", "test-backt-testfile01")],
    "s3__CreateBucket__2.json": [("aws_s3_bucket", "custodian-create-bucket-v4")],
    "s3__CreateBucket__3.json": [("aws_s3_bucket", "cloudtrailwatcher-000000000000")],
    "s3__CreateBucket__4.json": [("aws_s3_bucket", "bucket-test-iad")],
}


def test_bucket_identity_arn_and_console_url():
    record = CloudTrailRecord(corpus_record("s3__CreateBucket__1.json"), "t")
    [found] = CATALOG["aws_s3_bucket"].resolve(record)
    assert found.arn == "arn:aws:s3:::test-backt-testfile01"
    assert found.console_url == (
        "https://s3.console.aws.amazon.com/s3/buckets/test-backt-testfile01?region=ap-northeast-1"
    )
    assert CATALOG["aws_s3_bucket"].loses_data is True


def resolve(raw: dict):
    [found] = CATALOG["aws_s3_bucket"].resolve(CloudTrailRecord(raw, "t"))
    return found


@pytest.mark.parametrize(
    ("name", "host", "region"),
    [
        # The Host header as the corpus records carry it: a string (the s3-<region> endpoint; the bucket's own
        # s3.<region> host), and `host`, a list of one string, naming the global endpoint (us-east-1).
        ("s3__CreateBucket__1.json", "s3-ap-northeast-1.amazonaws.com", "ap-northeast-1"),
        ("s3__CreateBucket__3.json", "cloudtrailwatcher-000000000000.s3.ap-northeast-2.amazonaws.com",
         "ap-northeast-2"),
        ("s3__CreateBucket__5.json", "o3hxotcqp2u9mbtl-misconfig-maker.s3.amazonaws.com", "us-east-1"),
    ],
)
def test_the_host_header_names_the_endpoints_region(name, host, region):
    raw = corpus_record(name)
    assert _host(raw["requestParameters"]) == host
    assert _host_region(host) == region == raw["awsRegion"]


@pytest.mark.parametrize(
    ("host", "region"),
    [
        ("s3.dualstack.eu-west-1.amazonaws.com", "eu-west-1"),
        ("s3.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ("s3-external-1.amazonaws.com", "us-east-1"),
        ("bucket.s3-accesspoint.us-east-1.amazonaws.com", ""),  # an access point, not a bucket endpoint
    ],
)
def test_other_endpoint_hosts(host, region):
    assert _host_region(host) == region


def test_without_a_location_constraint_the_region_is_where_the_request_was_served():
    # Stands for a bucket made with no CreateBucketConfiguration, which S3 makes in the region of the endpoint it
    # was sent to: s3__CreateBucket__3 without its configuration (its awsRegion and Host both say ap-northeast-2).
    raw = corpus_record("s3__CreateBucket__3.json")
    del raw["requestParameters"]["CreateBucketConfiguration"]
    found = resolve(raw)
    assert found.import_id == "cloudtrailwatcher-000000000000"
    assert found.console_url.endswith("/s3/buckets/cloudtrailwatcher-000000000000?region=ap-northeast-2")


def test_a_host_header_given_as_a_list_is_read():
    # s3__CreateBucket__5 (made by Terraform, so classified as ignored) spells the header `host`, as a list, and has
    # no CreateBucketConfiguration: the global endpoint, so us-east-1.
    found = resolve(corpus_record("s3__CreateBucket__5.json"))
    assert found.import_id == "o3hxotcqp2u9mbtl-misconfig-maker"
    assert found.console_url.endswith("/s3/buckets/o3hxotcqp2u9mbtl-misconfig-maker?region=us-east-1")


def test_the_legacy_eu_constraint_is_ireland():
    # "EU" is still a value of the API model's BucketLocationConstraint (Ireland's name from before region codes).
    raw = corpus_record("s3__CreateBucket__2.json")
    raw["requestParameters"]["CreateBucketConfiguration"]["LocationConstraint"] = "EU"
    found = resolve(raw)
    assert found.console_url == (
        "https://s3.console.aws.amazon.com/s3/buckets/custodian-create-bucket-v4?region=eu-west-1"
    )


def test_the_api_models_bucket_member_names_the_bucket():
    # The API model calls the request member Bucket; CloudTrail's own spelling is bucketName (every corpus record).
    raw = corpus_record("s3__CreateBucket__4.json")
    raw["requestParameters"] = {"Bucket": raw["requestParameters"].pop("bucketName")}
    assert resolve(raw).import_id == "bucket-test-iad"
    raw["requestParameters"] = {}
    with pytest.raises(ExtractError, match=r"requestParameters\.bucketName"):
        resolve(raw)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        # The XML body's <Tags><Tag>..</Tag></Tags> (API model: CreateBucketConfiguration.Tags, member name Tag):
        # two tags, one (a single XML element becomes an object, not a list), and the list itself.
        (
            {"Tag": [{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "prod"}]},
            {"team": "data", "env": "prod"},
        ),
        ({"Tag": {"Key": "team", "Value": "data"}}, {"team": "data"}),
        ([{"Key": "team", "Value": "data"}], {"team": "data"}),
    ],
)
def test_tags_in_the_create_bucket_configuration(tags, expected):
    raw = corpus_record("s3__CreateBucket__3.json")
    raw["requestParameters"]["CreateBucketConfiguration"]["Tags"] = tags
    assert resolve(raw).tags == expected
