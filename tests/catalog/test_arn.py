"""ARNs built from a record (when the response has none) carry the partition of the record's region."""

from __future__ import annotations

import pytest

from bot.catalog import CATALOG, _arn
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


REGIONS = [
    ("us-east-1", "aws", "console.aws.amazon.com"),
    ("cn-north-1", "aws-cn", "console.amazonaws.cn"),
    ("us-gov-west-1", "aws-us-gov", "console.amazonaws-us-gov.com"),
]
# (type, corpus record, the console host's form: regional, global (IAM, Route 53) or the service's own (S3))
CONSOLES = [
    ("aws_s3_bucket", "s3__CreateBucket__1.json", "s3.{host}"),
    ("aws_iam_user", "iam__CreateUser__1.json", "{host}"),
    ("aws_instance", "ec2__RunInstances__2.json", "{region}.{host}"),
    ("aws_vpc", "ec2__CreateVpc__2.json", "{region}.{host}"),
    ("aws_security_group", "ec2__CreateSecurityGroup__1.json", "{region}.{host}"),
]


@pytest.mark.parametrize(("tf_type", "name", "form"), CONSOLES)
@pytest.mark.parametrize(("region", "partition", "host"), REGIONS)
def test_arn_and_console_url_follow_the_regions_partition(tf_type, name, form, region, partition, host):
    raw = corpus_record(name)
    raw["awsRegion"] = region
    raw["requestParameters"].pop("CreateBucketConfiguration", None)
    for item in (raw.get("responseElements") or {}).values():
        if isinstance(item, dict):
            item.pop("arn", None)
    [found, *_] = CATALOG[tf_type].resolve(CloudTrailRecord(raw, name))
    assert found.arn.startswith(f"arn:{partition}:"), found.arn
    assert found.console_url.startswith(f"https://{form.format(region=region, host=host)}/"), found.console_url


@pytest.mark.parametrize(("region", "partition", "host"), REGIONS)
def test_partition_and_console_host_come_from_botocores_partitions(region, partition, host):
    assert _arn.partition(region) == partition
    assert _arn.console_host(region) == host
    assert _arn.console_url(region, "sqs/v3/home") == f"https://{region}.{host}/sqs/v3/home"
    assert _arn.console_url(region, "iam/home", subdomain="") == f"https://{host}/iam/home"


def test_regions_botocore_places_elsewhere_or_not_at_all():
    # Partitions and regions are botocore's: a region its data names, and one only its region pattern matches.
    assert _arn.partition("cn-northwest-1") == "aws-cn"
    assert _arn.partition("us-gov-east-9") == "aws-us-gov"
    assert _arn.partition("us-iso-east-1") == "aws-iso"
    # Unknown or missing regions stay in the standard partition, as do the consoles of partitions without one here.
    assert _arn.partition("") == _arn.partition("mars-north-1") == "aws"
    assert _arn.console_host("us-iso-east-1") == "console.aws.amazon.com"
