"""The local runner: the adopt job CodeBuild runs (infra/adopter/adopt.sh), run here against a bare git repository
and moto, with the real AWS provider (terraform init -plugin-dir), through the engine's decision service."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.decisions import AdoptChoice
from bot.errors import ConfigError
from bot.managed import StateReader
from bot.runners import AdoptJob, LocalRunner, RecordingReporter, make_runner
from bot.runners.base import Runner
from bot.runners.local import NOT_VERIFIED
from bot.state import Detection, ResourceRecord, StateRepository, TransitionConflict
from bot.terraform.plugins import find_plugin_dir
from tests.codegen.helpers import detect
from tests.codegen.test_types import CASES
from tests.runners.helpers import FailingReporter, adopt, decisions_for

Aws = Callable[..., Any]
PLUGIN_DIR = find_plugin_dir()
needs_provider = pytest.mark.skipif(
    PLUGIN_DIR is None, reason="not verified: no hashicorp/aws provider unpacked in a plugin directory here")
STATE_BUCKET = "infra-state"
LOCK_TABLE = "infra-locks"
STATE_KEY = "live/terraform.tfstate"

ROOT_MAIN = f"""terraform {{
  backend "s3" {{
    bucket         = "{STATE_BUCKET}"
    key            = "{STATE_KEY}"
    region         = "us-east-1"
    dynamodb_table = "{LOCK_TABLE}"
  }}

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
  }}
}}

provider "aws" {{
  region = "us-east-1"
}}

module "storage" {{
  source = "./modules/storage"
}}
"""


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repository(tmp_path: Path, aws_client: Aws) -> Path:
    """A bare repository whose main branch holds a root module (S3 backend on moto) calling ./modules/storage."""
    seed = tmp_path / "seed"
    (seed / "modules" / "storage").mkdir(parents=True)
    (seed / "main.tf").write_text(ROOT_MAIN)
    (seed / "modules" / "storage" / "main.tf").write_text("# storage\n")
    _git(tmp_path, "init", "--quiet", "-b", "main", str(seed))
    _git(seed, "add", ".")
    _git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "seed")
    bare = tmp_path / "infra.git"
    _git(tmp_path, "clone", "--quiet", "--bare", str(seed), str(bare))
    aws_client("s3").create_bucket(Bucket=STATE_BUCKET)
    aws_client("dynamodb").create_table(
        TableName=LOCK_TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
    )
    return bare


@pytest.fixture
def repo(state_env: dict[str, str]) -> StateRepository:
    return StateRepository(Settings.from_env(state_env))


def _runner(repository: Path, aws_endpoint: str, plugin_dir: Path | None = PLUGIN_DIR) -> LocalRunner:
    # A job takes seconds here; one that hangs fails the test with the step it hung in and its last line, well
    # before the test's own timeout would stop it with neither.
    return LocalRunner(repository, plugin_dir=plugin_dir, aws_env={"AWS_ENDPOINT_URL": aws_endpoint}, timeout=200)


async def _detected(repo: StateRepository, aws: Aws, tf_type: str = "aws_s3_bucket") -> ResourceRecord:
    made = CASES[tf_type](aws)
    record, resources = detect(made.record)
    [resource] = [r for r in resources if r.tf_type == tf_type]
    created = await repo.create_detected(Detection(resource, record.event_id, record.event_name, record.event_time),
                                         owner="m-1", notify_grace=60)
    assert created is not None
    return created


def _tree(repository: Path, ref: str) -> dict[str, str]:
    names = _git(repository, "ls-tree", "-r", "--name-only", ref).split()
    return {name: _git(repository, "show", f"{ref}:{name}") for name in names}


@needs_provider
async def test_pr_mode_plans_clean_and_pushes_the_resource_branch(
    repo: StateRepository, aws_client: Aws, aws_endpoint: str, repository: Path
) -> None:
    record = await _detected(repo, aws_client)
    reporter = RecordingReporter()
    decisions = decisions_for(repo, _runner(repository, aws_endpoint), reporter, aws=aws_client)

    outcome = await adopt(decisions, record.resource_id, "slack:U-alice", tf_name="logs", target_module="storage")

    assert outcome.result.succeeded and outcome.result.verified, outcome.result.error
    assert outcome.result.plan is not None and outcome.result.plan.describe() == (
        "3 to import, 0 to add, 0 to change, 0 to destroy")
    branch = f"tfsync/adopt-{record.resource_id}"
    assert outcome.result.commit == _git(repository, "rev-parse", branch).strip()
    assert (outcome.record.status, outcome.record.job_runner) == ("adopted", "local")
    files = _tree(repository, branch)
    assert 'resource "aws_s3_bucket" "logs"' in files["modules/storage/aws_s3_bucket.logs.tf"]
    assert "to = module.storage.aws_s3_bucket.logs" in files["import.storage.aws_s3_bucket.logs.tf"]
    assert _git(repository, "rev-list", "--count", "main").strip() == "1", "pr mode leaves main alone"
    names = [p.name for _, p in reporter.phases]
    assert names == ["token", "clone", "branch", "files", "init", "plan", "gate", "commit", "push"]
    assert all("took" in p.detail and p.status == "succeeded" for _, p in reporter.phases)
    assert reporter.results == [(outcome.job.job_id if outcome.job else "", outcome.result)]

    with pytest.raises(TransitionConflict) as refused:
        await adopt(decisions, record.resource_id, "slack:U-bob", tf_name="again")
    assert refused.value.current_status == "adopted"


@needs_provider
async def test_apply_mode_imports_into_the_state_and_the_resource_becomes_terraforms(
    repo: StateRepository, aws_client: Aws, aws_endpoint: str, repository: Path
) -> None:
    record = await _detected(repo, aws_client, "aws_sns_topic")
    decisions = decisions_for(repo, _runner(repository, aws_endpoint), RecordingReporter(), mode="apply",
                              aws=aws_client)

    outcome = await adopt(decisions, record.resource_id, "slack:U-alice", target_module="storage")

    assert outcome.result.succeeded and outcome.result.verified, outcome.result.error
    assert _git(repository, "rev-parse", "main").strip() == outcome.result.commit
    managed = StateReader(aws_client("s3"), [f"s3://{STATE_BUCKET}/{STATE_KEY}"], 10_000_000).load()
    found = managed.find("aws_sns_topic", record.import_id, record.arn)
    assert found is not None and found.address.startswith("module.storage.aws_sns_topic.")


@contextmanager
def _tampered(runner: LocalRunner, edit: Callable[[str], str]) -> Iterator[Runner]:
    """The runner, with the job's module file edited before it runs: code that no longer matches the resource."""

    class Tampering:
        kind = runner.kind

        def layout(self, target: object = None) -> Any:
            return runner.layout()

        async def run(self, job: Any, reporter: Any) -> Any:
            files = tuple(replace(f, content=edit(f.content)) if f.path.startswith("modules/") else f
                          for f in job.files)
            return await runner.run(replace(job, files=files), reporter)

    yield Tampering()


@needs_provider
async def test_a_plan_that_is_not_clean_fails_the_gate_and_a_retry_commits_once(
    repo: StateRepository, aws_client: Aws, aws_endpoint: str, repository: Path
) -> None:
    record = await _detected(repo, aws_client, "aws_sns_topic")
    runner = _runner(repository, aws_endpoint)
    branch = f"tfsync/adopt-{record.resource_id}"

    with _tampered(runner, lambda text: text.replace('"Alerts ', '"Alarms ')) as bad:
        failed = await adopt(decisions_for(repo, bad, RecordingReporter(), aws=aws_client), record.resource_id,
                             "slack:U-alice", tf_name="alerts", target_module="storage")

    assert not failed.result.succeeded and not failed.result.verified
    assert failed.result.error and "the plan is not clean: 1 to import, 0 to add, 1 to change" in failed.result.error
    [change] = failed.result.changes
    assert change.address == "module.storage.aws_sns_topic.alerts" and "display_name" in change.attributes
    assert change.describe() == "module.storage.aws_sns_topic.alerts would be changed: display_name would change"
    assert failed.record.status == "adopt_failed"
    assert branch not in _git(repository, "branch", "--list"), "nothing is pushed after a refused plan"

    decisions = decisions_for(repo, runner, RecordingReporter(), aws=aws_client)
    fixed = await adopt(decisions, record.resource_id, "slack:U-alice", tf_name="alerts", target_module="storage")
    assert fixed.result.succeeded and fixed.result.verified, fixed.result.error
    assert _git(repository, "rev-list", "--count", f"main..{branch}").strip() == "1"

    # The same job again (a retry after, say, Slack lost the result): the branch already holds it.
    job = fixed.job
    assert job is not None
    again = await runner.run(job, RecordingReporter())
    assert again.succeeded and again.commit == fixed.result.commit
    assert _git(repository, "rev-list", "--count", f"main..{branch}").strip() == "1", "nothing is committed twice"


async def test_without_a_provider_the_code_is_committed_but_not_verified(
    repo: StateRepository, aws_client: Aws, aws_endpoint: str, repository: Path
) -> None:
    record = await _detected(repo, aws_client, "aws_sns_topic")
    decisions = decisions_for(repo, _runner(repository, aws_endpoint, plugin_dir=None), RecordingReporter(),
                              aws=aws_client)

    outcome = await adopt(decisions, record.resource_id, "slack:U-alice", target_module="storage")

    assert outcome.result.succeeded and not outcome.result.verified
    assert NOT_VERIFIED in outcome.result.skipped_checks
    assert outcome.result.plan is None or outcome.result.plan.imports == 0
    assert outcome.record.job_result == "unverified"
    assert _git(repository, "rev-parse", f"tfsync/adopt-{record.resource_id}").strip() == outcome.result.commit


def test_the_settings_choose_the_runner(tmp_path: Path) -> None:
    local = make_runner(Settings.from_env({"TFSYNC_REPOSITORY_PATH": str(tmp_path), "TFSYNC_BASE_BRANCH": "trunk",
                                           "TFSYNC_ROOT_DIR": "envs/prod/"}))
    assert isinstance(local, LocalRunner) and local.repository == tmp_path and local.base_branch == "trunk"
    assert local.root_dir == "envs/prod" and local.plugin_dir == PLUGIN_DIR
    with pytest.raises(ConfigError, match="TFSYNC_REPOSITORY_PATH"):
        make_runner(Settings.from_env({}))
    with pytest.raises(ConfigError, match="has no hashicorp/aws provider"):
        make_runner(Settings.from_env({"TFSYNC_REPOSITORY_PATH": str(tmp_path),
                                       "TFSYNC_TERRAFORM_PLUGIN_DIR": str(tmp_path)}))
    with pytest.raises(ConfigError, match="TFSYNC_ROOT_DIR must be a folder inside the repository"):
        Settings.from_env({"TFSYNC_ROOT_DIR": "../elsewhere"})
    with pytest.raises(ConfigError, match="TFSYNC_ARTIFACT_BUCKET and TFSYNC_CODEBUILD_PROJECT"):
        make_runner(Settings.from_env({"TFSYNC_RUNNER": "codebuild"}))
    with pytest.raises(ConfigError, match="TFSYNC_ADOPT_MODE"):
        Settings.from_env({"TFSYNC_ADOPT_MODE": "yolo"})


class _BrokenRunner:
    """A runner that breaks outright, as a crashed dependency would."""

    kind = "broken"

    @contextmanager
    def layout(self, target: object = None) -> Iterator[Path | None]:
        yield None

    async def run(self, job: Any, reporter: Any) -> Any:
        raise RuntimeError("disk full")


async def test_a_runner_that_breaks_leaves_a_retryable_record(repo: StateRepository, aws_client: Aws) -> None:
    record = await _detected(repo, aws_client, "aws_sqs_queue")
    decisions = decisions_for(repo, _BrokenRunner(), RecordingReporter())

    await decisions.adopt(record.resource_id, record.version, "slack:U-alice", AdoptChoice(None))
    await decisions.drain()

    failed = await repo.get(record.resource_id)
    assert failed is not None
    assert (failed.status, failed.job_error) == ("adopt_failed", "disk full")
    assert (failed.lease_owner, failed.lease_until) == (None, None), "a finished job holds no lease"
    history = await repo.history(record.resource_id)
    assert history[-1].actor == "tfsync" and history[-1].reason == "RuntimeError: disk full"


# A stand-in for adopt.sh that reports two steps and succeeds, as the real script does when all goes well.
_STEPS_SCRIPT = """#!/bin/bash
echo 'TFSYNC_STEP {"name": "clone", "status": "succeeded", "seconds": 1}' >&2
echo 'TFSYNC_STEP {"name": "push", "status": "succeeded", "seconds": 2}' >&2
echo 'TFSYNC_RESULT {"status": "succeeded", "commit": "0a1b2c3d", "verified": true}'
"""


def _stand_in(tmp_path: Path, script_text: str) -> tuple[Path, Path, AdoptJob]:
    """A repository with one commit on main, a stand-in for adopt.sh, and a job for a bucket: (seed, script, job)."""
    seed = tmp_path / "seed"
    seed.mkdir()
    _git(seed, "init", "--quiet", "-b", "main")
    _git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "seed")
    script = tmp_path / "adopt.sh"
    script.write_text(script_text, encoding="utf-8")
    job = AdoptJob(job_id="r-local-v2", resource_id="r-local", tf_type="aws_s3_bucket", import_id="logs",
                   address="aws_s3_bucket.logs", target_module="", mode="pr", files=(),
                   imports=(("aws_s3_bucket.logs", "logs"),))
    return seed, script, job


async def test_reports_that_fail_never_change_how_a_local_job_ends(tmp_path: Path) -> None:
    seed, script, job = _stand_in(tmp_path, _STEPS_SCRIPT)
    reporter = FailingReporter()

    result = await LocalRunner(seed, script=script, plugin_dir=tmp_path).run(job, reporter)

    assert result.succeeded and result.commit == "0a1b2c3d" and result.verified
    assert reporter.calls == ["clone", "push", "result succeeded"], "every report was tried, and failed"


# A stand-in for adopt.sh whose plan never ends: a step done, then a child (as Terraform is) that outlives the wait.
_HANGING_SCRIPT = """#!/bin/bash
echo 'TFSYNC_STEP {"name": "init", "status": "succeeded", "seconds": 1}' >&2
echo 'tfsync: Acquiring state lock. This may take a few moments...' >&2
sleep 600 &
echo "$!" > "$CHILD_PID_FILE"
wait
"""


async def test_a_job_past_its_timeout_is_stopped_whole_and_says_where_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed, script, job = _stand_in(tmp_path, _HANGING_SCRIPT)
    runner = LocalRunner(seed, script=script, plugin_dir=tmp_path, timeout=3)
    monkeypatch.setenv("CHILD_PID_FILE", str(tmp_path / "child.pid"))

    result = await runner.run(job, RecordingReporter())

    assert not result.succeeded
    assert result.error == ("the adopt job ran past 3 s after its init step and was stopped; its last words: "
                            "tfsync: Acquiring state lock. This may take a few moments...")
    child = int((tmp_path / "child.pid").read_text())
    assert not _running(child), "the script's child was stopped with it, not left holding the lock"


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a killed one nobody has reaped yet is not)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


async def test_two_adopts_at_once_run_one_job(repo: StateRepository, aws_client: Aws, aws_endpoint: str,
                                              repository: Path) -> None:
    record = await _detected(repo, aws_client, "aws_sns_topic")
    decisions = decisions_for(repo, _runner(repository, aws_endpoint, plugin_dir=None), RecordingReporter(),
                              aws=aws_client)

    results = await asyncio.gather(
        adopt(decisions, record.resource_id, "slack:U-a"),
        adopt(decisions, record.resource_id, "slack:U-b"),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, TransitionConflict)]
    done = [r for r in results if not isinstance(r, BaseException)]
    assert len(refused) == 1 and len(done) == 1, results
    assert done[0].result.succeeded
    assert _git(repository, "rev-list", "--count", f"main..tfsync/adopt-{record.resource_id}").strip() == "1"
    assert json.loads(json.dumps(done[0].result.skipped_checks))  # a result a thread can show


@needs_provider
async def test_the_gate_accepts_exactly_the_terraform_only_settings_and_apply_records_them(
    repo: StateRepository, aws_client: Aws, aws_endpoint: str, repository: Path
) -> None:
    """An RDS instance's code keeps the safe final snapshot, which an import cannot record: the gate accepts that
    update alone (and says so), and the apply writes it to the state."""
    record = await _detected(repo, aws_client, "aws_db_instance")
    decisions = decisions_for(repo, _runner(repository, aws_endpoint), RecordingReporter(), mode="apply",
                              aws=aws_client)

    outcome = await adopt(decisions, record.resource_id, "slack:U-alice", tf_name="orders", target_module="storage")

    assert outcome.result.succeeded and outcome.result.verified, outcome.result.error
    assert outcome.result.plan is not None and outcome.result.plan.describe() == (
        "1 to import, 0 to add, 0 to change, 0 to destroy")
    assert "module.storage.aws_db_instance.orders (" in outcome.result.accepted
    assert "skip_final_snapshot" in outcome.result.accepted
    assert "Terraform-only settings only, nothing in AWS" in outcome.result.plan_summary()
    state = json.loads(aws_client("s3").get_object(Bucket=STATE_BUCKET, Key=STATE_KEY)["Body"].read())
    [instance] = [r for r in state["resources"] if r["type"] == "aws_db_instance"]
    attributes = instance["instances"][0]["attributes"]
    assert attributes["skip_final_snapshot"] is False and attributes["final_snapshot_identifier"].endswith("-final")
