"""ARNs built from a record (when the response has none) carry the partition of the record's region."""

from __future__ import annotations

import pytest

from bot.catalog import CATALOG
from bot.events import CloudTrailRecord
from tests.conftest import corpus_record

# (type, a corpus record whose ARN is built from the record rather than copied from the response)
BUILT = [
    ("aws_s3_bucket", "s3__CreateBucket__1.json"),
    ("aws_iam_user", "iam__CreateUser__1.json"),
    ("aws_instance", "ec2__RunInstances__2.json"),
    ("aws_vpc", "ec2__CreateVpc__2.json"),
    ("aws_security_group", "ec2__CreateSecurityGroup__1.json"),
]


@pytest.mark.parametrize(("tf_type", "name"), BUILT)
@pytest.mark.parametrize(("region", "partition"), [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")])
def test_arn_partition_follows_the_region(tf_type, name, region, partition):
    raw = corpus_record(name)
    raw["awsRegion"] = region
    raw["requestParameters"].pop("CreateBucketConfiguration", None)
    for item in (raw.get("responseElements") or {}).values():
        if isinstance(item, dict):
            item.pop("arn", None)  # IAM's response ARN would otherwise be copied as it is
    [found, *_] = CATALOG[tf_type].resolve(CloudTrailRecord(raw, name))
    assert found.arn.startswith(f"arn:{partition}:"), found.arn


def test_standard_regions_keep_the_aws_partition():
    [found] = CATALOG["aws_s3_bucket"].resolve(CloudTrailRecord(corpus_record("s3__CreateBucket__1.json"), "t"))
    assert found.arn == "arn:aws:s3:::test-backt-testfile01"
