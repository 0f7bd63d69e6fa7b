"""The local runner: the adopt job's steps against a git repository on disk, for the sandbox and for teams
without CodeBuild. It places the files, checks them with Terraform (`bot.terraform`) where that runs offline,
commits on the resource's branch and pushes it when the repository has a remote; it never plans or applies,
because that needs the AWS provider and credentials, and it says so in the result.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.codegen import GeneratedFile
from bot.runners.gitrepo import GitError, git, ref_exists, worktree
from bot.runners.job import AdoptJob, JobPhase, JobReporter, JobResult

logger = logging.getLogger(__name__)

PROVIDER_PATH = Path("registry.terraform.io") / "hashicorp" / "aws"


class LocalRunner:
    """Adopts into the repository at `repository` (a working clone or a bare repository)."""

    kind = "local"

    def __init__(
        self,
        repository: Path,
        *,
        base_branch: str = "main",
        remote: str = "origin",
        plugin_dirs: tuple[Path, ...] | None = None,
    ) -> None:
        self.repository = repository
        self.base_branch = base_branch
        self.remote = remote
        # Where a locally installed AWS provider would be: validate needs one and nothing can be downloaded.
        self.plugin_dirs = plugin_dirs if plugin_dirs is not None else (Path.home() / ".terraform.d" / "plugins",)

    @contextmanager
    def layout(self) -> Iterator[Path | None]:
        with worktree(self.repository, self.base_branch) as path:
            yield path

    async def run(self, job: AdoptJob, reporter: JobReporter) -> JobResult:
        loop = asyncio.get_running_loop()
        phases: asyncio.Queue[JobPhase | None] = asyncio.Queue()

        def report(phase: JobPhase) -> None:
            loop.call_soon_threadsafe(phases.put_nowait, phase)

        async def forward() -> None:
            while (phase := await phases.get()) is not None:
                await reporter.phase(job, phase)

        forwarder = asyncio.create_task(forward())
        try:
            result = await asyncio.to_thread(self._run, job, report)
        except Exception as exc:
            logger.exception("local adopt job %s failed", job.job_id)
            result = JobResult(status="failed", error=f"the local runner failed: {exc}")
        finally:
            loop.call_soon_threadsafe(phases.put_nowait, None)
            await forwarder
        await reporter.result(job, result)
        return result

    def _run(self, job: AdoptJob, emit: Callable[[JobPhase], None]) -> JobResult:
        where = f"{self.repository}#{job.branch}"
        if not ref_exists(self.repository, f"refs/heads/{self.base_branch}"):
            return JobResult(status="failed", error=f"the repository has no branch {self.base_branch}",
                             log_location=str(self.repository))
        emit(JobPhase("branch", "started", job.branch))
        with worktree(self.repository, self.base_branch, branch=job.branch) as tree:
            emit(JobPhase("files", "started", ", ".join(f.path for f in job.files)))
            _place(tree, job.files)
            emit(JobPhase("checks", "started", "terraform fmt, parse, validate"))
            problem, skipped = self._check(tree, job.files)
            if problem:
                return JobResult(status="failed", error=problem, log_location=where, skipped_checks=skipped)
            git(tree, "add", "--", *[f.path for f in job.files])
            if git(tree, "status", "--porcelain", "--", *[f.path for f in job.files]).strip():
                git(tree, "commit", "--quiet", "--no-verify", "-m", job.commit_message)
                emit(JobPhase("commit", "succeeded", "committed"))
            else:
                # A retry of a job whose commit is already on the branch: nothing new to commit.
                emit(JobPhase("commit", "succeeded", "already committed"))
            commit = git(tree, "rev-parse", "HEAD").strip()
            if self._has_remote():
                emit(JobPhase("push", "started", self.remote))
                try:
                    git(tree, "push", "--quiet", self.remote, f"HEAD:refs/heads/{job.branch}")
                except GitError as exc:
                    return JobResult(status="failed", commit=commit, error=f"pushing the branch failed: {exc}",
                                     log_location=where, skipped_checks=skipped)
        skipped = (*skipped, "plan and apply: the local runner has no AWS provider or credentials to run them")
        return JobResult(status="succeeded", commit=commit, log_location=where, skipped_checks=skipped)

    def _has_remote(self) -> bool:
        return self.remote in git(self.repository, "remote").split()

    def _check(self, tree: Path, files: tuple[GeneratedFile, ...]) -> tuple[str | None, tuple[str, ...]]:
        """(a problem that fails the job or None, the checks skipped and why)."""
        from bot.terraform import TerraformError, fmt_check, load_config_dir

        skipped: list[str] = []
        for generated in files:
            result = fmt_check(tree / generated.path)
            if not result.clean:
                return f"terraform fmt would change {generated.path}: {result.errors or 'formatting'}", ()
        folders = sorted({(tree / f.path).parent for f in files})
        for folder in folders:
            try:
                load_config_dir(folder)
            except TerraformError as exc:
                return f"Terraform cannot load {folder.relative_to(tree)}: {exc}", ()
        provider = self._provider()
        if provider is None:
            skipped.append(
                "validate: needs the hashicorp/aws provider, which is not installed here and cannot be downloaded "
                "offline"
            )
        else:
            problem = _validate(tree, provider)
            if problem:
                return problem, ()
        return None, tuple(skipped)

    def _provider(self) -> Path | None:
        for folder in self.plugin_dirs:
            if (folder / PROVIDER_PATH).is_dir():
                return folder
        return None


def _validate(tree: Path, plugin_dir: Path) -> str | None:
    from bot.terraform import run

    code, _, err = run(["init", "-backend=false", "-input=false", "-no-color", f"-plugin-dir={plugin_dir}"],
                       chdir=tree)
    if code != 0:
        return f"terraform init failed: {err.strip().splitlines()[-1] if err.strip() else code}"
    code, out, err = run(["validate", "-no-color"], chdir=tree)
    if code != 0:
        return f"terraform validate failed: {(err or out).strip()}"
    return None


def _place(tree: Path, files: tuple[GeneratedFile, ...]) -> None:
    """Write the files under the worktree; a path that would leave it is refused before anything is written."""
    base = tree.resolve()
    planned = []
    for generated in files:
        target = (base / generated.path).resolve()
        if not target.is_relative_to(base) or target == base:
            raise ValueError(f"{generated.path} is outside the repository")
        planned.append((target, generated.content))
    for target, content in planned:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
