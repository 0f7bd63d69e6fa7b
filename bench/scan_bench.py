"""A scan of 1,000 resources across types: seconds, API operations and HTTP requests.

AWS is a moto server in its own process (so its CPU is not the scanner's). The bench makes MIX resources of eight
types, half of them tagged (so the tag lookup has something to find), then scans every catalog type in one account
and one region as `python -m bot scan` does: the settings' concurrency, adaptive retries, the tags a listing lacks
read through the Tagging API. Every made resource must be reported, exactly once, before anything is printed. The
default VPC, subnets, security groups and route tables moto makes are AWS's own and must not be.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

from bench.consumer_bench import CREDENTIALS, start_moto
from bot.accounts import AccountAccess
from bot.catalog import SCAN
from bot.config import Settings
from bot.scan import Scanner, ScanRequest

ACCOUNT = "123456789012"
REGION = "us-east-1"
# (Terraform type, how many): 1,000 resources in all.
MIX = (("aws_s3_bucket", 200), ("aws_sqs_queue", 200), ("aws_sns_topic", 150), ("aws_iam_role", 150),
       ("aws_dynamodb_table", 100), ("aws_cloudwatch_log_group", 100), ("aws_ssm_parameter", 50),
       ("aws_kms_key", 50))
# Every catalog type but ECR Public's, which moto does not implement (it answers HTTP 500).
LISTABLE = tuple(sorted(set(SCAN) - {"aws_ecrpublic_repository"}))
_TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},' \
         '"Action":"sts:AssumeRole"}]}'


def _makers(client: Callable[[str], Any]) -> dict[str, Callable[[int], str]]:
    """How to make the n-th resource of each type; each returns its name."""

    def bucket(n: int) -> str:
        name = f"bench-bucket-{n:04d}"
        client("s3").create_bucket(Bucket=name)
        if n % 2:
            client("s3").put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "owner", "Value": f"t{n % 7}"}]})
        return name

    def queue(n: int) -> str:
        name = f"bench-queue-{n:04d}"
        client("sqs").create_queue(QueueName=name, tags={"owner": f"t{n % 7}"} if n % 2 else {})
        return name

    def topic(n: int) -> str:
        name = f"bench-topic-{n:04d}"
        tags = [{"Key": "owner", "Value": f"t{n % 7}"}] if n % 2 else []
        client("sns").create_topic(Name=name, Tags=tags)
        return name

    def role(n: int) -> str:
        name = f"bench-role-{n:04d}"
        client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=_TRUST)
        return name

    def table(n: int) -> str:
        name = f"bench-table-{n:04d}"
        client("dynamodb").create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        return name

    def log_group(n: int) -> str:
        name = f"/bench/group-{n:04d}"
        client("logs").create_log_group(logGroupName=name)
        return name

    def parameter(n: int) -> str:
        name = f"/bench/parameter-{n:04d}"
        client("ssm").put_parameter(Name=name, Value="v", Type="String")
        return name

    def key(n: int) -> str:
        return str(client("kms").create_key(Description=f"bench key {n}")["KeyMetadata"]["KeyId"])

    return {"aws_s3_bucket": bucket, "aws_sqs_queue": queue, "aws_sns_topic": topic, "aws_iam_role": role,
            "aws_dynamodb_table": table, "aws_cloudwatch_log_group": log_group, "aws_ssm_parameter": parameter,
            "aws_kms_key": key}


def make_resources(endpoint: str) -> Counter[str]:
    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = boto3.client(service, region_name=REGION, endpoint_url=endpoint)
        return clients[service]

    for service in ("s3", "sqs", "sns", "iam", "dynamodb", "logs", "ssm", "kms"):
        client(service)
    makers = _makers(client)
    jobs = [(tf_type, n) for tf_type, count in MIX for n in range(count)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda job: makers[job[0]](job[1]), jobs))
    return Counter(dict(MIX))


def run(concurrency: int | None = None) -> bool:
    """Print the figures; there is no target to miss, so True."""
    logging.basicConfig(level=logging.WARNING)
    os.environ.update({k: v for k, v in CREDENTIALS.items() if k not in os.environ})
    process, endpoint = start_moto()
    try:
        started = time.monotonic()
        made = make_resources(endpoint)
        making = time.monotonic() - started
        env = {"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": REGION, "TFSYNC_ACCOUNT_ID": ACCOUNT}
        if concurrency:
            env["TFSYNC_SCAN_CONCURRENCY"] = str(concurrency)
        settings = Settings.from_env(env)
        scanner = Scanner(AccountAccess(settings, purpose="scan").scan_client, concurrency=settings.scan_concurrency)
        cpu = time.process_time()
        report = scanner.scan(ScanRequest((ACCOUNT,), (REGION,), LISTABLE))
        cpu = time.process_time() - cpu
    finally:
        process.terminate()
        process.wait(timeout=10)
    found = Counter(item.tf_type for item in report.items)
    tagged = sum(1 for item in report.items if item.tags)
    if found != made or report.failures:
        raise SystemExit(f"scan_bench: made {dict(made)}, the scan reported {dict(found)}; "
                         f"failures: {[f.describe() for f in report.failures]}")
    print(f"scan_bench: {sum(found.values())} resources of {len(made)} types found by a scan of {len(LISTABLE)} "
          f"catalog types in one account and region ({made.total()} made in {making:.1f} s)")
    print(f"  {report.seconds:.2f} s wall, {cpu:.2f} s CPU in tfsync, concurrency {settings.scan_concurrency}")
    print(f"  {report.api_calls} API operations, {report.requests} HTTP requests "
          f"({report.api_calls / sum(found.values()):.2f} operations per resource), {tagged} resources with tags")
    busiest = ", ".join(f"{call} {n}" for call, n in report.calls.most_common(6))
    print(f"  most called: {busiest}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scan_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=None, help="listings at once (default: the settings')")
    args = parser.parse_args(argv)
    run(args.concurrency)
    return 0


if __name__ == "__main__":
    sys.exit(main())
