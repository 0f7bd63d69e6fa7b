"""Finding a resource by what people quote: its id, import ID, ARN, or its name when that names one resource."""

from __future__ import annotations

from typing import Any

import pytest

from bot.classify import Resource
from bot.config import Settings
from bot.decisions import DecisionService
from bot.errors import UnknownResource
from bot.state import Detection, ResourceRecord, StateRepository, Status
from tests.runners.helpers import NoRemover

ACCOUNT = "123456789012"


class _NoRunner:
    kind = "none"

    def layout(self) -> Any:
        raise AssertionError("finding adopts nothing")

    async def run(self, job: Any, reporter: Any) -> Any:
        raise AssertionError("finding adopts nothing")


async def _detect(repo: StateRepository, tf_type: str, name: str, import_id: str) -> ResourceRecord:
    resource = Resource(tf_type=tf_type, import_id=import_id, name=name, arn=f"arn:aws:x:::{import_id}",
                        region="us-east-1", account_id=ACCOUNT, actor=f"arn:aws:iam::{ACCOUNT}:user/dev",
                        console_url="", suggested_name=name, loses_data=False, tags={})
    record = await repo.create_detected(Detection(resource, f"ev-{import_id}", "Create", "2026-01-01T00:00:00Z"),
                                        owner="test", notify_grace=60)
    assert record is not None
    return record


@pytest.fixture
def decisions(state_env: dict[str, str]) -> DecisionService:
    return DecisionService(StateRepository(Settings.from_env(state_env)), _NoRunner(), NoRemover())


async def test_a_resource_is_found_by_id_import_id_arn_and_its_own_name(decisions: DecisionService) -> None:
    queue = await _detect(decisions.repo, "aws_sqs_queue", "jobs",
                          f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/jobs")
    for query in (queue.resource_id, queue.import_id, queue.arn, "jobs", " `jobs` "):
        assert (await decisions.find(query)).resource_id == queue.resource_id, query
    with pytest.raises(UnknownResource, match="No resource matches 'nothing'"):
        await decisions.find("nothing")


async def test_a_shared_name_asks_for_the_id_unless_one_is_still_open(decisions: DecisionService) -> None:
    queue = await _detect(decisions.repo, "aws_sqs_queue", "jobs", "https://sqs/q/jobs")
    topic = await _detect(decisions.repo, "aws_sns_topic", "jobs", "arn:aws:sns:us-east-1:1:jobs")
    with pytest.raises(UnknownResource, match="Several resources are named 'jobs'") as several:
        await decisions.find("jobs")
    assert queue.resource_id in str(several.value) and topic.resource_id in str(several.value)

    await decisions.repo.transition(topic.resource_id, Status.GONE.value, expected_status=topic.status,
                                    expected_version=topic.version, actor="test", reason="deleted outside tfsync")
    assert (await decisions.find("jobs")).resource_id == queue.resource_id, "the one still open is meant"
