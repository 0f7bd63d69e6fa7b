"""Deleting through the decision service: detected -> deleting -> deleted | delete_failed, with the managed re-check."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.accounts import AccountAccess
from bot.config import Settings
from bot.decisions import DecisionService, SafeRemover
from bot.managed import StateReader
from bot.runners import RecordingReporter
from bot.state import Detection, ResourceRecord, StateRepository, TransitionConflict
from tests.codegen.helpers import detect
from tests.codegen.test_types import CASES

Aws = Callable[..., Any]
STATES = "tfstate-bucket"
OWN_ACCOUNT = "123456789012"  # moto's, where every resource of these tests is made


@pytest.fixture
def repo(state_env: dict[str, str]) -> StateRepository:
    return StateRepository(Settings.from_env(state_env))


def _state(aws: Aws, resources: list[dict[str, Any]]) -> None:
    s3 = aws("s3")
    if STATES not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=STATES)
    body = {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "l", "outputs": {},
            "resources": resources}
    s3.put_object(Bucket=STATES, Key="net/terraform.tfstate", Body=json.dumps(body).encode())


async def _detected(repo: StateRepository, aws: Aws, tf_type: str) -> ResourceRecord:
    made = CASES[tf_type](aws)
    record, resources = detect(made.record)
    [resource] = [r for r in resources if r.tf_type == tf_type]
    created = await repo.create_detected(Detection(resource, record.event_id, record.event_name, record.event_time),
                                         owner="m-1", notify_grace=60)
    assert created is not None
    return created


class _NoRunner:
    """Deletion tests adopt nothing."""

    kind = "none"

    def layout(self, target: object = None) -> Any:
        raise AssertionError("a deletion test tried to adopt")

    async def run(self, job: Any, reporter: Any) -> Any:
        raise AssertionError("a deletion test tried to adopt")


def _decisions(repo: StateRepository, aws: Aws) -> DecisionService:
    _state(aws, [])
    reader = StateReader(aws("s3"), [f"s3://{STATES}/"], 10_000_000)
    accounts = AccountAccess(Settings(aws_endpoint_url=aws("sts").meta.endpoint_url, account_id=OWN_ACCOUNT))
    remover = SafeRemover(reader, accounts.client)
    return DecisionService(repo, _NoRunner(), remover, reporter=RecordingReporter())


async def _delete(decisions: DecisionService, resource_id: str, actor: str, *, confirmed: bool = False
                  ) -> tuple[ResourceRecord, str]:
    """Claim and run a delete to its end; the record after it and the reason it records."""
    record = await decisions.repo.get(resource_id)
    assert record is not None
    claimed = await decisions.claim_delete(record, actor)
    done = await decisions.run_delete(claimed, actor, confirmed=confirmed)
    history = await decisions.repo.history(resource_id)
    return done, history[-1].reason


async def test_delete_moves_the_record_to_deleted_and_a_second_is_refused(repo: StateRepository, aws_client: Aws):
    record = await _detected(repo, aws_client, "aws_sns_topic")
    decisions = _decisions(repo, aws_client)

    done, message = await _delete(decisions, record.resource_id, "slack:U-alice")

    assert done.status == "deleted" and done.job_error is None
    assert message.startswith("Deleted topic")
    assert aws_client("sns").list_topics()["Topics"] == []
    history = [(e.from_status, e.to_status, e.actor) for e in await repo.history(record.resource_id)]
    assert history[-2:] == [("detected", "deleting", "slack:U-alice"), ("deleting", "deleted", "slack:U-alice")]
    with pytest.raises(TransitionConflict) as refused:
        await _delete(decisions, record.resource_id, "slack:U-bob")
    assert refused.value.current_status == "deleted"


async def test_a_resource_that_became_managed_is_refused_and_kept(repo: StateRepository, aws_client: Aws):
    record = await _detected(repo, aws_client, "aws_iam_user")
    decisions = _decisions(repo, aws_client)
    # After detection, someone adopted it by hand: the state now holds it.
    _state(aws_client, [{"mode": "managed", "type": "aws_iam_user", "name": "svc",
                         "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                         "instances": [{"schema_version": 0,
                                        "attributes": {"id": record.import_id, "name": record.import_id}}]}])

    done, message = await _delete(decisions, record.resource_id, "slack:U-alice")

    assert done.status == "delete_failed"
    assert "Terraform manages it now, as aws_iam_user.svc" in message
    assert done.job_error == message
    assert aws_client("iam").get_user(UserName=record.import_id)["User"]["UserName"] == record.import_id


async def test_a_refused_delete_can_be_retried_with_confirmation(repo: StateRepository, aws_client: Aws):
    record = await _detected(repo, aws_client, "aws_s3_bucket")
    aws_client("s3").put_object(Bucket=record.import_id, Key="keep.txt", Body=b"1")
    decisions = _decisions(repo, aws_client)

    refused, message = await _delete(decisions, record.resource_id, "slack:U-alice")
    assert refused.status == "delete_failed" and "confirm emptying" in message

    retried, _ = await _delete(decisions, record.resource_id, "slack:U-alice", confirmed=True)
    assert retried.status == "deleted"


async def test_a_resource_already_gone_is_recorded_as_deleted(repo: StateRepository, aws_client: Aws):
    record = await _detected(repo, aws_client, "aws_ssm_parameter")
    aws_client("ssm").delete_parameter(Name=record.import_id)

    done, message = await _delete(_decisions(repo, aws_client), record.resource_id, "slack:U-alice")

    assert done.status == "deleted"
    assert "no longer existed" in message
