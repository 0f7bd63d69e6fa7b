"""The bucket lister: one account-wide listing, each bucket's region from the answer where AWS gives it (a request
with a parameter is answered with BucketRegion), else from GetBucketLocation, the legacy `EU` included."""

from __future__ import annotations

from typing import Any

from botocore.stub import ANY

from bot.catalog.s3.scan import BUCKETS_PER_PAGE
from tests.scan.helpers import listed_from, stubbed


def test_the_listing_names_each_buckets_region_without_a_call_per_bucket(aws_calls: Any) -> None:
    s3, stub = stubbed(aws_calls, "s3", "aws_s3_bucket")
    stub.add_response("list_buckets", {"Buckets": [{"Name": "logs", "BucketRegion": "eu-west-1"},
                                                   {"Name": "assets", "BucketRegion": "us-east-1"}]},
                      {"MaxBuckets": BUCKETS_PER_PAGE})
    with stub:
        found = listed_from(s3, "aws_s3_bucket")
    stub.assert_no_pending_responses()
    assert [(b.name, b.region, b.arn) for b in found] == [("logs", "eu-west-1", "arn:aws:s3:::logs"),
                                                          ("assets", "us-east-1", "arn:aws:s3:::assets")]
    assert found[0].console_url == "https://s3.console.aws.amazon.com/s3/buckets/logs?region=eu-west-1"


def test_an_answer_without_regions_asks_each_buckets_location(aws_calls: Any) -> None:
    s3, stub = stubbed(aws_calls, "s3", "aws_s3_bucket")
    stub.add_response("list_buckets", {"Buckets": [{"Name": "old"}, {"Name": "older"}], "ContinuationToken": "n"},
                      {"MaxBuckets": BUCKETS_PER_PAGE})
    stub.add_response("get_bucket_location", {"LocationConstraint": "EU"}, {"Bucket": "old"})
    stub.add_response("get_bucket_location", {}, {"Bucket": "older"})
    stub.add_response("list_buckets", {"Buckets": []}, {"MaxBuckets": BUCKETS_PER_PAGE, "ContinuationToken": ANY})
    with stub:
        found = listed_from(s3, "aws_s3_bucket")
    stub.assert_no_pending_responses()
    assert [(b.name, b.region) for b in found] == [("old", "eu-west-1"), ("older", "us-east-1")]
