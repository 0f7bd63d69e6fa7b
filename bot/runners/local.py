"""The local runner: the very adopt job CodeBuild runs (infra/adopter/adopt.sh), run on this machine.

For the sandbox and for teams without CodeBuild. The job's files and manifest go into a folder of their own, the
script clones the repository (a path on this machine: no token), places the files, runs `terraform init` (with
the provider from a plugin directory: nothing is downloaded), `plan`, the clean-plan gate, and then by mode
`apply` and a push to the base branch, or a push of the resource's branch. Terraform is the one the project
embeds (`python -m bot.terraform`). With no provider to plan with, the code is still committed and the result
says it was not verified: a ✅ is never shown for a plan that did not run.

A resource in another account is adopted with that account's credentials: the job's environment carries the
assumed role's keys (never logged) and none of this process's own (profile, container or web-identity
credentials), so the script's Terraform cannot fall back to tfsync's own account. Credentials that cannot be had
fail the job before the script runs. An account routed elsewhere (TFSYNC_ACCOUNT_TARGETS) is adopted into its own
repository, branch and root folder; one whose route says `"terraform_credentials": "adopter"` keeps this process's
credentials, its root module's provider configuration reaching the account, and the script's gate checks that
what the plan imports is in that account.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shlex
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from bot.accounts import AccountTarget
from bot.errors import NoAccountAccess
from bot.runners.gitrepo import ref_exists, worktree
from bot.runners.job import (
    AdoptJob,
    JobPhase,
    JobReporter,
    JobResult,
    SafeReporter,
    parse_result_line,
    result_from_line,
)
from bot.terraform import environment

logger = logging.getLogger(__name__)

ADOPT_SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "adopter" / "adopt.sh"
STEP_MARKER = "TFSYNC_STEP "
NOT_VERIFIED = ("plan: no hashicorp/aws provider in a plugin directory here (TFSYNC_TERRAFORM_PLUGIN_DIR), so the "
                "code was committed without a plan: not verified")
DEFAULT_TIMEOUT = 1800.0
# Where the AWS SDKs and Terraform find credentials other than the three key variables: dropped from the job's
# environment when it acts in another account, so only the assumed role's keys are there to find.
OTHER_CREDENTIAL_SOURCES = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
)


@dataclass(frozen=True, slots=True)
class Checkout:
    """The repository, base branch and root folder one job adopts into."""

    repository: Path
    base_branch: str
    root_dir: str


class LocalRunner:
    """Adopts into the git repository at `repository` (a working clone or a bare repository) with adopt.sh."""

    kind = "local"

    def __init__(
        self,
        repository: Path,
        *,
        base_branch: str = "main",
        plugin_dir: Path | None = None,
        root_dir: str = ".",
        aws_env: Mapping[str, str] | None = None,
        script: Path = ADOPT_SCRIPT,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.repository = repository
        self.base_branch = base_branch
        self.plugin_dir = plugin_dir
        self.root_dir = root_dir
        self.aws_env = dict(aws_env or {})
        self.script = script
        self.timeout = timeout

    def checkout(self, target: AccountTarget | None = None) -> Checkout:
        """Where a job in `target`'s account adopts into: its route's repository, branch and folder, else ours."""
        route = target.route if target is not None else None
        return Checkout(
            Path(route.repository) if route is not None and route.repository else self.repository,
            (route.base_branch if route is not None else None) or self.base_branch,
            (route.root_dir if route is not None else None) or self.root_dir,
        )

    @contextmanager
    def layout(self, target: AccountTarget | None = None) -> Iterator[Path | None]:
        checkout = self.checkout(target)
        with worktree(checkout.repository, checkout.base_branch) as path:
            yield path / checkout.root_dir

    async def run(self, job: AdoptJob, reporter: JobReporter, *, target: AccountTarget | None = None) -> JobResult:
        """Run the job; in `target`'s account when it names a role there (tfsync's own account otherwise)."""
        # A report that fails must not stop reading the script's output (it would block on a full pipe).
        reporter = SafeReporter.wrap(reporter)
        checkout = self.checkout(target)
        where = f"{checkout.repository}#{job.branch}"
        credentials = await self._credentials(target)
        if isinstance(credentials, str):
            result = JobResult(status="failed", error=credentials, log_location=where)
        elif not ref_exists(checkout.repository, f"refs/heads/{checkout.base_branch}"):
            result = JobResult(status="failed", error=f"the repository has no branch {checkout.base_branch}",
                               log_location=str(checkout.repository))
        else:
            with tempfile.TemporaryDirectory(prefix="tfsync-job-") as folder:
                result = await self._run_script(job, Path(folder), reporter, where, credentials, target)
        await reporter.result(job, result)
        return result

    async def _credentials(self, target: AccountTarget | None) -> dict[str, str] | str | None:
        """The assumed role's variables for a job in another account, fresh for the whole job; None in tfsync's
        own account, or where the route has Terraform reach the account through the root module's provider; or why
        they could not be had (the job then fails: it never runs with tfsync's own)."""
        if target is None or target.terraform_role_arn is None:
            return None
        try:
            session = await asyncio.to_thread(target.session, self.timeout + 60)
        except NoAccountAccess as exc:
            return exc.message
        except Exception as exc:
            logger.warning("assuming %s in account %s failed: %r", target.role_arn, target.account_id, exc)
            return f"tfsync could not assume {target.role_arn} in account {target.account_id}: {exc}"
        if session is None:
            return f"tfsync has no credentials for account {target.account_id}"
        return session.environment()

    async def _run_script(self, job: AdoptJob, folder: Path, reporter: JobReporter, where: str,
                          credentials: dict[str, str] | None = None,
                          target: AccountTarget | None = None) -> JobResult:
        env = self._environment(job, folder, credentials, target)
        # A session of its own: a job stopped early is stopped whole, Terraform and its provider with the script,
        # so nothing it started goes on holding the state lock or changing AWS.
        process = await asyncio.create_subprocess_exec(
            "bash", str(self.script), cwd=folder, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=True,
        )
        assert process.stdout is not None and process.stderr is not None
        tail: list[str] = []
        finished: list[str] = []
        try:
            out, _ = await asyncio.wait_for(
                asyncio.gather(process.stdout.read(), self._follow(job, process.stderr, reporter, tail, finished)),
                self.timeout,
            )
            await process.wait()
        except TimeoutError:
            await _stop(process)
            after = f" after its {finished[-1]} step" if finished else ""
            last = f"; its last words: {tail[-1]}" if tail else ""
            return JobResult(status="failed",
                             error=f"the adopt job ran past {self.timeout:.0f} s{after} and was stopped{last}",
                             log_location=where)
        except asyncio.CancelledError:
            await _stop(process)
            raise
        value = parse_result_line(out.decode("utf-8", "replace"))
        if value is None:
            last = tail[-1] if tail else f"exit {process.returncode}"
            return JobResult(status="failed", error=f"the adopt job ended without a result: {last}",
                             log_location=where)
        result = result_from_line(value, log_location=where)
        if self.plugin_dir is None and result.succeeded:
            result = replace(result, skipped_checks=(*result.skipped_checks, NOT_VERIFIED))
        return result

    async def _follow(self, job: AdoptJob, stream: asyncio.StreamReader, reporter: JobReporter,
                      tail: list[str], finished: list[str]) -> None:
        """Each step line of the script becomes a phase report (its name kept in `finished`); the rest goes to the
        log, the last lines kept."""
        while line := await stream.readline():
            text = line.decode("utf-8", "replace").rstrip()
            if text.startswith(STEP_MARKER):
                phase = _phase(text[len(STEP_MARKER):])
                if phase is not None:
                    finished.append(phase.name)
                    await reporter.phase(job, phase)
                continue
            logger.debug("adopt job %s: %s", job.job_id, text)
            tail[:] = [*tail[-19:], text]

    def _environment(self, job: AdoptJob, folder: Path, credentials: dict[str, str] | None = None,
                     target: AccountTarget | None = None) -> dict[str, str]:
        """The job folder (manifest, files, the terraform command) and the script's variables; with `credentials`
        (another account's), those and no other credentials. The account the plan must import into is named for
        the script's gate whenever the job has a target."""
        checkout = self.checkout(target)
        (folder / "manifest.json").write_text(json.dumps(job.manifest()), encoding="utf-8")
        for generated in job.files:
            placed = folder / "files" / generated.path
            placed.parent.mkdir(parents=True, exist_ok=True)
            placed.write_text(generated.content, encoding="utf-8")
        terraform = folder / "terraform"
        terraform.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m bot.terraform \"$@\"\n",
                             encoding="utf-8")
        terraform.chmod(0o700)
        variables = {
            "TFSYNC_JOB_DIR": str(folder),
            "TFSYNC_REPOSITORY_URL": str(checkout.repository.resolve()),
            "TFSYNC_BASE_BRANCH": checkout.base_branch,
            "TFSYNC_MODE": job.mode,
            "TFSYNC_RESOURCE_ID": job.resource_id,
            "TFSYNC_ADDRESS": job.address,
            "TFSYNC_IMPORT_ID": job.import_id,
            "TFSYNC_TARGET_MODULE": job.target_module,
            "TFSYNC_TERRAFORM": str(terraform),
            "TFSYNC_ROOT_DIR": checkout.root_dir,
            "TFSYNC_PLUGIN_DIR": str(self.plugin_dir) if self.plugin_dir is not None else "",
            "TFSYNC_PLAN": "on" if self.plugin_dir is not None else "off",
            # A repository on this machine has no pull request API: the pushed branch is the result.
            "TFSYNC_PR_API_URL": "none",
            "TFSYNC_WORK_DIR": str(folder / "work"),
            "GIT_TERMINAL_PROMPT": "0",
        }
        # The script inherits this process's environment (credentials among it), the AWS endpoints the settings
        # name (the sandbox's embedded AWS), and Terraform's offline configuration. The role the CodeBuild runner
        # has the script assume is never set here: the credentials are in the environment already.
        inherited = {name: value for name, value in os.environ.items() if not name.startswith("TFSYNC_TARGET_")}
        if credentials is not None:
            for name in OTHER_CREDENTIAL_SOURCES:
                inherited.pop(name, None)
            inherited.update(credentials)
        if target is not None:
            variables["TFSYNC_TARGET_ACCOUNT_ID"] = target.account_id
        return environment({**inherited, **self.aws_env, **variables})


async def _stop(process: asyncio.subprocess.Process) -> None:
    """Kill the job's whole session (the script and all it started) and reap the script."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    await process.wait()


def _phase(text: str) -> JobPhase | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        return None
    seconds = value.get("seconds")
    finished = time.strftime("%H:%M:%S UTC", time.gmtime())
    took = f", took {seconds} s" if isinstance(seconds, int) else ""
    return JobPhase(value["name"], str(value.get("status") or "succeeded"), f"finished {finished}{took}")
