"""The local runner through the decision service: a moto resource adopted into a temporary git repository, real git."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.decisions import AdoptChoice
from bot.errors import ConfigError
from bot.runners import LocalRunner, RecordingReporter, make_runner
from bot.runners.base import Runner
from bot.state import Detection, ResourceRecord, StateRepository, TransitionConflict
from tests.codegen.helpers import detect
from tests.codegen.test_types import CASES
from tests.runners.helpers import adopt, decisions_for

Aws = Callable[..., Any]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A working clone on main: a root module calling ./modules/storage."""
    repo = tmp_path / "infra"
    (repo / "modules" / "storage").mkdir(parents=True)
    (repo / "main.tf").write_text('module "storage" {\n  source = "./modules/storage"\n}\n')
    (repo / "modules" / "storage" / "main.tf").write_text("# storage\n")
    _git(tmp_path, "init", "--quiet", "-b", "main", str(repo))
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "seed")
    return repo


@pytest.fixture
def repo(state_env: dict[str, str]) -> StateRepository:
    return StateRepository(Settings.from_env(state_env))


async def _detected(repo: StateRepository, aws: Aws, tf_type: str = "aws_s3_bucket") -> ResourceRecord:
    made = CASES[tf_type](aws)
    record, resources = detect(made.record)
    [resource] = [r for r in resources if r.tf_type == tf_type]
    created = await repo.create_detected(Detection(resource, record.event_id, record.event_name, record.event_time),
                                         owner="m-1", notify_grace=60)
    assert created is not None
    return created


def _decisions(repo: StateRepository, runner: Runner, aws: Aws, reporter: RecordingReporter | None = None) -> Any:
    return decisions_for(repo, runner, reporter or RecordingReporter(), aws=aws)


def _tree(repository: Path, ref: str) -> dict[str, str]:
    names = _git(repository, "ls-tree", "-r", "--name-only", ref).split()
    return {name: _git(repository, "show", f"{ref}:{name}") for name in names}


async def test_adopt_commits_the_files_in_their_folders_on_the_resource_branch(
    repo: StateRepository, aws_client: Aws, repository: Path, tmp_path: Path
) -> None:
    record = await _detected(repo, aws_client)
    reporter = RecordingReporter()
    runner = LocalRunner(repository, plugin_dirs=(tmp_path / "no-plugins",))

    decisions = _decisions(repo, runner, aws_client, reporter)
    outcome = await adopt(decisions, record.resource_id, "slack:U-alice", tf_name="logs", target_module="storage")

    assert outcome.result.succeeded, outcome.result.error
    branch = f"tfsync/adopt-{record.resource_id}"
    commit = _git(repository, "rev-parse", branch).strip()
    assert outcome.result.commit == commit
    assert (outcome.record.status, outcome.record.job_link, outcome.record.job_runner) == ("adopted", commit, "local")
    assert _git(repository, "rev-list", "--count", f"main..{branch}").strip() == "1"
    files = _tree(repository, branch)
    module_file = files["modules/storage/aws_s3_bucket.logs.tf"]
    assert 'resource "aws_s3_bucket" "logs"' in module_file and "import {" not in module_file
    root_import = files["import.storage.aws_s3_bucket.logs.tf"]
    assert "to = module.storage.aws_s3_bucket.logs" in root_import and f'id = "{record.import_id}"' in root_import
    assert "to = module.storage.aws_s3_bucket_versioning.logs" in root_import
    assert outcome.job is not None
    assert outcome.job.imports[0] == ("module.storage.aws_s3_bucket.logs", record.import_id)
    assert set(outcome.job.imports) == {
        ("module.storage.aws_s3_bucket.logs", record.import_id),
        ("module.storage.aws_s3_bucket_versioning.logs", record.import_id),
        ("module.storage.aws_s3_bucket_server_side_encryption_configuration.logs", record.import_id),
    }
    # The person's checkout is left as it was: work happens in a temporary worktree.
    assert _git(repository, "status", "--porcelain") == ""
    assert _git(repository, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert _git(repository, "worktree", "list").count("\n") == 1
    assert any("validate" in s and "cannot be downloaded offline" in s for s in outcome.result.skipped_checks)
    assert [p.name for _, p in reporter.phases] == ["branch", "files", "checks", "commit"]
    assert reporter.results == [(outcome.job.job_id, outcome.result)]

    with pytest.raises(TransitionConflict) as refused:
        await adopt(decisions, record.resource_id, "slack:U-bob", tf_name="again")
    assert refused.value.current_status == "adopted"
    assert _git(repository, "rev-list", "--count", f"main..{branch}").strip() == "1"


async def test_two_adopts_at_once_run_one_job(repo: StateRepository, aws_client: Aws, repository: Path) -> None:
    record = await _detected(repo, aws_client, "aws_sqs_queue")
    decisions = _decisions(repo, LocalRunner(repository), aws_client)

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


async def test_retry_after_a_failed_push_adds_no_second_commit(
    repo: StateRepository, aws_client: Aws, repository: Path, tmp_path: Path
) -> None:
    origin = tmp_path / "origin.git"
    _git(repository, "remote", "add", "origin", str(origin))  # not there yet: the first push fails
    record = await _detected(repo, aws_client)
    decisions = _decisions(repo, LocalRunner(repository), aws_client)
    branch = f"tfsync/adopt-{record.resource_id}"

    first = await adopt(decisions, record.resource_id, "slack:U-alice", tf_name="logs")
    assert not first.result.succeeded
    assert first.result.error and first.result.error.startswith("pushing the branch failed")
    assert first.record.status == "adopt_failed" and first.record.job_error == first.result.error
    assert first.result.log_location == f"{repository}#{branch}"

    _git(tmp_path, "init", "--quiet", "--bare", str(origin))
    second = await adopt(decisions, record.resource_id, "slack:U-alice", tf_name="logs")

    assert second.result.succeeded, second.result.error
    assert second.result.commit == first.result.commit, "the retry reuses the commit the first attempt made"
    assert _git(repository, "rev-list", "--count", f"main..{branch}").strip() == "1"
    assert _git(origin, "rev-parse", branch).strip() == second.result.commit
    assert second.record.status == "adopted"
    history = [(e.from_status, e.to_status) for e in await repo.history(record.resource_id)]
    assert history == [("detected", "adopting"), ("adopting", "adopt_failed"), ("adopt_failed", "adopting"),
                           ("adopting", "adopted")]


async def test_unformatted_code_fails_the_job_before_any_commit(
    repo: StateRepository, aws_client: Aws, repository: Path
) -> None:
    from bot.codegen import GeneratedFile
    from bot.runners.job import AdoptJob

    job = AdoptJob(
        job_id="r-x-v2", resource_id="r-x", tf_type="aws_sqs_queue", import_id="q", address="aws_sqs_queue.q",
        target_module="", mode="pr", files=(GeneratedFile("q.tf", 'resource "aws_sqs_queue" "q" {\nname="q"\n}\n'),),
        imports=(("aws_sqs_queue.q", "q"),),
    )
    result = await LocalRunner(repository).run(job, RecordingReporter())

    assert not result.succeeded and result.error and "terraform fmt would change q.tf" in result.error
    assert _git(repository, "rev-list", "--count", f"main..{job.branch}").strip() == "0"


def test_the_settings_choose_the_runner(tmp_path: Path) -> None:
    local = make_runner(Settings.from_env({"TFSYNC_REPOSITORY_PATH": str(tmp_path), "TFSYNC_BASE_BRANCH": "trunk"}))
    assert isinstance(local, LocalRunner) and local.repository == tmp_path and local.base_branch == "trunk"
    with pytest.raises(ConfigError, match="TFSYNC_REPOSITORY_PATH"):
        make_runner(Settings.from_env({}))
    with pytest.raises(ConfigError, match="TFSYNC_ARTIFACT_BUCKET and TFSYNC_CODEBUILD_PROJECT"):
        make_runner(Settings.from_env({"TFSYNC_RUNNER": "codebuild"}))
    with pytest.raises(ConfigError, match="TFSYNC_ADOPT_MODE"):
        Settings.from_env({"TFSYNC_ADOPT_MODE": "yolo"})


class _BrokenRunner:
    """A runner that breaks outright, as a crashed dependency would."""

    kind = "broken"

    @contextmanager
    def layout(self) -> Iterator[Path | None]:
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
    history = await repo.history(record.resource_id)
    assert history[-1].actor == "tfsync" and history[-1].reason == "RuntimeError: disk full"
