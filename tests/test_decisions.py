"""Finding a resource by what people quote: its id, import ID, ARN, or its name when that names one resource; and
ignoring one: who may ignore how much, the rule and the status written together, and who may remove a rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.classify import Resource
from bot.config import Settings
from bot.decisions import MAX_OWN_IGNORE, DecisionService, IgnoreChoice
from bot.errors import NoSuchRule, NotAllowed, UnknownResource
from bot.rules import IgnoreScope
from bot.state import Detection, ResourceRecord, StateRepository, Status, TransitionConflict
from tests.runners.helpers import NoRemover

ACCOUNT = "123456789012"


class _NoRunner:
    kind = "none"

    def layout(self, target: object = None) -> Any:
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


# Ignoring --------------------------------------------------------------------------------------------------------

ALICE, BOB = "slack:U-alice", "slack:U-bob"
ONE_DAY = timedelta(days=1)
YOURS = "you can ignore this one resource for up to 90 days."


class _FailingObserver:
    def __init__(self) -> None:
        self.told: list[tuple[str, str, bool]] = []

    async def status_changed(self, record: ResourceRecord, *, reply: bool = True,
                             error_id: str | None = None) -> None:
        self.told.append((record.resource_id, record.status, reply))
        raise RuntimeError("Slack is down")


async def _bucket(decisions: DecisionService, name: str = "scratch") -> ResourceRecord:
    return await _detect(decisions.repo, "aws_s3_bucket", name, name)


@pytest.mark.parametrize(
    ("choice", "refusal"),
    [
        (IgnoreChoice(IgnoreScope.TYPE, ONE_DAY), f"Only tfsync admins can ignore every resource of a type; {YOURS}"),
        (IgnoreChoice(IgnoreScope.ACTOR, ONE_DAY),
         f"Only tfsync admins can ignore everything one person or role creates; {YOURS}"),
        (IgnoreChoice(IgnoreScope.NAME, ONE_DAY, "scratch-*"),
         f"Only tfsync admins can ignore every resource whose name matches a pattern; {YOURS}"),
        (IgnoreChoice(IgnoreScope.RESOURCE, None), f"Only tfsync admins can ignore a resource forever; {YOURS}"),
        (IgnoreChoice(IgnoreScope.RESOURCE, MAX_OWN_IGNORE + ONE_DAY),
         f"Only tfsync admins can ignore a resource for more than 90 days; {YOURS}"),
    ],
)
async def test_only_admins_ignore_more_than_one_resource_or_for_longer_than_the_cap(
    decisions: DecisionService, choice: IgnoreChoice, refusal: str,
) -> None:
    record = await _bucket(decisions)
    with pytest.raises(NotAllowed) as refused:
        await decisions.ignore(record.resource_id, record.version, ALICE, choice)
    assert (refused.value.title, refused.value.message) == ("Not allowed", refusal)
    assert await decisions.repo.rules() == [] and await decisions.repo.get(record.resource_id) == record

    ignored = await decisions.ignore(record.resource_id, record.version, "slack:U-admin", choice, admin=True)
    [rule] = await decisions.repo.rules()
    assert (rule.scope, rule.created_by, rule.rule_id) == (choice.scope.value, "slack:U-admin", ignored.ignore_rule_id)
    assert ignored.status == Status.IGNORED


@pytest.mark.parametrize("duration", [ONE_DAY, MAX_OWN_IGNORE])
async def test_anyone_ignores_the_one_resource_for_up_to_the_cap(decisions: DecisionService,
                                                                 duration: timedelta) -> None:
    record = await _bucket(decisions)
    before = datetime.now(UTC)
    ignored = await decisions.ignore(record.resource_id, record.version, ALICE,
                                     IgnoreChoice(IgnoreScope.RESOURCE, duration))
    [rule] = await decisions.repo.rules()
    assert (ignored.status, ignored.ignore_scope, ignored.ignore_rule_id) == ("ignored", "resource", rule.rule_id)
    assert (rule.scope, rule.resource_id, rule.created_by) == ("resource", record.resource_id, ALICE)
    assert rule.expires_at is not None and before + duration - timedelta(seconds=1) <= rule.expires_at
    assert ignored.ignore_until is not None and ignored.ignore_until <= datetime.now(UTC) + duration


async def test_a_lost_race_to_ignore_leaves_no_rule(decisions: DecisionService) -> None:
    record = await _bucket(decisions)
    await decisions.repo.transition(record.resource_id, Status.DELETING.value, expected_status="detected",
                                    expected_version=record.version, actor=BOB)
    with pytest.raises(TransitionConflict):
        await decisions.ignore(record.resource_id, None, ALICE, IgnoreChoice(IgnoreScope.RESOURCE, ONE_DAY))
    with pytest.raises(TransitionConflict):  # a form opened on the older version
        await decisions.ignore(record.resource_id, record.version, ALICE, IgnoreChoice(IgnoreScope.RESOURCE, ONE_DAY))
    assert await decisions.repo.rules() == []


async def test_an_ignore_and_an_unignore_stand_when_slack_cannot_show_them(state_env: dict[str, str]) -> None:
    observer = _FailingObserver()
    decisions = DecisionService(StateRepository(Settings.from_env(state_env)), _NoRunner(), NoRemover(),
                                observer=observer)
    record = await _bucket(decisions)
    ignored = await decisions.ignore(record.resource_id, None, ALICE, IgnoreChoice(IgnoreScope.RESOURCE, ONE_DAY))
    assert ignored.ignore_rule_id is not None
    [back] = await decisions.unignore(ignored.ignore_rule_id, ALICE)
    assert back.status == Status.DETECTED and await decisions.repo.rules() == []
    assert observer.told == [(record.resource_id, "ignored", True), (record.resource_id, "detected", False)]


async def test_only_its_maker_or_an_admin_removes_a_rule(decisions: DecisionService) -> None:
    mine, theirs = await _bucket(decisions, "scratch-a"), await _bucket(decisions, "scratch-b")
    by_alice = await decisions.ignore(mine.resource_id, None, ALICE, IgnoreChoice(IgnoreScope.RESOURCE, ONE_DAY))
    by_bob = await decisions.ignore(theirs.resource_id, None, BOB, IgnoreChoice(IgnoreScope.RESOURCE, ONE_DAY))
    assert by_alice.ignore_rule_id and by_bob.ignore_rule_id

    with pytest.raises(NotAllowed) as refused:
        await decisions.unignore(by_bob.ignore_rule_id, ALICE)
    assert refused.value.message == (f"Ignore rule {by_bob.ignore_rule_id} was made by someone else: only they or a "
                                     "tfsync admin can remove it.")
    assert len(await decisions.repo.rules()) == 2
    assert (await decisions.repo.get(theirs.resource_id)) == by_bob

    [own] = await decisions.unignore(by_alice.ignore_rule_id, ALICE)
    [admins] = await decisions.unignore(by_bob.ignore_rule_id, "slack:U-admin", admin=True)
    assert (own.resource_id, own.status) == (mine.resource_id, "detected")
    assert (admins.resource_id, admins.status) == (theirs.resource_id, "detected")
    assert await decisions.repo.rules() == []
    with pytest.raises(NoSuchRule, match="There is no ignore rule 'i-gone'"):
        await decisions.unignore("i-gone", ALICE, admin=True)
