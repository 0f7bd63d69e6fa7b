"""What an adoption may claim, through the engine's decision service: a Terraform address no other adoption in flight
holds (and the form's early answer when one does), and a resource that still exists in AWS."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.decisions import AdoptChoice, DecisionService
from bot.runners import AdoptJob, JobReporter, JobResult, RecordingReporter
from bot.state import Detection, ResourceRecord, StateRepository, Status
from tests.codegen.helpers import cloudtrail, detect
from tests.runners.helpers import adopt, decisions_for

Aws = Callable[..., Any]
STORAGE = "module.storage"


@dataclass
class FakeRunner:
    """A runner that commits nothing: it keeps each job, and shows the code generator `root` as the repository
    (after `delay` seconds: a slow checkout)."""

    root: Path | None = None
    delay: float = 0.0
    kind: str = "fake"
    jobs: list[AdoptJob] = field(default_factory=list)

    @contextlib.contextmanager
    def layout(self, target: object = None) -> Iterator[Path | None]:
        time.sleep(self.delay)
        yield self.root

    async def run(self, job: AdoptJob, reporter: JobReporter) -> JobResult:
        self.jobs.append(job)
        return JobResult(status="succeeded", commit="https://git.example.com/infra/commit/0a1b2c3d")


@pytest.fixture
def repo(state_env: dict[str, str]) -> StateRepository:
    return StateRepository(Settings.from_env(state_env))


async def _stored(repo: StateRepository, raw: dict[str, Any]) -> ResourceRecord:
    event, [resource] = detect(raw)
    record = await repo.create_detected(Detection(resource, event.event_id, event.event_name, event.event_time),
                                        owner="m-1", notify_grace=60)
    assert record is not None
    return record


async def _bucket(repo: StateRepository, name: str) -> ResourceRecord:
    return await _stored(repo, cloudtrail("s3.amazonaws.com", "CreateBucket", {"bucketName": name}, None))


async def _claimed(decisions: DecisionService, record: ResourceRecord, name: str, module: str | None) -> ResourceRecord:
    return await decisions.claim_adopt(record, "slack:U-alice", AdoptChoice(name, module))


async def test_a_job_avoids_the_address_an_earlier_claim_holds_and_says_so(repo: StateRepository) -> None:
    runner, reporter = FakeRunner(), RecordingReporter()
    decisions = decisions_for(repo, runner, reporter)
    first = await _claimed(decisions, await _bucket(repo, "logs-a"), "logs", STORAGE)
    second = await _claimed(decisions, await _bucket(repo, "logs-b"), "logs", "storage")  # the same module
    elsewhere = await _claimed(decisions, await _bucket(repo, "logs-c"), "logs", None)

    # Two claims at once agree on who yields: the later one.
    assert await decisions.in_flight(first, ("storage",)) == {}
    assert list(await decisions.in_flight(second, ("storage",))) == ["module.storage.aws_s3_bucket.logs"]

    late = await decisions.run_adopt(second, "slack:U-bob")
    assert late.job is not None and late.job.address == "module.storage.aws_s3_bucket.logs_2"
    assert late.record.status == Status.ADOPTED and late.record.tf_name == "logs_2"
    assert late.record.tf_file == late.job.files[0].path == "modules/storage/aws_s3_bucket.logs_2.tf"
    [(job_id, phase)] = reporter.phases
    assert job_id == late.job.job_id and phase.name == "Terraform name taken"
    assert phase.detail == (f"module.storage.aws_s3_bucket.logs is already used by the adoption of logs-a "
                            f"({first.resource_id}), in progress; adopting as module.storage.aws_s3_bucket.logs_2 "
                            "instead")

    early = await decisions.run_adopt(first, "slack:U-alice")
    assert early.job is not None and early.job.address == "module.storage.aws_s3_bucket.logs"
    # Another module's address is another address.
    other = await decisions.run_adopt(elsewhere, "slack:U-carol")
    assert other.job is not None and other.job.address == "aws_s3_bucket.logs"
    assert [j.address for j in runner.jobs] == [late.job.address, early.job.address, other.job.address]
    assert len(reporter.phases) == 1


async def test_build_job_keeps_clear_of_the_addresses_it_is_given(repo: StateRepository) -> None:
    decisions = decisions_for(repo, FakeRunner(), RecordingReporter())
    record = await _claimed(decisions, await _bucket(repo, "logs-d"), "logs", STORAGE)
    taken = ["module.storage.aws_s3_bucket.logs", "module.storage.aws_s3_bucket.logs_2",
             "module.other.aws_s3_bucket.logs_3"]
    assert decisions.build_job(record, taken).address == "module.storage.aws_s3_bucket.logs_3"
    assert decisions.build_job(record).address == "module.storage.aws_s3_bucket.logs"


async def test_the_form_check_names_the_adoption_or_the_repository_that_holds_the_address(
    repo: StateRepository, tmp_path: Path,
) -> None:
    (tmp_path / "main.tf").write_text('module "storage" {\n  source = "./stacks/storage"\n}\n', encoding="utf-8")
    (tmp_path / "stacks" / "storage").mkdir(parents=True)
    (tmp_path / "stacks" / "storage" / "archive.tf").write_text('resource "aws_s3_bucket" "archive" {}\n')
    decisions = decisions_for(repo, FakeRunner(root=tmp_path), RecordingReporter())
    holder = await _claimed(decisions, await _bucket(repo, "logs-e"), "logs", STORAGE)
    asking = await _bucket(repo, "logs-f")

    in_flight = await decisions.address_in_use(asking, AdoptChoice("Logs", "storage"))
    assert in_flight == (f"module.storage.aws_s3_bucket.logs is already used by the adoption of logs-e "
                         f"({holder.resource_id}), in progress.")
    in_repository = await decisions.address_in_use(asking, AdoptChoice("archive", STORAGE))
    assert in_repository == ("module.storage.aws_s3_bucket.archive is already used by a resource in the repository "
                             "(in stacks/storage).")
    assert await decisions.address_in_use(asking, AdoptChoice("logs", None)) is None
    assert await decisions.address_in_use(asking, AdoptChoice("archive", None)) is None
    assert await decisions.address_in_use(asking, AdoptChoice("fresh", STORAGE)) is None
    # The record's own claim is no clash (a retry keeps its name).
    assert await decisions.address_in_use(holder, AdoptChoice("logs", STORAGE)) is None


async def test_the_form_check_does_not_wait_for_a_slow_checkout(repo: StateRepository, tmp_path: Path) -> None:
    (tmp_path / "archive.tf").write_text('resource "aws_s3_bucket" "archive" {}\n')
    decisions = decisions_for(repo, FakeRunner(root=tmp_path, delay=2.0), RecordingReporter())
    asking = await _bucket(repo, "logs-g")
    started = time.monotonic()
    assert await decisions.address_in_use(asking, AdoptChoice("archive", None), repository_seconds=0.2) is None
    assert time.monotonic() - started < 1.5


async def test_a_resource_deleted_before_its_adoption_fails_the_job_with_that_reason(
    repo: StateRepository, aws_client: Aws,
) -> None:
    ec2 = aws_client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    record = await _stored(repo, cloudtrail("ec2.amazonaws.com", "CreateVpc", {"cidrBlock": "10.42.0.0/16"},
                                            {"vpc": {"vpcId": vpc_id}}))
    ec2.delete_vpc(VpcId=vpc_id)
    runner, reporter = FakeRunner(), RecordingReporter()
    decisions = decisions_for(repo, runner, reporter, aws=aws_client)

    outcome = await adopt(decisions, record.resource_id, "slack:U-alice", tf_name="main")

    assert outcome.job is None and runner.jobs == [] and reporter.phases == []
    assert not outcome.result.succeeded
    error = outcome.result.error
    assert error is not None and error.startswith("the resource no longer exists in AWS (") and vpc_id in error
    final = await repo.get(record.resource_id)
    assert final is not None and final.status == Status.ADOPT_FAILED
    assert final.job_error == outcome.result.error and final.job_id is None and final.tf_file is None
    history = await repo.history(record.resource_id)
    assert history[-1].reason.startswith("adopt failed: the resource no longer exists in AWS")
