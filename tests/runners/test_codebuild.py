"""The CodeBuild runner against moto: what start_build carries, and builds followed through their events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.config import Settings
from bot.decisions import ADOPT_ABANDONED, AdoptChoice, bulk_job
from bot.events import parse_body
from bot.runners import CodeBuildRunner, RecordingReporter, make_runner
from bot.runners.codebuild import OVERRIDE_NAMES, parse_build_event
from bot.state import Detection, ResourceRecord, StateRepository
from tests.codegen.helpers import detect
from tests.codegen.test_types import CASES
from tests.runners import codebuild_events
from tests.runners.codebuild_project import BUCKET, PROJECT, create_project, started_build, write_log
from tests.runners.helpers import FailingReporter, adopt, decisions_for

Aws = Callable[..., Any]


@pytest.fixture
def repo(state_env: dict[str, str]) -> StateRepository:
    return StateRepository(Settings.from_env(state_env))


@pytest.fixture
def project(aws_client: Aws) -> None:
    create_project(aws_client)


class Sent:
    """The raw start_build request bodies the runner's client put on the wire."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: Any, **_: Any) -> None:
        self.bodies.append(json.loads(request.body))


def _runner(aws: Aws, sent: Sent, *, poll: float = 30, timeout: float = 30) -> CodeBuildRunner:
    codebuild = aws("codebuild")
    codebuild.meta.events.register("before-send.codebuild.StartBuild", sent)
    return CodeBuildRunner(codebuild=codebuild, s3=aws("s3"), logs=aws("logs"), bucket=BUCKET, project=PROJECT,
                           timeout_seconds=timeout, poll_seconds=poll)


async def _detected(repo: StateRepository, aws: Aws, tf_type: str) -> ResourceRecord:
    made = CASES[tf_type](aws)
    record, resources = detect(made.record)
    [resource] = [r for r in resources if r.tf_type == tf_type]
    created = await repo.create_detected(Detection(resource, record.event_id, record.event_name, record.event_time),
                                         owner="m-1", notify_grace=60)
    assert created is not None
    return created


async def _deliver(runner: CodeBuildRunner, body: bytes) -> None:
    """Through the real envelope parser, as the consumer hands EventBridge messages on."""
    envelope = parse_body(body, "sqs:message", 1_000_000)
    assert not envelope.errors and len(envelope.service_events) == 1
    await runner.handle_event(envelope.service_events[0])


async def test_start_build_carries_only_identifiers_and_the_code_goes_to_the_bucket(
    repo: StateRepository, aws_client: Aws, project: None
) -> None:
    record = await _detected(repo, aws_client, "aws_ssm_parameter")
    sent = Sent()
    runner = _runner(aws_client, sent)
    reporter = RecordingReporter()
    decisions = decisions_for(repo, runner, reporter, mode="apply", aws=aws_client)

    task = asyncio.create_task(adopt(decisions, record.resource_id, "slack:U-alice", tf_name="endpoint",
                                     target_module="app"))
    build_id = await started_build(aws_client)
    [body] = sent.bodies
    env = [{"name": v["name"], "value": v["value"], "type": v["type"]} for v in body["environmentVariablesOverride"]]
    write_log(aws_client, build_id, "terraform plan ...", 'TFSYNC_RESULT {"status": "succeeded", "step": "done", '
              '"commit": "0123abc", "pr": null, "plan": {"import": 1, "add": 0, "change": 0, "destroy": 0}, '
              '"verified": true, "error": null}')
    await _deliver(runner, codebuild_events.phase_change(build_id, PROJECT, "BUILD", "SUCCEEDED", env))
    await _deliver(runner, codebuild_events.state_change(build_id, PROJECT, "SUCCEEDED", env))
    outcome = await asyncio.wait_for(task, 10)

    assert set(body) == {"projectName", "environmentVariablesOverride", "idempotencyToken"}
    job = outcome.job
    assert job is not None
    values = {v["name"]: v["value"] for v in body["environmentVariablesOverride"]}
    assert list(values) == list(OVERRIDE_NAMES)
    assert {v["type"] for v in body["environmentVariablesOverride"]} == {"PLAINTEXT"}
    assert values == {
        "TFSYNC_JOB_KEY": f"jobs/{job.job_id}/",
        "TFSYNC_RESOURCE_ID": record.resource_id,
        "TFSYNC_TARGET_MODULE": "app",
        "TFSYNC_ADDRESS": "module.app.aws_ssm_parameter.endpoint",
        "TFSYNC_IMPORT_ID": "/app/endpoint",
        "TFSYNC_MODE": "apply",
        # tfsync's own account: no role to assume, whatever the project sets; the plan's imports must be in it.
        "TFSYNC_TARGET_ACCOUNT_ID": record.account_id,
        "TFSYNC_TARGET_ROLE_ARN": "",
    }
    code = "".join(f.content for f in job.files)
    assert not any(line in value for value in values.values() for line in code.splitlines() if len(line) > 12)
    assert not any("\n" in value for value in values.values())

    s3 = aws_client("s3")
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=f"jobs/{job.job_id}/")["Contents"]}
    assert listed == {f"jobs/{job.job_id}/manifest.json", *(f"jobs/{job.job_id}/files/{f.path}" for f in job.files)}
    for generated in job.files:
        stored = s3.get_object(Bucket=BUCKET, Key=f"jobs/{job.job_id}/files/{generated.path}")["Body"].read()
        assert stored.decode() == generated.content
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key=f"jobs/{job.job_id}/manifest.json")["Body"].read())
    assert manifest["imports"][0] == {"address": "module.app.aws_ssm_parameter.endpoint", "id": "/app/endpoint"}
    assert manifest["branch"] == job.branch

    assert outcome.result.succeeded and outcome.result.commit == "0123abc" and outcome.result.plan
    assert outcome.result.plan.imports == 1 and outcome.result.plan.clean
    assert outcome.record.status == "adopted" and outcome.record.job_link == "0123abc"
    # The build is on the record from its start: a restart can follow it (tests/test_durable_decisions.py).
    assert outcome.record.job_build_id == build_id
    assert [(p.name, p.status) for _, p in reporter.phases] == [("SUBMITTED", "SUCCEEDED"), ("BUILD", "SUCCEEDED")]
    # The phase event's own end time and duration: the thread says when the step finished and how long it took.
    assert reporter.phases[1][1].detail == f"finished {codebuild_events._TIME}, took 12 s"


@pytest.mark.parametrize(
    ("status", "log_lines", "error"),
    [
        ("FAILED", ['TFSYNC_RESULT {"status": "failed", "step": "gate", "commit": null, "pr": null, '
                    '"plan": {"import": 1, "add": 0, "change": 1, "destroy": 0}, '
                    '"error": "the plan is not clean: 1 to import, 0 to add, 1 to change, 0 to destroy"}'],
         "the plan is not clean: 1 to import, 0 to add, 1 to change, 0 to destroy"),
        ("TIMED_OUT", ["terraform plan still running"], "the adopt build ran past its timeout"),
        ("STOPPED", [], "the adopt build was stopped"),
    ],
)
async def test_a_failed_build_ends_in_adopt_failed_with_its_reason_and_log(
    repo: StateRepository, aws_client: Aws, project: None, status: str, log_lines: list[str], error: str
) -> None:
    record = await _detected(repo, aws_client, "aws_sqs_queue")
    runner = _runner(aws_client, Sent())
    reporter = RecordingReporter()
    decisions = decisions_for(repo, runner, reporter, aws=aws_client)

    task = asyncio.create_task(adopt(decisions, record.resource_id, "slack:U-alice"))
    build_id = await started_build(aws_client)
    env = [{"name": "TFSYNC_RESOURCE_ID", "type": "PLAINTEXT", "value": record.resource_id}]
    if log_lines:
        write_log(aws_client, build_id, *log_lines)
    await _deliver(runner, codebuild_events.state_change(build_id, PROJECT, "IN_PROGRESS", env, phase="BUILD"))
    await _deliver(runner, codebuild_events.phase_change(build_id, PROJECT, "BUILD", status, env))
    await _deliver(runner, codebuild_events.state_change(build_id, PROJECT, status, env))
    outcome = await asyncio.wait_for(task, 10)

    stream = build_id.rpartition(":")[2]
    assert not outcome.result.succeeded and outcome.result.error == error
    assert outcome.result.build_status == status
    assert outcome.result.log_location and outcome.result.log_location.endswith(f"stream={stream}")
    assert outcome.record.status == "adopt_failed"
    assert (outcome.record.job_error, outcome.record.job_result) == (error, status)
    assert ("BUILD", status) in [(p.name, p.status) for _, p in reporter.phases]


async def test_without_events_the_runner_polls_batch_get_builds(
    repo: StateRepository, aws_client: Aws, project: None
) -> None:
    record = await _detected(repo, aws_client, "aws_sns_topic")
    runner = _runner(aws_client, Sent(), poll=2.5)  # time enough to write the log before the first poll
    decisions = decisions_for(repo, runner, RecordingReporter(), aws=aws_client)

    task = asyncio.create_task(adopt(decisions, record.resource_id, "slack:U-alice"))
    build_id = await started_build(aws_client)
    write_log(aws_client, build_id, 'TFSYNC_RESULT {"status": "succeeded", "step": "done", "commit": "feed", '
              '"pr": "https://github.example/acme/infra/pull/7", "plan": {"import": 1, "add": 0, "change": 0, '
              '"destroy": 0}, "error": null}')
    outcome = await asyncio.wait_for(task, 15)

    # moto's batch_get_builds reports every build SUCCEEDED: no event was needed to learn it.
    assert outcome.result.succeeded and outcome.result.build_status == "SUCCEEDED"
    assert outcome.record.status == "adopted"
    assert outcome.record.job_link == "https://github.example/acme/infra/pull/7"


async def test_a_final_event_with_no_follower_finishes_the_record(
    repo: StateRepository, aws_client: Aws, project: None
) -> None:
    record = await _detected(repo, aws_client, "aws_sqs_queue")
    runner = _runner(aws_client, Sent())
    decisions = decisions_for(repo, runner, RecordingReporter(), aws=aws_client)
    claimed = await decisions.claim_adopt(record, "slack:U-alice", AdoptChoice(None))
    job = await asyncio.to_thread(decisions.build_job, claimed)
    await repo.annotate(record.resource_id, job_id=job.job_id)
    build_id = await runner.start(job)  # then this process stops; another replica gets the final event
    env = runner.overrides(job)
    body = codebuild_events.state_change(build_id, PROJECT, "FAILED", env, phase="BUILD")
    [event] = parse_body(body, "sqs:message", 1_000_000).service_events

    update = parse_build_event(event)
    assert update is not None and update.terminal and update.resource_id == record.resource_id
    finished = await decisions.finish_from_build(update)

    assert finished is not None and finished.status == "adopt_failed"
    assert finished.job_error == "the adopt build failed in phase BUILD"
    assert await decisions.finish_from_build(update) is None, "a redelivered event changes nothing"


async def test_a_bulk_adoptions_final_event_with_no_follower_finishes_every_record(
    repo: StateRepository, aws_client: Aws, project: None
) -> None:
    first = await _detected(repo, aws_client, "aws_sqs_queue")
    second = await _detected(repo, aws_client, "aws_sns_topic")
    runner = _runner(aws_client, Sent())
    decisions = decisions_for(repo, runner, RecordingReporter(), aws=aws_client)
    batch = "b-0123456789"
    claimed = [await decisions.claim_adopt(r, "slack:U-alice", AdoptChoice(None), batch_id=batch)
               for r in (first, second)]
    jobs = [await asyncio.to_thread(decisions.build_job, c, ()) for c in claimed]
    job = bulk_job(batch, jobs, "pr")
    assert [a for a, _ in job.imports] == [j.address for j in jobs]
    build_id = await runner.start(job)  # then this process stops; another replica gets the final event
    body = codebuild_events.state_change(build_id, PROJECT, "FAILED", runner.overrides(job), phase="BUILD")
    [event] = parse_body(body, "sqs:message", 1_000_000).service_events

    await decisions.handle_service_event(event)

    for record in (first, second):
        done = await repo.get(record.resource_id)
        assert done is not None and done.status == "adopt_failed" and done.job_id == batch
        assert done.job_error == "the adopt build failed in phase BUILD"
    update = parse_build_event(event)
    assert update is not None and await decisions.finish_batch_from_build(update) == [], "redelivered: no change"


def test_the_settings_build_a_codebuild_runner(aws_env: dict[str, str]) -> None:
    env = {**aws_env, "TFSYNC_RUNNER": "codebuild", "TFSYNC_ARTIFACT_BUCKET": BUCKET,
           "TFSYNC_CODEBUILD_PROJECT": PROJECT, "TFSYNC_JOB_POLL_SECONDS": "7"}
    runner = make_runner(Settings.from_env(env))
    assert isinstance(runner, CodeBuildRunner)
    assert (runner.bucket, runner.project, runner.poll_seconds, runner.log_group) == (
        BUCKET, PROJECT, 7, f"/aws/codebuild/{PROJECT}")


async def test_events_that_arrive_before_the_follower_listens_are_kept(
    repo: StateRepository, aws_client: Aws, project: None
) -> None:
    record = await _detected(repo, aws_client, "aws_sqs_queue")
    runner = _runner(aws_client, Sent(), poll=30)
    decisions = decisions_for(repo, runner, RecordingReporter(), aws=aws_client)
    claimed = await decisions.claim_adopt(record, "slack:U-alice", AdoptChoice(None))
    job = await asyncio.to_thread(decisions.build_job, claimed)
    build_id = await runner.start(job)
    env = runner.overrides(job)
    write_log(aws_client, build_id, 'TFSYNC_RESULT {"status": "succeeded", "step": "done", "commit": "abc", '
              '"pr": null, "plan": {"import": 1, "add": 0, "change": 0, "destroy": 0}, "verified": true, '
              '"error": null}')
    await _deliver(runner, codebuild_events.phase_change(build_id, PROJECT, "INSTALL", "SUCCEEDED", env))
    await _deliver(runner, codebuild_events.state_change(build_id, PROJECT, "SUCCEEDED", env))
    reporter = RecordingReporter()

    result = await asyncio.wait_for(runner.follow(job, build_id, reporter), 5)

    assert result.succeeded and result.commit == "abc"
    assert [(p.name, p.status) for _, p in reporter.phases] == [("INSTALL", "SUCCEEDED")]


async def test_reports_that_fail_never_change_how_a_build_ends(
    repo: StateRepository, aws_client: Aws, project: None
) -> None:
    record = await _detected(repo, aws_client, "aws_sqs_queue")
    runner = _runner(aws_client, Sent(), poll=30)
    claimed = await decisions_for(repo, runner, RecordingReporter()).claim_adopt(record, "slack:U-alice",
                                                                                 AdoptChoice(None))
    job = await asyncio.to_thread(decisions_for(repo, runner, RecordingReporter()).build_job, claimed)
    reporter = FailingReporter()

    task = asyncio.create_task(runner.run(job, reporter))
    build_id = await started_build(aws_client)
    env = runner.overrides(job)
    write_log(aws_client, build_id, 'TFSYNC_RESULT {"status": "succeeded", "step": "done", "commit": "c0ffee", '
              '"pr": null, "plan": {"import": 1, "add": 0, "change": 0, "destroy": 0}, "verified": true, '
              '"error": null}')
    await _deliver(runner, codebuild_events.phase_change(build_id, PROJECT, "BUILD", "SUCCEEDED", env))
    await _deliver(runner, codebuild_events.state_change(build_id, PROJECT, "SUCCEEDED", env))
    result = await asyncio.wait_for(task, 10)

    assert result.succeeded and result.commit == "c0ffee"
    assert reporter.calls == ["SUBMITTED", "BUILD", "result succeeded"], "every report was tried, and failed"


# After a restart ----------------------------------------------------------------------------------------------------

async def _orphaned_build(repo: StateRepository, aws: Aws, tf_type: str) -> tuple[ResourceRecord, str]:
    """An adoption whose build started, then whose worker stopped: its task ends where it stood (waiting for build
    events), and its short lease runs out."""
    record = await _detected(repo, aws, tf_type)
    first = decisions_for(repo, _runner(aws, Sent(), poll=3600), RecordingReporter(), aws=aws, owner="worker-a",
                          lease_seconds=0.3)
    claimed = await first.claim_adopt(record, "slack:U-alice", AdoptChoice(None))
    task = asyncio.create_task(first.run_adopt(claimed, "slack:U-alice"))
    build_id = await started_build(aws)
    for _ in range(100):
        stored = await repo.get(record.resource_id)
        if stored is not None and stored.job_build_id:
            break
        await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(0.4)
    orphaned = await repo.get(record.resource_id)
    assert orphaned is not None and orphaned.status == "adopting" and orphaned.job_build_id == build_id
    return orphaned, build_id


async def test_a_build_whose_worker_stopped_is_followed_to_its_end_by_the_sweeper(
    repo: StateRepository, aws_client: Aws, project: None
) -> None:
    orphaned, build_id = await _orphaned_build(repo, aws_client, "aws_sqs_queue")
    write_log(aws_client, build_id, 'TFSYNC_RESULT {"status": "succeeded", "step": "done", "commit": "beef", '
              '"pr": null, "plan": {"import": 1, "add": 0, "change": 0, "destroy": 0}, "verified": true, '
              '"error": null}')
    # It asks CodeBuild at once (moto answers SUCCEEDED), not after its hour-long wait for events.
    reporter = RecordingReporter()
    second = decisions_for(repo, _runner(aws_client, Sent(), poll=3600), reporter, aws=aws_client, owner="worker-b")

    [taken] = await second.sweep()
    assert (taken.resource_id, taken.status, taken.lease_owner) == (orphaned.resource_id, "adopting", "worker-b")
    assert taken.version == orphaned.version
    assert await second.sweep() == [], "the lease is now live again"
    await asyncio.wait_for(second.drain(), 10)

    adopted = await repo.get(orphaned.resource_id)
    assert adopted is not None
    assert (adopted.status, adopted.job_result, adopted.job_link) == ("adopted", "succeeded", "beef")
    assert (adopted.lease_owner, adopted.lease_until) == (None, None)
    last = (await repo.history(orphaned.resource_id))[-1]
    assert (last.actor, last.reason) == ("slack:U-alice", "adopted: beef")
    [(job_id, result)] = reporter.results
    assert job_id == orphaned.job_id and result.commit == "beef"


class RunningThenFailed:
    """moto's CodeBuild completes every build, SUCCEEDED, on its first batch_get_builds. This stand-in passes every
    call on to moto's client but answers batch_get_builds with the real build as CodeBuild shows one that is still
    running for two polls, then failed in its BUILD phase."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.polls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def batch_get_builds(self, ids: list[str]) -> dict[str, Any]:
        self.polls += 1
        status, phase = ("IN_PROGRESS", "BUILD") if self.polls <= 2 else ("FAILED", "BUILD")
        builds = self.client.batch_get_builds(ids=ids)["builds"]
        return {"builds": [{**build, "buildStatus": status, "currentPhase": phase} for build in builds]}


async def test_the_sweeper_follows_a_running_build_until_it_fails_and_records_why(
    repo: StateRepository, aws_client: Aws, project: None
) -> None:
    orphaned, build_id = await _orphaned_build(repo, aws_client, "aws_sns_topic")
    codebuild = RunningThenFailed(aws_client("codebuild"))
    runner = CodeBuildRunner(codebuild=codebuild, s3=aws_client("s3"), logs=aws_client("logs"), bucket=BUCKET,
                             project=PROJECT, poll_seconds=0.2)
    second = decisions_for(repo, runner, RecordingReporter(), aws=aws_client, owner="worker-b")

    assert [r.resource_id for r in await second.sweep()] == [orphaned.resource_id]
    await asyncio.wait_for(second.drain(), 10)

    assert codebuild.polls == 3
    failed = await repo.get(orphaned.resource_id)
    assert failed is not None
    assert (failed.status, failed.job_result, failed.job_error) == (
        "adopt_failed", "FAILED", "the adopt build failed in phase BUILD")
    assert failed.job_build_id == build_id and failed.lease_owner is None


async def test_a_build_that_never_started_is_not_followed_but_ended_for_a_retry(
    repo: StateRepository, aws_client: Aws, project: None
) -> None:
    record = await _detected(repo, aws_client, "aws_sqs_queue")
    first = decisions_for(repo, _runner(aws_client, Sent()), RecordingReporter(), owner="worker-a",
                          lease_seconds=0.1)
    claimed = await first.claim_adopt(record, "slack:U-alice", AdoptChoice(None))
    assert claimed.job_runner == "codebuild" and claimed.job_build_id is None
    await asyncio.sleep(0.2)

    second = decisions_for(repo, _runner(aws_client, Sent()), RecordingReporter(), owner="worker-b")
    [failed] = await second.sweep()
    assert (failed.status, failed.job_error) == ("adopt_failed", ADOPT_ABANDONED)
    assert aws_client("codebuild").list_builds_for_project(projectName=PROJECT)["ids"] == []
