"""Deleting is refused for a resource that only a Terraform workspace's state manages (`env:/<workspace>/<key>`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from bot.config import Settings
from bot.decisions import DecisionService, SafeRemover
from bot.managed import StateReader
from bot.runners import RecordingReporter
from bot.state import ResourceRecord, StateRepository
from tests.deletion.test_deleter import _delete, _detected, _NoRunner

Aws = Callable[..., Any]
STATES = "team-tfstate"
LOCATION = f"s3://{STATES}/live/terraform.tfstate"
AWS = 'provider["registry.terraform.io/hashicorp/aws"]'


@pytest.fixture
def repo(state_env: dict[str, str]) -> StateRepository:
    return StateRepository(Settings.from_env(state_env))


def _put_state(aws: Aws, key: str, buckets: list[str]) -> None:
    """A version 4 state at `key` managing the named buckets as aws_s3_bucket.data[<name>]."""
    s3 = aws("s3")
    if STATES not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=STATES)
    instances = [{"index_key": name, "schema_version": 0, "attributes": {"id": name, "bucket": name,
                                                                       "arn": f"arn:aws:s3:::{name}"}}
                 for name in buckets]
    resources = [{"mode": "managed", "type": "aws_s3_bucket", "name": "data", "provider": AWS,
                  "instances": instances}] if buckets else []
    body = {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "l", "outputs": {},
            "resources": resources}
    s3.put_object(Bucket=STATES, Key=key, Body=json.dumps(body).encode())


def _decisions(repo: StateRepository, aws: Aws, s3: Any = None) -> DecisionService:
    """Decisions whose managed check reads LOCATION and its workspaces, through `s3` when given."""
    reader = StateReader(s3 or aws("s3"), [LOCATION], 10_000_000)

    def clients(account_id: str, service: str, region: str) -> Any:
        return aws(service, region)  # moto answers for every account

    remover = SafeRemover(reader, clients)
    return DecisionService(repo, _NoRunner(), remover, reporter=RecordingReporter())


def _bucket_exists(aws: Aws, record: ResourceRecord) -> bool:
    return record.import_id in [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]


async def test_a_bucket_only_a_workspace_state_manages_is_refused_and_kept(repo: StateRepository, aws_client: Aws):
    record = await _detected(repo, aws_client, "aws_s3_bucket")
    _put_state(aws_client, "live/terraform.tfstate", [])  # the default workspace does not hold it
    _put_state(aws_client, "env:/prod/live/terraform.tfstate", [record.import_id])

    done, message = await _delete(_decisions(repo, aws_client), record.resource_id, "slack:U-alice")

    assert done.status == "delete_failed"
    assert message.startswith(f'Terraform manages it now, as aws_s3_bucket.data["{record.import_id}"] in '
                              f"s3://{STATES}/env:/prod/live/terraform.tfstate")
    assert _bucket_exists(aws_client, record)


async def test_an_unlistable_workspace_prefix_refuses_the_delete(repo: StateRepository, aws_client: Aws):
    record = await _detected(repo, aws_client, "aws_s3_bucket")
    _put_state(aws_client, "live/terraform.tfstate", [])
    s3 = aws_client("s3")
    # The workspaces cannot be listed (a role without s3:ListBucket on env:/): one of them might hold the bucket.

    def refuse(params: dict[str, Any], **_: Any) -> Any:
        if params["query_string"].get("prefix") == "env:/":
            return AWSResponse("https://s3.example", 403, {}, None), {
                "Error": {"Code": "AccessDenied", "Message": "Access Denied"}, "ResponseMetadata": {}}
        return None

    s3.meta.events.register("before-call.s3.ListObjectsV2", refuse)

    done, message = await _delete(_decisions(repo, aws_client, s3), record.resource_id, "slack:U-alice")

    assert done.status == "delete_failed"
    assert "a Terraform state could not be read" in message and "workspace states" in message
    assert _bucket_exists(aws_client, record)


async def test_a_bucket_no_workspace_manages_is_still_deleted(repo: StateRepository, aws_client: Aws):
    record = await _detected(repo, aws_client, "aws_s3_bucket")
    _put_state(aws_client, "live/terraform.tfstate", [])
    _put_state(aws_client, "env:/prod/live/terraform.tfstate", ["another-bucket"])

    done, _ = await _delete(_decisions(repo, aws_client), record.resource_id, "slack:U-alice")

    assert done.status == "deleted"
    assert not _bucket_exists(aws_client, record)
