"""The CodeBuild runner: job files to the artifact bucket, a build of the adopter project, then its events.

The build is started with environment overrides that carry identifiers only; the code travels through the
versioned artifact bucket. Progress arrives as EventBridge "CodeBuild Build State Change" and "Build Phase Change"
events on the bot's queue (bot.events parses them into ServiceEvent); when none arrives for a while, the runner
asks `batch_get_builds` instead. The result comes from the adopt script's result line in the build log.

A resource in another account is adopted there: the overrides name the account and the role the script assumes
(with the AWS CLI, before Terraform runs) and the external id that role requires travels with the job's files, in
`target.json`, not in the overrides: a build's environment shows in every build description and in every build
event on the bot's queue. A build in tfsync's own account gets no role override, so a value set on the project can
never make it act elsewhere; every build is told the account its plan must import into, which the script's gate
checks. An account routed to its own repository, branch or root folder (TFSYNC_ACCOUNT_TARGETS) gets those as
overrides too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bot.accounts import AccountTarget
from bot.aws import error_text
from bot.config import DEFAULT_ROUTE
from bot.events import ServiceEvent
from bot.runners.job import (
    AdoptJob,
    JobPhase,
    JobReporter,
    JobResult,
    SafeReporter,
    parse_result_line,
    result_from_line,
)

logger = logging.getLogger(__name__)

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "FAULT", "TIMED_OUT", "STOPPED"})
_FAILURE_REASONS = {
    "FAILED": "the adopt build failed",
    "FAULT": "the adopt build failed inside CodeBuild",
    "TIMED_OUT": "the adopt build ran past its timeout",
    "STOPPED": "the adopt build was stopped",
}
# The environment overrides a build gets: names the adopt script and the buildspec read, identifiers only.
OVERRIDE_NAMES = (
    "TFSYNC_JOB_KEY",
    "TFSYNC_RESOURCE_ID",
    "TFSYNC_TARGET_MODULE",
    "TFSYNC_ADDRESS",
    "TFSYNC_IMPORT_ID",
    "TFSYNC_MODE",
    "TFSYNC_TARGET_ACCOUNT_ID",
    "TFSYNC_TARGET_ROLE_ARN",
)
# Overrides for an account routed to another repository, base branch or root folder (TFSYNC_ACCOUNT_TARGETS): sent
# only when the route sets them, so the project's own values stand otherwise.
ROUTE_OVERRIDES = (("repository", "TFSYNC_REPOSITORY_URL"), ("base_branch", "TFSYNC_BASE_BRANCH"),
                   ("root_dir", "TFSYNC_ROOT_DIR"))
# The job's target beside its manifest: the role to assume and its external id (read by adopt.sh).
TARGET_FILE = "target.json"
_LOG_PAGES = 20
_EARLY_BUILDS = 256


@dataclass(frozen=True, slots=True)
class BuildUpdate:
    """One CodeBuild event (or a polled build), reduced to what a thread reply and a record need."""

    kind: str  # state | phase
    build_id: str  # project:uuid, as start_build and batch_get_builds name it
    project: str
    status: str  # the build's status (state), or the completed phase's status (phase)
    phase: str
    resource_id: str | None
    job_key: str | None
    log_group: str | None
    log_stream: str | None
    deep_link: str | None
    # For a completed phase: when it ended and how long it took, as CodeBuild's event says; "" when it does not.
    timing: str = ""

    @property
    def terminal(self) -> bool:
        return self.kind == "state" and self.status in TERMINAL

    @property
    def log_location(self) -> str | None:
        if self.deep_link:
            return self.deep_link
        if self.log_group and self.log_stream:
            return f"{self.log_group}:{self.log_stream}"
        return None


def build_id_of(value: str) -> str:
    """`project:uuid` from a build ARN (events name builds by ARN) or from the id itself."""
    return value.split(":build/", 1)[1] if ":build/" in value else value


def _env_vars(items: Any, name_key: str, value_key: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items if isinstance(items, list) else ():
        if isinstance(item, Mapping) and isinstance(item.get(name_key), str):
            found[item[name_key]] = str(item.get(value_key, ""))
    return found


def _object(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _timing(ended: Any, seconds: Any) -> str:
    """"finished <when>, took <n> s" from a phase event's end time and duration, as far as the event has them."""
    parts = []
    if isinstance(ended, str) and ended.strip():
        parts.append(f"finished {ended.strip()[:40]}")
    if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds >= 0:
        parts.append(f"took {int(seconds)} s")
    return ", ".join(parts)


def parse_build_event(event: ServiceEvent) -> BuildUpdate | None:
    """A BuildUpdate from a codebuild-state or codebuild-phase ServiceEvent; None for other kinds."""
    if event.kind not in ("codebuild-state", "codebuild-phase"):
        return None
    detail = event.detail
    info = _object(detail.get("additional-information"))
    env = _env_vars((info.get("environment") or {}).get("environment-variables"), "name", "value")
    logs = _object(info.get("logs"))
    if event.kind == "codebuild-state":
        kind, status, phase = "state", str(detail.get("build-status", "")), str(detail.get("current-phase", ""))
        timing = ""
    else:
        kind = "phase"
        status, phase = str(detail.get("completed-phase-status", "")), str(detail.get("completed-phase", ""))
        timing = _timing(detail.get("completed-phase-end"), detail.get("completed-phase-duration-seconds"))
    return BuildUpdate(
        kind=kind,
        build_id=build_id_of(str(detail.get("build-id", ""))),
        project=str(detail.get("project-name", "")),
        status=status,
        phase=phase,
        resource_id=env.get("TFSYNC_RESOURCE_ID") or None,
        job_key=env.get("TFSYNC_JOB_KEY") or None,
        log_group=logs.get("group-name") or None,
        log_stream=logs.get("stream-name") or None,
        deep_link=logs.get("deep-link") or None,
        timing=timing,
    )


def update_from_build(build: Mapping[str, Any]) -> BuildUpdate:
    """A BuildUpdate from a batch_get_builds build (the polling fallback)."""
    env = _env_vars((build.get("environment") or {}).get("environmentVariables"), "name", "value")
    logs = build.get("logs") or {}
    return BuildUpdate(
        kind="state",
        build_id=str(build.get("id", "")),
        project=str(build.get("projectName", "")),
        status=str(build.get("buildStatus", "")),
        phase=str(build.get("currentPhase", "")),
        resource_id=env.get("TFSYNC_RESOURCE_ID") or None,
        job_key=env.get("TFSYNC_JOB_KEY") or None,
        log_group=logs.get("groupName") or None,
        log_stream=logs.get("streamName") or None,
        deep_link=None,
    )


class CodeBuildRunner:
    """Starts the adopter build for a job and follows it to its result."""

    kind = "codebuild"

    def __init__(
        self,
        *,
        codebuild: Any,
        s3: Any,
        logs: Any,
        bucket: str,
        project: str,
        timeout_seconds: float = 3600,
        poll_seconds: float = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.codebuild = codebuild
        self.s3 = s3
        self.logs = logs
        self.bucket = bucket
        self.project = project
        self.timeout_seconds = timeout_seconds
        self.poll_seconds = poll_seconds
        self.clock = clock
        # The project's log group, as the adopter module names it; builds log to a stream named by their UUID.
        self.log_group = f"/aws/codebuild/{project}"
        self._waiters: dict[str, asyncio.Queue[BuildUpdate]] = {}
        # Events that came before their follower was listening (a build can report before start_build returns
        # here); kept for the few most recent builds so none is lost to that race.
        self._early: OrderedDict[str, list[BuildUpdate]] = OrderedDict()

    @contextmanager
    def layout(self, target: AccountTarget | None = None) -> Iterator[Path | None]:
        # The repository is cloned only inside the build; child modules are placed in modules/<name>.
        yield None

    @staticmethod
    def job_key(job: AdoptJob) -> str:
        return f"jobs/{job.job_id}/"

    def overrides(self, job: AdoptJob, target: AccountTarget | None = None) -> list[dict[str, str]]:
        """The build's environment overrides: the job's identifiers; the account the plan must import into and the
        role Terraform runs as (none in tfsync's own account, or where the route has the root module's provider reach
        the account); and the route's repository, branch and root folder where it sets them."""
        values = {
            "TFSYNC_JOB_KEY": self.job_key(job),
            "TFSYNC_RESOURCE_ID": job.resource_id,
            "TFSYNC_TARGET_MODULE": job.target_module,
            "TFSYNC_ADDRESS": job.address,
            "TFSYNC_IMPORT_ID": job.import_id,
            "TFSYNC_MODE": job.mode,
            "TFSYNC_TARGET_ACCOUNT_ID": target.account_id if target is not None else "",
            "TFSYNC_TARGET_ROLE_ARN": (target.terraform_role_arn or "") if target is not None else "",
        }
        overrides = [{"name": name, "value": values[name], "type": "PLAINTEXT"} for name in OVERRIDE_NAMES]
        route = target.route if target is not None else DEFAULT_ROUTE
        for key, name in ROUTE_OVERRIDES:
            value = getattr(route, key)
            if value:
                overrides.append({"name": name, "value": value, "type": "PLAINTEXT"})
        return overrides

    def _upload(self, job: AdoptJob, target: AccountTarget | None = None) -> None:
        key = self.job_key(job)
        if target is not None and target.terraform_role_arn is not None:
            document = {"account_id": target.account_id, "role_arn": target.role_arn,
                        "external_id": target.external_id.reveal()}
            self.s3.put_object(Bucket=self.bucket, Key=f"{key}{TARGET_FILE}", Body=json.dumps(document).encode(),
                               ContentType="application/json")
        for generated in job.files:
            self.s3.put_object(Bucket=self.bucket, Key=f"{key}files/{generated.path}",
                               Body=generated.content.encode("utf-8"), ContentType="text/plain; charset=utf-8")
        manifest = json.dumps(job.manifest(), indent=2, sort_keys=True).encode("utf-8")
        # Written last: a build never sees a manifest whose files are not all there.
        self.s3.put_object(Bucket=self.bucket, Key=f"{key}manifest.json", Body=manifest,
                           ContentType="application/json")

    def _start_sync(self, job: AdoptJob, target: AccountTarget | None) -> dict[str, Any]:
        self._upload(job, target)
        return self.codebuild.start_build(
            projectName=self.project,
            environmentVariablesOverride=self.overrides(job, target),
            idempotencyToken=job.job_id,
        )["build"]

    async def start(self, job: AdoptJob, target: AccountTarget | None = None) -> str:
        """Upload the job and start its build, in `target`'s account (tfsync's own without one); the build id."""
        build = await asyncio.to_thread(self._start_sync, job, target)
        return str(build["id"])

    async def handle_event(self, event: ServiceEvent) -> BuildUpdate | None:
        """Route a CodeBuild event to the job following it (if this process runs one); the update either way."""
        update = parse_build_event(event)
        if update is None or (update.project and update.project != self.project):
            return None
        waiter = self._waiters.get(update.build_id)
        if waiter is not None:
            waiter.put_nowait(update)
        else:
            self._early.setdefault(update.build_id, []).append(update)
            self._early.move_to_end(update.build_id)
            while len(self._early) > _EARLY_BUILDS:
                self._early.popitem(last=False)
        return update

    async def run(self, job: AdoptJob, reporter: JobReporter, *,
                  on_start: Callable[[str], Awaitable[None]] | None = None,
                  target: AccountTarget | None = None) -> JobResult:
        """Start the job's build, acting in `target`'s account, and follow it to its end. `on_start` is given the
        build id as soon as the build runs (the decision service stores it, so a restart can follow the build); its
        failure is logged only."""
        reporter = SafeReporter.wrap(reporter)
        try:
            build_id = await self.start(job, target)
        except (ClientError, BotoCoreError) as exc:
            result = JobResult(status="failed", error=f"the adopt build could not be started: {error_text(exc)}")
            await reporter.result(job, result)
            return result
        if on_start is not None:
            try:
                await on_start(build_id)
            except Exception:
                logger.exception("job %s: could not record its build %s", job.job_id, build_id)
        await reporter.phase(job, JobPhase("SUBMITTED", "SUCCEEDED", build_id))
        result = await self.follow(job, build_id, reporter)
        await reporter.result(job, result)
        return result

    async def follow(self, job: AdoptJob, build_id: str, reporter: JobReporter, *,
                     poll_first: bool = False) -> JobResult:
        """Wait for the build's end through events, polling when they go quiet; the job's result. `poll_first`
        asks CodeBuild at once (a build followed again after a restart may have ended while nobody listened)."""
        reporter = SafeReporter.wrap(reporter)
        queue: asyncio.Queue[BuildUpdate] = asyncio.Queue()
        self._waiters[build_id] = queue
        for early in self._early.pop(build_id, ()):
            queue.put_nowait(early)
        deadline = self.clock() + self.timeout_seconds
        poll_now = poll_first
        try:
            while True:
                remaining = deadline - self.clock()
                if remaining <= 0:
                    return await self._give_up(build_id)
                update = await self._next_update(queue, build_id, min(self.poll_seconds, remaining), poll=poll_now)
                poll_now = False
                if update is None:
                    continue
                if update.kind == "phase":
                    await reporter.phase(job, JobPhase(update.phase, update.status, update.timing))
                    continue
                if update.terminal:
                    return await self.outcome(update)
        finally:
            self._waiters.pop(build_id, None)

    async def _next_update(self, queue: asyncio.Queue[BuildUpdate], build_id: str, wait: float, *,
                           poll: bool) -> BuildUpdate | None:
        """The next event of the build, or what CodeBuild says of it when `poll` or when none came within `wait`."""
        if not poll:
            try:
                return await asyncio.wait_for(queue.get(), timeout=wait)
            except TimeoutError:
                pass
        return await self._poll(build_id)

    async def _poll(self, build_id: str) -> BuildUpdate | None:
        try:
            builds = await asyncio.to_thread(lambda: self.codebuild.batch_get_builds(ids=[build_id])["builds"])
        except (ClientError, BotoCoreError) as exc:
            logger.warning("batch_get_builds %s: %s", build_id, error_text(exc))
            return None
        return update_from_build(builds[0]) if builds else None

    async def _give_up(self, build_id: str) -> JobResult:
        try:
            await asyncio.to_thread(self.codebuild.stop_build, id=build_id)
        except (ClientError, BotoCoreError) as exc:
            logger.warning("stop_build %s: %s", build_id, error_text(exc))
        return JobResult(
            status="failed",
            error=f"no result from the adopt build within {self.timeout_seconds:.0f}s; it was stopped",
            log_location=self._location(build_id, None),
            build_status="TIMED_OUT",
        )

    def _location(self, build_id: str, update: BuildUpdate | None) -> str:
        if update is not None and update.log_location:
            return update.log_location
        return f"{self.log_group}:{build_id.rpartition(':')[2]}"

    async def outcome(self, update: BuildUpdate) -> JobResult:
        """The job's result for a finished build: the script's result line where the log has one."""
        group = update.log_group or self.log_group
        stream = update.log_stream or update.build_id.rpartition(":")[2]
        location = self._location(update.build_id, update)
        line = await asyncio.to_thread(self._result_line, group, stream)
        if line is not None:
            result = result_from_line(line, location)
            if update.status != "SUCCEEDED" and result.succeeded:
                # The script finished, then the build failed after it (e.g. in post-build): not adopted.
                result = JobResult(status="failed", commit=result.commit, pr_url=result.pr_url, plan=result.plan,
                                   error=_FAILURE_REASONS.get(update.status, update.status), log_location=location)
            return replace(result, build_status=update.status)
        if update.status == "SUCCEEDED":
            error = "the adopt build succeeded but its log has no result line"
        else:
            where = f" in phase {update.phase}" if update.phase and update.phase != "COMPLETED" else ""
            error = _FAILURE_REASONS.get(update.status, f"the adopt build ended {update.status}") + where
        return JobResult(status="failed", error=error, log_location=location, build_status=update.status)

    def _result_line(self, group: str, stream: str) -> dict[str, Any] | None:
        """The script's result object from the build's log stream (read newest first), or None."""
        token = None
        for _ in range(_LOG_PAGES):
            kwargs: dict[str, Any] = {"logGroupName": group, "logStreamName": stream, "startFromHead": False}
            if token:
                kwargs["nextToken"] = token
            try:
                page = self.logs.get_log_events(**kwargs)
            except (ClientError, BotoCoreError) as exc:
                logger.warning("reading build log %s:%s: %s", group, stream, error_text(exc))
                return None
            events = page.get("events", [])
            found = parse_result_line("\n".join(e.get("message", "") for e in events))
            if found is not None:
                return found
            if not events or page.get("nextBackwardToken") == token:
                return None
            token = page.get("nextBackwardToken")
        return None
