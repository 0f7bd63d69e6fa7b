"""Durable decisions: the lease a claim writes and its worker renews, the sweeper that ends or takes over work whose
worker died (in this process, and after a real kill -9 of another one), and reports or notices that fail without
changing how a job ends."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app import build_decisions
from bot.classify import Resource
from bot.config import Settings
from bot.decisions import (
    ABANDONED,
    ADOPT_ABANDONED,
    DELETE_ABANDONED,
    AdoptChoice,
    DecisionObserver,
    DecisionService,
    Remover,
)
from bot.deletion import DeleteOutcome
from bot.errors import ConfigError
from bot.runners import AdoptJob, CodeBuildRunner, JobPhase, JobReporter, JobResult, RecordingReporter
from bot.state import Detection, ResourceRecord, StateRepository, Status
from bot.sweeper import run_sweeper
from tests.conftest import ROOT
from tests.runners.codebuild_project import BUCKET, PROJECT, create_project, write_log
from tests.runners.helpers import FailingReporter

Aws = Callable[..., Any]
ACCOUNT = "123456789012"
COMMIT = "https://git.example.com/infra/commit/0a1b2c3d"
SUCCEEDED = JobResult(status="succeeded", commit=COMMIT, verified=True)


class BlockingRunner:
    """An adopt runner whose job runs until the test lets it end, reporting a phase before and after, then its
    result, as a real job does."""

    kind = "local"

    def __init__(self, *, released: bool = False) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        if released:
            self.release.set()

    @contextmanager
    def layout(self, target: object = None) -> Iterator[Path | None]:
        yield None

    async def run(self, job: AdoptJob, reporter: JobReporter) -> JobResult:
        self.started.set()
        await reporter.phase(job, JobPhase("plan", "succeeded"))
        await self.release.wait()
        await reporter.phase(job, JobPhase("push", "succeeded"))
        await reporter.result(job, SUCCEEDED)
        return SUCCEEDED


class BlockingRemover:
    """A remover whose delete runs (on its worker thread) until the test lets it end."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def remove(self, record: ResourceRecord, *, confirmed_data_loss: bool) -> DeleteOutcome:
        self.started.set()
        assert self.release.wait(30), "the test never let the delete end"
        return DeleteOutcome(f"deleted {record.name}")


class RecordingObserver:
    """Keeps every status it is told of; fails each time when `failing`."""

    def __init__(self, *, failing: bool = False) -> None:
        self.failing = failing
        self.told: list[tuple[str, str]] = []

    async def status_changed(self, record: ResourceRecord, *, reply: bool = True,
                             error_id: str | None = None) -> None:
        self.told.append((record.resource_id, record.status))
        if self.failing:
            raise RuntimeError("Slack is down")


@pytest.fixture
def repo(state_env: dict[str, str]) -> StateRepository:
    return StateRepository(Settings.from_env(state_env))


def _service(repo: StateRepository, runner: Any = None, remover: Remover | None = None, *, owner: str,
             lease: float = 60, reporter: JobReporter | None = None,
             observer: DecisionObserver | None = None) -> DecisionService:
    return DecisionService(repo, runner or BlockingRunner(released=True), remover or BlockingRemover(),
                           reporter=reporter, observer=observer, owner=owner, lease_seconds=lease)


async def _detect(repo: StateRepository, name: str) -> ResourceRecord:
    resource = Resource(tf_type="aws_s3_bucket", import_id=name, name=name, arn=f"arn:aws:s3:::{name}",
                        region="us-east-1", account_id=ACCOUNT, actor=f"arn:aws:iam::{ACCOUNT}:user/dev",
                        console_url="", suggested_name=name.replace("-", "_"), loses_data=True, tags={})
    record = await repo.create_detected(Detection(resource, f"ev-{name}", "CreateBucket", "2026-01-01T00:00:00Z"),
                                        owner="m-1", notify_grace=60)
    assert record is not None
    return record


async def _get(repo: StateRepository, rid: str) -> ResourceRecord:
    record = await repo.get(rid)
    assert record is not None, rid
    return record


async def _leases_while(repo: StateRepository, rid: str, seconds: float) -> list[tuple[datetime, datetime]]:
    """(when read, lease_until) of a record, read every 50 ms for `seconds`."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        read_at = repo.clock()
        record = await _get(repo, rid)
        assert record.lease_until is not None, "the lease is there for as long as the work runs"
        seen.append((read_at, record.lease_until))
        await asyncio.sleep(0.05)
    return seen


# Leases -------------------------------------------------------------------------------------------------------------

async def test_an_adoption_claim_writes_the_lease_its_worker_renews_it_and_its_end_clears_it(
    repo: StateRepository,
) -> None:
    runner = BlockingRunner()
    decisions = _service(repo, runner, owner="worker-a", lease=0.9)
    record = await _detect(repo, "logs-leased")

    before = repo.clock()
    adopting = await decisions.adopt(record.resource_id, record.version, "slack:U-alice", AdoptChoice("logs"))
    after = repo.clock()
    assert adopting.lease_owner == "worker-a"
    lease = timedelta(seconds=0.9)
    assert adopting.lease_until is not None and before + lease <= adopting.lease_until <= after + lease

    await asyncio.wait_for(runner.started.wait(), 10)
    # Over more than two leases: renewed every third of one, so it never runs out while the job runs.
    seen = await _leases_while(repo, record.resource_id, 2.2)
    assert all(until > read_at for read_at, until in seen), "the lease ran out while its worker was alive"
    assert seen[-1][1] > adopting.lease_until + timedelta(seconds=1), "the lease moved forward"
    renewed = await _get(repo, record.resource_id)
    assert (renewed.status, renewed.version, renewed.lease_owner) == ("adopting", adopting.version, "worker-a")

    runner.release.set()
    await decisions.drain()
    adopted = await _get(repo, record.resource_id)
    assert (adopted.status, adopted.job_link) == ("adopted", COMMIT)
    assert (adopted.lease_owner, adopted.lease_until) == (None, None)


async def test_a_delete_claim_writes_the_lease_its_worker_renews_it_and_its_end_clears_it(
    repo: StateRepository,
) -> None:
    remover = BlockingRemover()
    decisions = _service(repo, remover=remover, owner="worker-d", lease=0.9)
    record = await _detect(repo, "logs-deleted")

    deleting = await decisions.delete(record.resource_id, record.version, "slack:U-bob", confirmed=True)
    assert deleting.lease_owner == "worker-d" and deleting.lease_until is not None
    assert await asyncio.to_thread(remover.started.wait, 10)
    seen = await _leases_while(repo, record.resource_id, 1.5)
    assert all(until > read_at for read_at, until in seen)
    assert seen[-1][1] > deleting.lease_until

    remover.release.set()
    await decisions.drain()
    deleted = await _get(repo, record.resource_id)
    assert deleted.status == "deleted" and deleted.version == deleting.version + 1
    assert (deleted.lease_owner, deleted.lease_until) == (None, None)


# The sweeper --------------------------------------------------------------------------------------------------------

async def test_the_sweeper_ends_work_whose_lease_ran_out_and_leaves_live_work_alone(repo: StateRepository) -> None:
    dead = _service(repo, owner="dead-worker", lease=0.2)
    alive = _service(repo, owner="live-worker", lease=60)
    adopt_record, delete_record, live_record, old_record = [
        await _detect(repo, name) for name in ("logs-a", "logs-b", "logs-c", "logs-d")]
    await dead.claim_adopt(adopt_record, "slack:U-alice", AdoptChoice("logs_a", "storage"))
    await dead.claim_delete(delete_record, "slack:U-bob")
    live = await alive.claim_adopt(live_record, "slack:U-carol", AdoptChoice(None))
    # Claimed before leases existed: no lease at all.
    old = await repo.transition(old_record.resource_id, Status.DELETING.value, expected_status="detected",
                                expected_version=old_record.version, actor="slack:U-dan", reason="delete requested",
                                changes={"job_runner": "delete"})
    assert old.lease_until is None
    await asyncio.sleep(0.3)

    observer = RecordingObserver()
    sweeper = _service(repo, owner="sweeper", observer=observer)
    swept = await sweeper.sweep()

    expected = {(adopt_record.resource_id, "adopt_failed"), (delete_record.resource_id, "delete_failed"),
                (old_record.resource_id, "delete_failed")}
    assert {(r.resource_id, r.status) for r in swept} == expected and len(swept) == 3
    assert set(observer.told) == expected, "the thread is told, so it offers Retry"
    for rid, status in expected:
        record = await _get(repo, rid)
        reason = ADOPT_ABANDONED if status == "adopt_failed" else DELETE_ABANDONED
        assert (record.status, record.job_result, record.job_error) == (status, ABANDONED, reason)
        assert (record.lease_owner, record.lease_until) == (None, None)
        last = (await repo.history(rid))[-1]
        assert (last.actor, last.reason, last.to_status) == ("tfsync", reason, status)
    assert await _get(repo, live_record.resource_id) == live, "a live lease is left alone"
    assert await sweeper.sweep() == []

    # Retry is possible: the failed records take a new claim.
    failed_adopt = await _get(repo, adopt_record.resource_id)
    retried = await sweeper.retry_adopt(failed_adopt, "slack:U-alice")
    assert (retried.status, retried.tf_name, retried.target_module) == ("adopting", "logs_a", "storage")
    assert retried.lease_owner == "sweeper"
    redeleting = await sweeper.claim_delete(await _get(repo, delete_record.resource_id), "slack:U-bob")
    assert redeleting.status == "deleting" and redeleting.lease_owner == "sweeper"
    await sweeper.drain()


class _Rendezvous(StateRepository):
    """The real repository, except that two sweepers both finish reading before either writes: the race at its
    tightest, every time."""

    barrier: asyncio.Barrier | None = None

    async def expired_leases(self, statuses: Any, now: datetime | None = None) -> list[ResourceRecord]:
        found = await super().expired_leases(statuses, now)
        if self.barrier is not None:
            await self.barrier.wait()
        return found


async def test_two_sweepers_at_once_end_each_piece_of_work_once(state_env: dict[str, str]) -> None:
    repo = _Rendezvous(Settings.from_env(state_env))
    dead = _service(repo, owner="dead-worker", lease=0.1)
    adopting = await dead.claim_adopt(await _detect(repo, "race-a"), "slack:U-alice", AdoptChoice(None))
    deleting = await dead.claim_delete(await _detect(repo, "race-b"), "slack:U-bob")
    await asyncio.sleep(0.2)
    repo.barrier = asyncio.Barrier(2)

    first, second = await asyncio.gather(_service(repo, owner="sweeper-1").sweep(),
                                         _service(repo, owner="sweeper-2").sweep())

    assert sorted(r.resource_id for r in first + second) == sorted([adopting.resource_id, deleting.resource_id])
    for claimed, failed in ((adopting, "adopt_failed"), (deleting, "delete_failed")):
        statuses = [entry.to_status for entry in await repo.history(claimed.resource_id)]
        assert statuses == [claimed.status, failed]
        assert (await _get(repo, claimed.resource_id)).version == claimed.version + 1


class _RenewedMeanwhile(StateRepository):
    """The real repository, except that the worker renews its lease just after a sweeper read it as run out (a
    worker that was slow, not dead)."""

    owner = "slow-worker"

    async def expired_leases(self, statuses: Any, now: datetime | None = None) -> list[ResourceRecord]:
        found = await super().expired_leases(statuses, now)
        for record in found:
            assert await self.renew_lease(record.resource_id, record.status, self.owner,
                                          self.clock() + timedelta(seconds=60))
        return found


async def test_a_lease_renewed_after_the_sweeper_read_it_keeps_the_work(state_env: dict[str, str]) -> None:
    repo = _RenewedMeanwhile(Settings.from_env(state_env))
    slow = _service(repo, owner="slow-worker", lease=0.1)
    adopting = await slow.claim_adopt(await _detect(repo, "slow-a"), "slack:U-alice", AdoptChoice(None))
    deleting = await slow.claim_delete(await _detect(repo, "slow-b"), "slack:U-bob")
    await asyncio.sleep(0.2)

    assert await _service(repo, owner="sweeper").sweep() == []
    for claimed in (adopting, deleting):
        kept = await _get(repo, claimed.resource_id)
        assert (kept.status, kept.version, kept.lease_owner) == (claimed.status, claimed.version, "slow-worker")


class _BreaksWhenReleased(BlockingRunner):
    async def run(self, job: AdoptJob, reporter: JobReporter) -> JobResult:
        self.started.set()
        await self.release.wait()
        raise RuntimeError("disk full")


async def test_work_that_breaks_after_it_was_swept_and_retried_leaves_the_retry_alone(
    repo: StateRepository,
) -> None:
    runner = _BreaksWhenReleased()
    stalled = _service(repo, runner, owner="stalled-worker")
    record = await _detect(repo, "logs-stalled")
    claimed = await stalled.adopt(record.resource_id, None, "slack:U-alice", AdoptChoice(None))
    await asyncio.wait_for(runner.started.wait(), 10)
    # Meanwhile its lease was taken as run out: the record was ended, and someone retried.
    failed = await repo.transition(record.resource_id, "adopt_failed", expected_status="adopting",
                                   expected_version=claimed.version, actor="tfsync", changes={"lease_owner": None})
    other = _service(repo, BlockingRunner(), owner="other-worker")
    retried = await other.claim_adopt(failed, "slack:U-bob", AdoptChoice(None))

    runner.release.set()
    await stalled.drain()
    assert await _get(repo, record.resource_id) == retried, "the old work's failure is not the retry's"


async def test_the_sweeper_loop_sweeps_at_once_then_every_period_and_outlives_a_failed_pass(
    repo: StateRepository, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    dead = _service(repo, owner="dead-worker", lease=0.1)
    early = await dead.claim_adopt(await _detect(repo, "loop-a"), "slack:U-alice", AdoptChoice(None))
    await asyncio.sleep(0.2)
    sweeper = _service(repo, owner="sweeper")
    passes: list[str] = []
    real_sweep = sweeper.sweep

    async def sweep() -> list[ResourceRecord]:
        passes.append("pass")
        if len(passes) == 2:
            raise RuntimeError("DynamoDB is throttling")
        return await real_sweep()

    monkeypatch.setattr(sweeper, "sweep", sweep)
    stop = asyncio.Event()
    with caplog.at_level(logging.ERROR, logger="bot.sweeper"):
        loop = asyncio.create_task(run_sweeper(sweeper, stop, 0.2))
        await _until(lambda: _status_is(repo, early.resource_id, "adopt_failed"), 2, "the first pass")
        late = await dead.claim_adopt(await _detect(repo, "loop-b"), "slack:U-bob", AdoptChoice(None))
        await _until(lambda: _status_is(repo, late.resource_id, "adopt_failed"), 3, "a later pass")
        stop.set()
        await asyncio.wait_for(loop, 2)
    assert len(passes) >= 3
    failures = [r.getMessage() for r in caplog.records if r.name == "bot.sweeper"]
    assert failures == ["the sweep failed; the next one runs in 0.2 s"]


async def _status_is(repo: StateRepository, rid: str, status: str) -> bool:
    return (await _get(repo, rid)).status == status


async def _until(check: Callable[[], Awaitable[bool]], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


# Reports and notices that fail ------------------------------------------------------------------------------------

async def test_reports_that_fail_never_fail_an_adoption(repo: StateRepository) -> None:
    reporter = FailingReporter()
    decisions = _service(repo, owner="worker", reporter=reporter)
    record = await _detect(repo, "logs-reported")

    await decisions.adopt(record.resource_id, record.version, "slack:U-alice", AdoptChoice("logs"))
    await decisions.drain()

    assert reporter.calls == ["plan", "push", "result succeeded"], "every report was tried, and failed"
    adopted = await _get(repo, record.resource_id)
    assert (adopted.status, adopted.job_result, adopted.job_link, adopted.job_error) == (
        "adopted", "succeeded", COMMIT, None)


async def test_a_notice_that_fails_never_stops_the_job(repo: StateRepository) -> None:
    observer = RecordingObserver(failing=True)
    remover = BlockingRemover()
    decisions = _service(repo, remover=remover, owner="worker", observer=observer)
    adopt_record, delete_record = await _detect(repo, "logs-told-a"), await _detect(repo, "logs-told-b")

    adopting = await decisions.adopt(adopt_record.resource_id, None, "slack:U-alice", AdoptChoice(None))
    deleting = await decisions.delete(delete_record.resource_id, None, "slack:U-bob", confirmed=True)
    assert (adopting.status, deleting.status) == ("adopting", "deleting")
    remover.release.set()
    await decisions.drain()

    assert (await _get(repo, adopt_record.resource_id)).status == "adopted"
    assert (await _get(repo, delete_record.resource_id)).status == "deleted"
    assert sorted(observer.told) == sorted([
        (adopt_record.resource_id, "adopting"), (adopt_record.resource_id, "adopted"),
        (delete_record.resource_id, "deleting"), (delete_record.resource_id, "deleted")])


async def test_the_job_starts_before_the_claim_is_shown(repo: StateRepository) -> None:
    runner = BlockingRunner(released=True)

    class SlowObserver(RecordingObserver):
        """Slack taking its time: the notice of the claim ends only once the job has started."""

        async def status_changed(self, record: ResourceRecord, *, reply: bool = True,
                                 error_id: str | None = None) -> None:
            await super().status_changed(record, reply=reply, error_id=error_id)
            if record.status == "adopting":
                await asyncio.wait_for(runner.started.wait(), 5)

    observer = SlowObserver()
    decisions = _service(repo, runner, owner="worker", observer=observer)
    record = await _detect(repo, "logs-first")

    await asyncio.wait_for(decisions.adopt(record.resource_id, None, "slack:U-alice", AdoptChoice(None)), 10)
    await decisions.drain()
    assert observer.told == [(record.resource_id, "adopting"), (record.resource_id, "adopted")]


# Settings -----------------------------------------------------------------------------------------------------------

def test_the_lease_is_a_setting_the_app_hands_to_the_decisions(state_env: dict[str, str]) -> None:
    default = Settings.from_env({})
    assert (default.lease_seconds, default.sweep_seconds) == (120, 30.0)
    settings = Settings.from_env({**state_env, "TFSYNC_LEASE_SECONDS": "8"})
    assert (settings.lease_seconds, settings.sweep_seconds) == (8, 2.0)
    assert Settings.from_env({"TFSYNC_LEASE_SECONDS": "1"}).sweep_seconds == 0.5
    with pytest.raises(ConfigError, match="TFSYNC_LEASE_SECONDS must be at least 1"):
        Settings.from_env({"TFSYNC_LEASE_SECONDS": "0"})

    repo = StateRepository(settings)
    one, two = (build_decisions(settings, repo, runner=BlockingRunner(), remover=BlockingRemover())
                for _ in range(2))
    assert one.lease_seconds == two.lease_seconds == 8
    assert one.owner != two.owner, "every process (every service) holds its own leases"
    assert one.owner.split(":")[1] == str(os.getpid())


# kill -9 --------------------------------------------------------------------------------------------------------------

LEASE = 3
SWEEP_PERIOD = 0.5


def _child_env(state_env: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ, **state_env,
        "TFSYNC_LEASE_SECONDS": str(LEASE),
        "TFSYNC_RUNNER": "codebuild",
        "TFSYNC_ARTIFACT_BUCKET": BUCKET,
        "TFSYNC_CODEBUILD_PROJECT": PROJECT,
        # No build event ever comes, and the runner never asks: the build looks in progress for as long as it lives.
        "TFSYNC_JOB_POLL_SECONDS": "3600",
        "TFSYNC_LOG_LEVEL": "INFO",
    }


def _start_worker(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "tests.decision_worker", *args], cwd=ROOT, env=env,
                                stdout=out, stderr=out)


def _text(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")


async def _wait_for_leases(repo: StateRepository, child: subprocess.Popen[bytes], log: Path,
                           rids: dict[str, str], build_rid: str) -> dict[str, ResourceRecord]:
    """The records once the child works on all of them under a lease it has renewed at least once (and the
    CodeBuild adoption's build is on its record)."""
    first: dict[str, datetime] = {}
    deadline = time.monotonic() + 60
    while True:
        assert child.poll() is None, f"the worker exited early:\n{_text(log)}"
        assert time.monotonic() < deadline, f"the worker never got going:\n{_text(log)}"
        records = {rid: await _get(repo, rid) for rid in rids}
        leased = all(r.status == rids[rid] and r.lease_owner and r.lease_until for rid, r in records.items())
        if leased and records[build_rid].job_build_id:
            for rid, r in records.items():
                first.setdefault(rid, r.lease_until)  # type: ignore[arg-type]
            if all(r.lease_until and r.lease_until > first[rid] for rid, r in records.items()):
                return records
        await asyncio.sleep(0.1)


async def test_work_left_by_a_killed_worker_ends_within_a_lease_and_a_build_is_followed_to_its_end(
    state_env: dict[str, str], aws_client: Aws, tmp_path: Path,
) -> None:
    create_project(aws_client)
    settings = Settings.from_env(state_env)
    repo = StateRepository(settings)
    for name in ("durable-build", "durable-adopt", "durable-delete"):
        aws_client("s3").create_bucket(Bucket=name)
    build, adopt, delete = [await _detect(repo, name)
                            for name in ("durable-build", "durable-adopt", "durable-delete")]
    rids = {build.resource_id: "adopting", adopt.resource_id: "adopting", delete.resource_id: "deleting"}
    log = tmp_path / "worker.log"
    child = await asyncio.to_thread(_start_worker, _child_env(state_env), log, "--adopt", adopt.resource_id,
                                    "--delete", delete.resource_id, "--build", build.resource_id)
    try:
        working = await _wait_for_leases(repo, child, log, rids, build.resource_id)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    killed = time.monotonic()
    assert child.returncode == -signal.SIGKILL
    # Read after the kill: nothing renews them any more.
    leases: dict[str, datetime] = {}
    for rid in rids:
        until = (await _get(repo, rid)).lease_until
        assert until is not None
        leases[rid] = until
    build_id = working[build.resource_id].job_build_id
    assert build_id is not None and build_id.startswith(f"{PROJECT}:")
    # Meanwhile the build ended: CodeBuild's log holds the adopt script's result line.
    write_log(aws_client, build_id, 'TFSYNC_RESULT {"status": "succeeded", "step": "done", "commit": "5eed", '
              '"pr": null, "plan": {"import": 1, "add": 0, "change": 0, "destroy": 0}, "verified": true, '
              '"error": null}')

    # The next process: a CodeBuild runner that asks CodeBuild only when it has to (moto answers SUCCEEDED).
    runner = CodeBuildRunner(codebuild=aws_client("codebuild"), s3=aws_client("s3"), logs=aws_client("logs"),
                             bucket=BUCKET, project=PROJECT, poll_seconds=3600)
    restarted = DecisionService(repo, runner, BlockingRemover(), reporter=RecordingReporter(), owner="restarted",
                                lease_seconds=LEASE)
    assert await restarted.sweep() == [], "the leases were live when the worker died"
    stop = asyncio.Event()
    sweeper = asyncio.create_task(run_sweeper(restarted, stop, SWEEP_PERIOD))
    left: dict[str, float] = {}
    try:
        while len(left) < len(rids):
            assert time.monotonic() - killed < LEASE + SWEEP_PERIOD + 5, f"still working: {set(rids) - set(left)}"
            for rid in rids:
                if rid not in left and (await _get(repo, rid)).status != rids[rid]:
                    left[rid] = time.monotonic() - killed
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(sweeper, 5)
        await asyncio.wait_for(restarted.drain(), 10)

    # Within the lease and a sweep period (and a second for moto), and never before the lease ran out.
    assert max(left.values()) < LEASE + SWEEP_PERIOD + 1, left
    for rid in rids:
        assert (await repo.history(rid))[-1].at >= leases[rid], "ended before its lease ran out"
    followed = await _get(repo, build.resource_id)
    assert (followed.status, followed.job_result, followed.job_link) == ("adopted", "succeeded", "5eed")
    assert followed.job_build_id == build_id and followed.lease_until is None
    assert (await repo.history(build.resource_id))[-1].actor == "slack:U-carol"
    failed_adopt, failed_delete = await _get(repo, adopt.resource_id), await _get(repo, delete.resource_id)
    assert (failed_adopt.status, failed_adopt.job_error) == ("adopt_failed", ADOPT_ABANDONED)
    assert (failed_delete.status, failed_delete.job_error) == ("delete_failed", DELETE_ABANDONED)
    assert failed_adopt.lease_owner is None and failed_delete.lease_owner is None

    # Retry is possible.
    retried = await restarted.claim_adopt(failed_adopt, "slack:U-alice", AdoptChoice("logs"))
    redeleting = await restarted.claim_delete(failed_delete, "slack:U-bob")
    assert (retried.status, redeleting.status) == ("adopting", "deleting")
    assert retried.lease_owner == redeleting.lease_owner == "restarted"
