"""Adopting a resource: claim it in state, generate its code, run the job, and record how it ended.

The state machine decides who adopts: the move to `adopting` is one conditional write, so a second click, a
second replica or a second adopt of an adopted resource is refused there, before any job runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError

from bot.classify import Resource
from bot.codegen import CodeGenerator, CodegenError, parse_module_path
from bot.errors import TfsyncError
from bot.runners.base import Runner
from bot.runners.codebuild import BuildUpdate, CodeBuildRunner
from bot.runners.gitrepo import GitError
from bot.runners.job import AdoptJob, JobError, JobReporter, JobResult, imports_of
from bot.state import IllegalTransition, ResourceRecord, StateRepository, Status, TransitionConflict

logger = logging.getLogger(__name__)

ADOPTABLE = (Status.DETECTED.value, Status.ADOPT_FAILED.value)


class AdoptRefused(TfsyncError):
    """The resource's state does not allow an adopt now (adopted already, being adopted, deleted, ...)."""

    def __init__(self, resource_id: str, status: str, why: str) -> None:
        super().__init__(f"resource {resource_id} cannot be adopted: {why}")
        self.resource_id = resource_id
        self.status = status
        self.why = why


def resource_of(record: ResourceRecord) -> Resource:
    """The detection a record holds, in the shape the code generator takes."""
    return Resource(
        tf_type=record.tf_type,
        import_id=record.import_id,
        name=record.name,
        arn=record.arn,
        region=record.region,
        account_id=record.account_id,
        actor=record.actor,
        console_url=record.console_url,
        suggested_name=record.suggested_name,
        loses_data=record.loses_data,
        tags=dict(record.tags),
    )


@dataclass(frozen=True, slots=True)
class AdoptOutcome:
    record: ResourceRecord
    job: AdoptJob | None
    result: JobResult


class Adopter:
    """Runs adopts through one runner, with the state repository deciding every race."""

    def __init__(
        self,
        repository: StateRepository,
        runner: Runner,
        *,
        mode: str = "pr",
        client_factory: Callable[[str, str], Any] | None = None,
        default_region: str = "us-east-1",
    ) -> None:
        self.repository = repository
        self.runner = runner
        self.mode = mode
        self.generator = CodeGenerator(client_factory, default_region=default_region)
        self.describe = client_factory is not None

    async def claim(self, rid: str, actor: str, *, tf_name: str | None, target_module: str | None) -> ResourceRecord:
        """Move the record to adopting; AdoptRefused when its status or a concurrent change forbids it."""
        record = await self.repository.get(rid)
        if record is None:
            raise AdoptRefused(rid, "", "tfsync does not know this resource")
        if record.status not in ADOPTABLE:
            raise AdoptRefused(rid, record.status, _status_words(record.status))
        try:
            return await self.repository.transition(
                rid,
                Status.ADOPTING.value,
                expected_status=record.status,
                expected_version=record.version,
                actor=actor,
                reason="adopt requested" if record.status == Status.DETECTED.value else "adopt retried",
                changes={
                    "tf_name": tf_name, "target_module": target_module, "job_runner": self.runner.kind,
                    "job_result": None, "job_error": None,
                },
            )
        except TransitionConflict as exc:
            raise AdoptRefused(rid, exc.current_status or "", f"someone else changed it first ({exc})") from None
        except IllegalTransition as exc:
            raise AdoptRefused(rid, exc.from_status, _status_words(exc.from_status)) from None

    def build_job(self, record: ResourceRecord) -> AdoptJob:
        """Generate the code for a claimed record, placed by the runner's view of the repository."""
        modules = parse_module_path(record.target_module)
        resource = resource_of(record)
        with self.runner.layout() as root:
            generation = self.generator.generate(
                resource, None, name=record.tf_name, modules=modules, root=root, describe=self.describe
            )
        imports = imports_of(generation.files)
        if not imports or imports[0] != (generation.address, record.import_id):
            raise JobError(f"the generated import blocks do not import {generation.address}")
        return AdoptJob(
            job_id=f"{record.resource_id}-v{record.version}",
            resource_id=record.resource_id,
            tf_type=record.tf_type,
            import_id=record.import_id,
            address=generation.address,
            target_module=".".join(modules),
            mode=self.mode,
            files=generation.files,
            imports=imports,
        )

    async def adopt(
        self,
        rid: str,
        actor: str,
        reporter: JobReporter,
        *,
        tf_name: str | None = None,
        target_module: str | None = None,
    ) -> AdoptOutcome:
        """Claim, generate, run and record; AdoptRefused before anything runs when state says no."""
        record = await self.claim(rid, actor, tf_name=tf_name, target_module=target_module)
        job: AdoptJob | None = None
        try:
            job = await asyncio.to_thread(self.build_job, record)
        except (CodegenError, JobError, GitError, BotoCoreError, ValueError) as exc:
            result = JobResult(status="failed", error=f"the Terraform code could not be generated: {exc}")
            return AdoptOutcome(await self.finish(record, actor, result), None, result)
        record = await self.repository.annotate(rid, job_id=job.job_id, tf_file=job.files[0].path)
        try:
            result = await self.runner.run(job, reporter)
        except Exception as exc:
            # The record must not stay `adopting` forever because a runner broke; the failure is retryable.
            logger.exception("adopt job %s: the %s runner failed", job.job_id, self.runner.kind)
            result = JobResult(status="failed", error=f"the {self.runner.kind} runner failed: {exc}")
        return AdoptOutcome(await self.finish(record, actor, result), job, result)

    async def finish(self, record: ResourceRecord, actor: str, result: JobResult) -> ResourceRecord:
        """Record a job's end: adopting -> adopted or adopt_failed, with the commit or PR and the reason."""
        to_status = Status.ADOPTED.value if result.succeeded else Status.ADOPT_FAILED.value
        reason = (
            f"adopted: {result.link}" if result.succeeded and result.link
            else f"adopt failed: {result.error}" if not result.succeeded
            else "adopted"
        )
        return await self.repository.transition(
            record.resource_id,
            to_status,
            expected_status=Status.ADOPTING.value,
            expected_version=record.version,
            actor=actor,
            reason=reason[:500],
            changes={
                "job_result": "succeeded" if result.succeeded else (result.build_status or "failed"),
                "job_link": result.link,
                "job_error": result.error,
            },
        )

    async def finish_from_build(self, update: BuildUpdate) -> ResourceRecord | None:
        """Finish a record from a build's final event when no process follows that build any more (a restart)."""
        if not update.terminal or not update.resource_id or not isinstance(self.runner, CodeBuildRunner):
            return None
        record = await self.repository.get(update.resource_id)
        if record is None or record.status != Status.ADOPTING.value or update.job_key != f"jobs/{record.job_id}/":
            return None
        result = await self.runner.outcome(update)
        try:
            return await self.finish(record, "codebuild", result)
        except TransitionConflict:
            return None  # the follower got there first


def _status_words(status: str) -> str:
    return {
        Status.ADOPTING.value: "it is being adopted right now",
        Status.ADOPTED.value: "it is adopted already",
        Status.DELETING.value: "it is being deleted",
        Status.DELETED.value: "it was deleted",
        Status.DELETE_FAILED.value: "a delete of it failed; retry or resolve the delete first",
        Status.IGNORED.value: "it is ignored",
        Status.GONE.value: "it no longer exists in AWS",
    }.get(status, f"its status is {status}")
