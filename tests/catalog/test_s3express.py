import json

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from bot.catalog import BY_EVENT, CATALOG, DELETE, DESCRIBE, ExtractError
from bot.catalog.template_input import Clients
from bot.classify import Classifier
from bot.deletion import AlreadyGone, DeleteRefused, DeleteRequest
from bot.events import CloudTrailRecord
from tests.conftest import DATA

CORPUS_IDS: dict[str, list[tuple[str, str]]] = {}
CONSOLE = DATA / "cloudtrail" / "s3express__CreateBucket__console.json"
BUCKET = "bucket-base-name--usw2-az1--x-s3"


def _raw():
    return json.loads(CONSOLE.read_text(encoding="utf-8"))


def resolve(raw):
    [found] = CATALOG["aws_s3_directory_bucket"].resolve(CloudTrailRecord(raw, "t"))
    return found


def _stubbed():
    # Session auth would first call CreateSession on the Zonal endpoint; the stub answers the bucket calls alone.
    client = boto3.client("s3", region_name="us-west-2", aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=Config(s3={"disable_s3_express_session_auth": True}))
    return client, Stubber(client)


def _clients(client):
    return Clients(lambda service, region: client, "us-west-2")


def test_directory_bucket_from_a_console_record():
    result = Classifier().classify(CloudTrailRecord(_raw(), "t"))
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_s3_directory_bucket", BUCKET)
    assert resource.arn == f"arn:aws:s3express:us-west-2:111122223333:bucket/{BUCKET}"
    assert resource.console_url == (f"https://us-west-2.console.aws.amazon.com/s3/buckets/{BUCKET}"
                                    "?region=us-west-2&bucketType=directory&tab=objects")
    assert resource.loses_data is True


def test_general_purpose_and_directory_buckets_are_told_apart_by_source():
    assert BY_EVENT[("s3express.amazonaws.com", "CreateBucket")].tf_type == "aws_s3_directory_bucket"
    assert BY_EVENT[("s3.amazonaws.com", "CreateBucket")].tf_type == "aws_s3_bucket"


def test_arn_built_without_resources_and_pascal_case_name():
    raw = _raw()
    del raw["resources"]
    raw["requestParameters"] = {"BucketName": "logs--use1-az4--x-s3"}
    found = resolve(raw)
    assert (found.import_id, found.arn) == ("logs--use1-az4--x-s3",
                                           "arn:aws:s3express:us-west-2:111122223333:bucket/logs--use1-az4--x-s3")


def test_a_name_that_is_not_a_directory_bucket_name_or_none_is_an_extract_error():
    raw = _raw()
    raw["requestParameters"] = {"bucketName": "plain-bucket"}
    with pytest.raises(ExtractError, match="not a directory bucket name"):
        resolve(raw)
    raw["requestParameters"] = {}
    with pytest.raises(ExtractError, match=r"requestParameters\.bucketName"):
        resolve(raw)


def test_the_event_alone_gives_the_location():
    record = CloudTrailRecord(_raw(), "t")
    [resource] = Classifier().classify(record).resources
    args = DESCRIBE["aws_s3_directory_bucket"].from_event(record, resource).args
    assert args == {"bucket": BUCKET, "location": {"name": "usw2-az1", "type": None}, "data_redundancy": None}


def test_describe_reads_a_local_zone_location_from_head_bucket():
    client, stub = _stubbed()
    bucket = "media--usw2-lax1-az1--x-s3"
    stub.add_response("head_bucket", {"BucketLocationType": "LocalZone", "BucketLocationName": "usw2-lax1-az1",
                                      "BucketRegion": "us-west-2"}, {"Bucket": bucket})
    raw = _raw()
    raw["requestParameters"] = {"bucketName": bucket}
    del raw["resources"]
    [resource] = Classifier().classify(CloudTrailRecord(raw, "t")).resources
    with stub:
        args = DESCRIBE["aws_s3_directory_bucket"].describe(_clients(client), resource).args
    assert args == {"bucket": bucket, "location": {"name": "usw2-lax1-az1", "type": "LocalZone"},
                    "data_redundancy": None}


def test_a_bucket_with_objects_needs_confirmed_emptying():
    client, stub = _stubbed()
    listed = {"Contents": [{"Key": "a.txt"}, {"Key": "b/c.txt"}], "KeyCount": 2}
    stub.add_response("list_objects_v2", listed, {"Bucket": BUCKET})
    stub.add_response("list_objects_v2", listed, {"Bucket": BUCKET})
    stub.add_response("delete_objects", {"Deleted": [{"Key": "a.txt"}, {"Key": "b/c.txt"}]},
                      {"Bucket": BUCKET, "Delete": {"Objects": [{"Key": "a.txt"}, {"Key": "b/c.txt"}], "Quiet": True}})
    stub.add_response("list_objects_v2", {"KeyCount": 0}, {"Bucket": BUCKET})
    stub.add_response("delete_bucket", {}, {"Bucket": BUCKET})
    stub.add_client_error("list_objects_v2", "NoSuchBucket", http_status_code=404, expected_params={"Bucket": BUCKET})
    executor = DELETE["aws_s3_directory_bucket"]
    with stub:
        with pytest.raises(DeleteRefused, match="still holds objects"):
            executor(_clients(client), DeleteRequest("aws_s3_directory_bucket", BUCKET, "us-west-2"))
        outcome = executor(_clients(client), DeleteRequest("aws_s3_directory_bucket", BUCKET, "us-west-2",
                                                           confirm_empty=True))
        assert "2 object(s)" in outcome.message
        with pytest.raises(AlreadyGone):
            executor(_clients(client), DeleteRequest("aws_s3_directory_bucket", BUCKET, "us-west-2"))
    stub.assert_no_pending_responses()
