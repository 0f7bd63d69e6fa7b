from bot.catalog import CATALOG
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
