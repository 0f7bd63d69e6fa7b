"""A scan's finds in the backlog (bot/backlog.py) and bulk decisions on them, against moto: one record per resource
whatever found it, no thread per resource, ignore rules respected; twenty buckets adopted as one commit with twenty
import blocks whose real plan is clean; a bulk ignore."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.accounts import AccountAccess
from bot.backlog import ScanDefaults, ScanOutcome, ScanService, Selection, record_scan
from bot.config import Settings
from bot.decisions import BULK_PREFIX, IgnoreChoice
from bot.errors import NotAllowed
from bot.rules import IgnoreRule, IgnoreScope
from bot.runners import RecordingReporter
from bot.scan import Scanner, ScanRequest
from bot.state import Detection, StateRepository, Status
from tests.codegen.helpers import ACCOUNT, detect
from tests.codegen.test_types import CASES
from tests.runners.helpers import decisions_for
from tests.runners.test_local import PLUGIN_DIR, _git, _runner, repository  # noqa: F401 - the fixture

Aws = Callable[..., Any]
BUCKETS = 20


@pytest.fixture
def repo(state_env: dict[str, str]) -> StateRepository:
    return StateRepository(Settings.from_env(state_env))


def scanner(aws_env: dict[str, str]) -> Scanner:
    return Scanner(AccountAccess(Settings.from_env({**aws_env, "TFSYNC_ACCOUNT_ID": ACCOUNT})).scan_client)


def buckets_request() -> ScanRequest:
    return ScanRequest((ACCOUNT,), ("us-east-1",), ("aws_s3_bucket",))


async def test_a_scan_stores_each_unmanaged_resource_once_whatever_found_it(
        repo: StateRepository, aws_env: dict[str, str], aws_client: Aws) -> None:
    made = CASES["aws_s3_bucket"](aws_client)  # detected from its creation event first
    record, [resource] = detect(made.record)
    by_event = await repo.create_detected(Detection(resource, record.event_id, record.event_name, record.event_time),
                                          owner="m-1", notify_grace=60)
    assert by_event is not None
    aws_client("s3").create_bucket(Bucket="made-long-ago")

    outcome = await record_scan(repo, scanner(aws_env).scan(buckets_request()), rules=[])
    assert [r.name for r in outcome.new] == ["made-long-ago"]
    assert [i.import_id for i in outcome.known] == [made.import_id]
    [found] = outcome.new
    assert (found.source, found.scan_id, found.actor) == ("scan", outcome.scan_id, "")
    assert found.notify_version is None, "a scan's find waits in the backlog: the digest stands for it"
    assert found.status == Status.DETECTED.value
    assert (await repo.get(by_event.resource_id)).source == "event"  # type: ignore[union-attr]
    history = await repo.history(found.resource_id)
    assert [entry.reason for entry in history] == ["found by a scan"]

    again = await record_scan(repo, scanner(aws_env).scan(buckets_request()), source="reconcile", rules=[])
    assert again.new == [] and len(again.known) == 2
    assert len(await repo.by_status(Status.DETECTED.value)) == 2


async def test_ignore_rules_keep_a_scan_find_out_of_the_backlog(repo: StateRepository, aws_env: dict[str, str],
                                                                aws_client: Aws) -> None:
    for name in ("scratch-1", "keep-1"):
        aws_client("s3").create_bucket(Bucket=name)
    rule = IgnoreRule(id="i-1", name_pattern="scratch-*")
    outcome = await record_scan(repo, scanner(aws_env).scan(buckets_request()), rules=[rule])
    assert [r.name for r in outcome.new] == ["keep-1"]
    assert [i.name for i in outcome.ignored] == ["scratch-1"]
    assert [i.name for i in outcome.unmanaged] == ["keep-1"]


async def test_the_scan_service_runs_one_scan_at_a_time_and_tells_the_observer(
        repo: StateRepository, aws_env: dict[str, str], aws_client: Aws) -> None:
    aws_client("s3").create_bucket(Bucket="seen-by-the-digest")
    aws_client("s3").put_bucket_tagging(Bucket="seen-by-the-digest",
                                        Tagging={"TagSet": [{"Key": "Owner", "Value": "team-data"}]})
    told: list[ScanOutcome] = []

    class Observer:
        async def scan_recorded(self, outcome: ScanOutcome) -> None:
            told.append(outcome)
            raise RuntimeError("Slack is down")  # changes nothing stored

    service = ScanService(scanner(aws_env), repo, ScanDefaults(("us-east-1",), lambda: (ACCOUNT,)),
                          observer=Observer())
    request = service.request(types=["aws_s3_bucket"])
    service.start(request, requested_by="slack:U-admin")
    from bot.backlog import ScanInProgress

    with pytest.raises(ScanInProgress):
        service.start(request)
    await service.drain()
    [outcome] = told
    assert outcome.requested_by == "slack:U-admin" and [r.name for r in outcome.new] == ["seen-by-the-digest"]
    assert outcome.counts(outcome.owner_of) == [("team-data", 1)]
    assert not service.running
    assert (await repo.get(outcome.new[0].resource_id)) is not None


def test_a_selection_reads_the_filters_people_type() -> None:
    selection = Selection.parse(["aws_s3_bucket", "name=data-*", "tag=team=data", "account=123456789012"])
    assert (selection.tf_type, selection.name_pattern, selection.tag, selection.account_id) == (
        "aws_s3_bucket", "data-*", ("team", "data"), "123456789012")
    assert Selection.parse(["tag=team"]).tag == ("team", None)
    for bad in (["colour=red"], ["type=aws_nope"], ["name="], ["source=magic"], ["name=a", "name=b"]):
        with pytest.raises(ValueError):
            Selection.parse(bad)


@pytest.mark.skipif(PLUGIN_DIR is None, reason="not verified: no hashicorp/aws provider unpacked in a plugin "
                                               "directory here")
async def test_twenty_buckets_are_adopted_as_one_commit_whose_real_plan_is_clean(
        repo: StateRepository, aws_env: dict[str, str], aws_client: Aws, aws_endpoint: str,
        repository: Path) -> None:  # noqa: F811 - the fixture
    for n in range(BUCKETS):
        aws_client("s3").create_bucket(Bucket=f"data-{n:02d}")
    await record_scan(repo, scanner(aws_env).scan(buckets_request()), rules=[])
    backlog = await repo.by_status(Status.DETECTED.value)
    picked = Selection.parse(["type=aws_s3_bucket", "name=data-*", "source=scan"]).pick(backlog)
    assert len(picked) == BUCKETS and len(backlog) == BUCKETS + 1  # and the state bucket, not picked
    reporter = RecordingReporter()
    decisions = decisions_for(repo, _runner(repository, aws_endpoint), reporter, aws=aws_client)

    bulk = await decisions.adopt_many(picked, "slack:U-alice", "storage")
    assert len(bulk.claimed) == BUCKETS and bulk.refused == ()
    assert bulk.batch_id.startswith(BULK_PREFIX)
    await decisions.drain()

    [(job_id, result)] = reporter.results
    assert job_id == bulk.batch_id
    assert result.succeeded and result.verified, result.error
    assert result.plan is not None
    # Plain buckets (no versioning or encryption beyond the default): one import apiece, nothing else.
    assert result.plan.describe() == f"{BUCKETS} to import, 0 to add, 0 to change, 0 to destroy"
    branch = f"tfsync/adopt-{bulk.batch_id}"
    assert _git(repository, "rev-list", "--count", branch).strip() == "2", "the seed, then one commit"
    assert result.commit == _git(repository, "rev-parse", branch).strip()
    message = _git(repository, "log", "-1", "--format=%B", branch)
    assert message.startswith(f"tfsync: adopt {BUCKETS} resources")
    assert all(f"aws_s3_bucket.data_{n:02d} (import ID data-{n:02d})" in message for n in range(BUCKETS))
    names = _git(repository, "ls-tree", "-r", "--name-only", branch).split()
    import_files = [n for n in names if n.startswith("import.storage.aws_s3_bucket.")]
    assert len(import_files) == BUCKETS
    blocks = sum(_git(repository, "show", f"{branch}:{n}").count("import {") for n in import_files)
    assert blocks == BUCKETS
    for record in picked:
        done = await repo.get(record.resource_id)
        assert done is not None
        assert (done.status, done.job_id, done.job_link, done.job_result) == (
            "adopted", bulk.batch_id, result.commit, "succeeded")


async def test_bulk_adoption_refuses_what_it_cannot_do_in_one_job(repo: StateRepository, aws_env: dict[str, str],
                                                                  aws_client: Aws, tmp_path: Path) -> None:
    for n in range(3):
        aws_client("s3").create_bucket(Bucket=f"few-{n}")
    await record_scan(repo, scanner(aws_env).scan(buckets_request()), rules=[])
    backlog = await repo.by_status(Status.DETECTED.value)
    decisions = decisions_for(repo, _runner(tmp_path / "none.git", "http://unused"), RecordingReporter())
    with pytest.raises(NotAllowed, match="no open resource"):
        await decisions.adopt_many([], "slack:U-alice", None)
    elsewhere = [backlog[0], *(r.__class__(**{**_fields(r), "account_id": "999999999999"}) for r in backlog[1:2])]
    with pytest.raises(NotAllowed, match="one account"):
        await decisions.adopt_many(elsewhere, "slack:U-alice", None)
    with pytest.raises(NotAllowed, match="at most"):
        await decisions.adopt_many(_many(backlog[0], 101), "slack:U-alice", None)
    assert all(r.status == "detected" for r in await repo.by_status(Status.DETECTED.value))


async def test_bulk_ignore_ignores_each_and_refuses_what_was_decided(repo: StateRepository, aws_env: dict[str, str],
                                                                     aws_client: Aws, tmp_path: Path) -> None:
    for n in range(4):
        aws_client("s3").create_bucket(Bucket=f"old-{n}")
    await record_scan(repo, scanner(aws_env).scan(buckets_request()), rules=[])
    backlog = await repo.by_status(Status.DETECTED.value)
    decisions = decisions_for(repo, _runner(tmp_path / "none.git", "http://unused"), RecordingReporter())
    stale = backlog[0]
    await decisions.ignore(stale.resource_id, stale.version, "slack:U-bob",
                           IgnoreChoice(IgnoreScope.RESOURCE, timedelta(days=7)))
    bulk = await decisions.ignore_many(backlog, "slack:U-alice", IgnoreChoice(IgnoreScope.RESOURCE,
                                                                              timedelta(days=30)))
    assert sorted(r.name for r in bulk.ignored) == sorted(r.name for r in backlog[1:])
    assert [r.resource_id for r, _ in bulk.refused] == [stale.resource_id]
    assert await repo.by_status(Status.DETECTED.value) == []
    assert len(await repo.rules()) == len(backlog)


def _fields(record: Any) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: getattr(record, f.name) for f in fields(record)}


def _many(record: Any, n: int) -> list[Any]:
    return [record.__class__(**{**_fields(record), "resource_id": f"r-{i:012d}"}) for i in range(n)]

