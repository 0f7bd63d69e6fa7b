"""The scan against moto, end to end: `python -m bot scan` over every catalog type moto serves, some of them in a
Terraform state in an S3 backend; a throttled call retried; a failing service named while the rest is reported."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.catalog import SCAN
from bot.cli import main
from bot.config import Settings
from bot.scan import Scanner, ScanRequest, UnknownType
from tests.codegen import cases
from tests.codegen.helpers import ACCOUNT
from tests.codegen.test_types import CASES
from tests.faults import DelayingProxy

STATE_BUCKET = "tfsync-scan-states"
STATE_KEY = "prod/terraform.tfstate"
SERVED = sorted(set(CASES) - set(cases.UNSERVED))
# Every catalog type but the one moto answers with an error (ECR Public is not implemented: HTTP 500); moto answers
# the other unserved types' listings, with nothing in them.
LISTABLE = sorted(set(SCAN) - {"aws_ecrpublic_repository"})
TYPE_ARGS = [arg for tf_type in LISTABLE for arg in ("--type", tf_type)]


def scan(env: dict[str, str], *argv: str) -> tuple[int, list[dict[str, Any]], str]:
    out, err = io.StringIO(), io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        code = main(["scan", *argv], env=env, out=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return code, lines, err.getvalue()


def put_state(aws_client: Callable[..., Any], managed: list[dict[str, Any]]) -> None:
    """A version 4 state holding `managed` (scan lines), one resource each, as Terraform's S3 backend keeps it."""
    s3 = aws_client("s3")
    s3.create_bucket(Bucket=STATE_BUCKET)
    resources = [
        {"mode": "managed", "type": line["tf_type"], "name": f"r{n}",
         "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
         "instances": [{"attributes": {"id": line["import_id"], "arn": line["arn"]}}]}
        for n, line in enumerate(managed)
    ]
    state = {"version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "x", "outputs": {},
             "resources": resources}
    s3.put_object(Bucket=STATE_BUCKET, Key=STATE_KEY, Body=json.dumps(state).encode())


def env_for(aws_env: dict[str, str], **extra: str) -> dict[str, str]:
    return {**aws_env, "TFSYNC_ACCOUNT_ID": ACCOUNT, "TFSYNC_STATE_LOCATIONS": f"s3://{STATE_BUCKET}/{STATE_KEY}",
            **extra}


def test_the_scan_reports_exactly_what_no_state_manages(aws_env: dict[str, str],
                                                         aws_client: Callable[..., Any]) -> None:
    made = {tf_type: CASES[tf_type](aws_client) for tf_type in SERVED}
    regions = sorted({m.record.get("awsRegion") or "us-east-1" for m in made.values()})
    put_state(aws_client, [])
    env = env_for(aws_env)
    region_args = [arg for region in regions for arg in ("--region", region)] + TYPE_ARGS
    code, first, err = scan(env, *region_args)
    assert code == 0, err
    by_type: dict[str, set[str]] = {}
    for line in first:
        by_type.setdefault(line["tf_type"], set()).add(line["import_id"])
        assert line["managed"] is False and line["state"] is None, line
        assert line["account_id"] == ACCOUNT
    for tf_type, case in made.items():
        assert case.import_id in by_type.get(tf_type, set()), (tf_type, by_type.get(tf_type))

    # Every other type's made resource goes into the state: the scan then reports exactly the rest as unmanaged.
    chosen = {(tf_type, made[tf_type].import_id) for tf_type in SERVED[::2]}
    put_state(aws_client, [line for line in first if (line["tf_type"], line["import_id"]) in chosen])
    code, second, err = scan(env, *region_args)
    assert code == 0, err
    managed = {(line["tf_type"], line["import_id"]) for line in second if line["managed"]}
    assert managed == chosen
    assert all(line["state"] == f"s3://{STATE_BUCKET}/{STATE_KEY}" for line in second if line["managed"])
    code, unmanaged, err = scan(env, "--unmanaged", *region_args)
    assert code == 0, err
    keys = {(line["tf_type"], line["import_id"]) for line in unmanaged}
    assert keys == {(line["tf_type"], line["import_id"]) for line in second} - chosen
    assert "API calls" in err


def test_a_fresh_account_reports_nothing_aws_made(aws_env: dict[str, str]) -> None:
    """moto's default VPCs, subnets, security groups, route tables, gateways and managed policies are AWS's own."""
    code, lines, err = scan({**aws_env, "TFSYNC_ACCOUNT_ID": ACCOUNT}, "--region", "us-east-1", "--region",
                            "eu-west-1", *TYPE_ARGS)
    assert code == 0, err
    assert lines == []


def test_types_and_regions_narrow_the_scan(aws_env: dict[str, str], aws_client: Callable[..., Any]) -> None:
    aws_client("s3").create_bucket(Bucket="kept-here")
    aws_client("s3", "eu-west-1").create_bucket(
        Bucket="kept-there", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    aws_client("sqs").create_queue(QueueName="not-a-bucket")
    env = {**aws_env, "TFSYNC_ACCOUNT_ID": ACCOUNT}
    code, lines, err = scan(env, "--type", "aws_s3_bucket", "--region", "eu-west-1")
    assert code == 0, err
    assert [(line["name"], line["region"]) for line in lines] == [("kept-there", "eu-west-1")]
    code, lines, err = scan(env, "--type", "aws_no_such_type")
    assert code == 2
    assert "aws_no_such_type" in err
    assert lines == []


def test_a_throttled_call_is_retried(aws_env: dict[str, str], aws_client: Callable[..., Any],
                                     aws_endpoint: str) -> None:
    aws_client("s3").create_bucket(Bucket="after-the-throttle")
    slow_down = ("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
                 "<RequestId>1</RequestId></Error>")
    with DelayingProxy(aws_endpoint) as proxy:
        refusal = proxy.refuse(lambda method, path, _: method == "GET" and path.split("?")[0] == "/", 503, slow_down,
                               times=2)
        code, lines, err = scan({**aws_env, "AWS_ENDPOINT_URL_S3": proxy.url, "TFSYNC_ACCOUNT_ID": ACCOUNT},
                                "--type", "aws_s3_bucket")
    assert refusal.answered == 2
    assert code == 0, err
    assert [line["name"] for line in lines] == ["after-the-throttle"]


def test_a_failing_service_is_named_and_the_rest_still_reported(aws_env: dict[str, str],
                                                                aws_client: Callable[..., Any],
                                                                aws_endpoint: str) -> None:
    aws_client("s3").create_bucket(Bucket="still-reported")
    aws_client("sqs").create_queue(QueueName="unlisted")
    denied = json.dumps({"__type": "com.amazonaws.sqs#AccessDenied", "message": "not allowed to list queues"})
    with DelayingProxy(aws_endpoint) as proxy:
        proxy.refuse(lambda *_: True, 403, denied, times=-1, content_type="application/x-amz-json-1.0")
        env = {**aws_env, "AWS_ENDPOINT_URL_SQS": proxy.url, "TFSYNC_ACCOUNT_ID": ACCOUNT}
        code, lines, err = scan(env, "--type", "aws_s3_bucket", "--type", "aws_sqs_queue")
    assert code == 1
    assert [line["name"] for line in lines] == ["still-reported"]
    assert "sqs:ListQueues failed in account 123456789012, us-east-1 listing aws_sqs_queue" in err
    assert "AccessDenied" in err


def test_an_unreadable_state_fails_the_scan(aws_env: dict[str, str], aws_client: Callable[..., Any]) -> None:
    """What an unreadable state manages would look unmanaged: the scan says so and exits 1."""
    aws_client("s3").create_bucket(Bucket=STATE_BUCKET)
    aws_client("s3").put_object(Bucket=STATE_BUCKET, Key=STATE_KEY, Body=b"{not json")
    code, lines, err = scan(env_for(aws_env), "--type", "aws_s3_bucket")
    assert code == 1
    assert [line["name"] for line in lines] == [STATE_BUCKET]
    assert "state is not JSON" in err


def test_calls_are_counted(aws_env: dict[str, str], aws_client: Callable[..., Any]) -> None:
    for n in range(3):
        aws_client("s3").create_bucket(Bucket=f"counted-{n}")
    settings = Settings.from_env({**aws_env, "TFSYNC_ACCOUNT_ID": ACCOUNT})
    from bot.accounts import AccountAccess

    report = Scanner(AccountAccess(settings).scan_client).scan(
        ScanRequest((ACCOUNT,), ("us-east-1",), ("aws_s3_bucket",)))
    assert [item.name for item in report.items] == ["counted-0", "counted-1", "counted-2"]
    assert report.calls["s3:ListBuckets"] == 1
    assert report.api_calls == sum(report.calls.values()) >= 1
    assert report.requests >= report.api_calls
    # Half the buckets tagged: their tags come from the Tagging API, one call for the region's untagged listings.
    aws_client("s3").put_bucket_tagging(Bucket="counted-1", Tagging={"TagSet": [{"Key": "owner", "Value": "data"}]})
    aws_client("iam").create_role(RoleName="global-one", AssumeRolePolicyDocument="{}")
    asked: list[str] = []

    def watched(account: str, service: str, region: str) -> Any:
        client = AccountAccess(settings).scan_client(account, service, region)
        client.meta.events.register("before-parameter-build.resource-groups-tagging-api.GetResources",
                                    lambda params, **_: asked.extend(params["ResourceARNList"]))
        return client

    report = Scanner(watched).scan(ScanRequest((ACCOUNT,), ("us-east-1",), ("aws_s3_bucket", "aws_iam_role")))
    assert {i.name: dict(i.tags) for i in report.items if i.tf_type == "aws_s3_bucket"}["counted-1"] == {
        "owner": "data"}
    assert report.calls["tagging:GetResources"] == 1, "one batch for the region's listings"
    assert sorted(asked) == [f"arn:aws:s3:::counted-{n}" for n in range(3)], "no IAM ARN asked of a regional API"
    assert "global-one" in [i.name for i in report.items]
    with pytest.raises(UnknownType):
        Scanner(AccountAccess(settings).scan_client).scan(ScanRequest((ACCOUNT,), ("us-east-1",), ("aws_nope",)))
