"""The one decision path: adopt, delete and ignore a resource — claim, run, finish — whatever surface asked.

A claim is one conditional write (detected -> adopting, say), so a second click, a second replica or a second
adopt of an adopted resource is refused there, before any work runs. The work then runs in the background and
ends the record in its final status. Every surface (Slack buttons, modals, `/tfsync`, tests) calls this service;
it knows no surface: it tells a `DecisionObserver` what changed and a runner's `JobReporter` how a job goes, and
neither can change how a job ends (their failures are logged).

The work lives in one process, so the claim also writes a lease: who works on it and until when. The worker renews
it while the work runs; when a worker dies (a restart, a redeploy, kill -9), `sweep` finds the lease run out and
follows the adoption's CodeBuild build to its end where one was started, or else ends the work as failed, so
Retry is offered and no record stays adopting or deleting.

Every AWS action on a resource runs in the resource's own account (bot/accounts.py): its describe calls, its
delete and its adoption's Terraform. An adopt or a delete in an account tfsync has no role in is refused before
the claim (NoAccountAccess), so the record stays detected and nothing changes anywhere; ignoring needs no AWS.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from bot import metrics
from bot.accounts import AccountClientFactory, Accounts, AccountTarget
from bot.catalog import CATALOG
from bot.catalog.template_input import Clients
from bot.classify import Resource
from bot.codegen import (
    CodeGenerator,
    CodegenError,
    GeneratedFile,
    ResourceGone,
    Target,
    existing_addresses,
    label_for,
    parse_module_path,
    requested_label,
    resolve_target,
)
from bot.deletion import AlreadyGone, DeleteFailed, DeleteOutcome, DeleteRefused, execute, request_of
from bot.errors import NoSuchRule, NotAllowed, UnknownImportId, UnknownResource, UserFacingError, new_error_id
from bot.events import ServiceEvent
from bot.managed import StateReader
from bot.rules import IgnoreScope
from bot.runners.base import Runner
from bot.runners.codebuild import BuildUpdate, CodeBuildRunner
from bot.runners.job import (
    AdoptJob,
    JobError,
    JobPhase,
    JobReporter,
    JobResult,
    LoggingReporter,
    SafeReporter,
    imports_of,
)
from bot.runners.local import LocalRunner
from bot.state import IgnoreRuleRecord, ResourceRecord, StateRepository, Status, TransitionConflict
from bot.state.errors import StateError
from bot.state.records import RESOURCE_ID_PREFIX, exact_name_pattern

logger = logging.getLogger(__name__)

ADOPT_FROM = (Status.DETECTED.value, Status.ADOPT_FAILED.value)
DELETE_FROM = (Status.DETECTED.value, Status.DELETE_FAILED.value)
# The statuses of work running in some worker, under a lease.
WORKING = (Status.ADOPTING.value, Status.DELETING.value)
DEFAULT_LEASE_SECONDS = 120.0
# The one ignore a person who is not a tfsync admin may make: this resource, for at most this long. Longer, wider
# (a type, a creator, a name pattern) or forever hides resources other people make or own: admins only.
MAX_OWN_IGNORE = timedelta(days=90)
# What a record says when its worker stopped mid-job (the lease ran out) and nothing tells how the job ended.
ADOPT_ABANDONED = ("the worker running this adoption stopped before it finished (its lease expired), so how far it "
                   "got is not known. Retry runs the adoption again, on the same branch.")
DELETE_ABANDONED = ("the worker running this delete stopped before it finished (its lease expired): the resource may "
                    "or may not have been deleted. Retry checks AWS first and deletes it only if it still exists.")
# The job result of work whose worker stopped: how far it got is not known.
ABANDONED = "abandoned"
# A finished job holds no lease.
_RELEASE: dict[str, Any] = {"lease_owner": None, "lease_until": None}
MAX_JOB_ERROR = 2000
# The most resources one bulk adoption (one plan, one pull request) or one bulk ignore takes.
MAX_BULK = 100
# A bulk adoption's batch id: its job id, the job's "resource" and its branch (tfsync/adopt-b-...).
BULK_PREFIX = "b-"
# How long a form may wait for the repository's view of a module before it is answered without it.
REPOSITORY_CHECK_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class AdoptChoice:
    """What the person chose for an adoption: the Terraform name (None: the suggested one) and the module (None: the
    root). The files are the code generator's: the job records the first in the record's `tf_file`."""

    tf_name: str | None
    target_module: str | None = None


@dataclass(frozen=True, slots=True)
class IgnoreChoice:
    """What the person chose for an ignore: the scope, how long (None: forever) and, for names, the pattern."""

    scope: IgnoreScope
    duration: timedelta | None = None
    pattern: str | None = None


@dataclass(frozen=True, slots=True)
class BulkAdoption:
    """A bulk adoption as claimed: its batch id (the job's id and branch), the records claimed, and those refused
    with the reason."""

    batch_id: str
    claimed: tuple[ResourceRecord, ...]
    refused: tuple[tuple[ResourceRecord, str], ...]


@dataclass(frozen=True, slots=True)
class BulkIgnore:
    ignored: tuple[ResourceRecord, ...]
    refused: tuple[tuple[ResourceRecord, str], ...]


@dataclass(frozen=True, slots=True)
class AdoptOutcome:
    """How one adoption ended: the record after it, the job that ran (None if no code could be made) and its result."""

    record: ResourceRecord
    job: AdoptJob | None
    result: JobResult


class DecisionObserver(Protocol):
    """Told of every status a decision moves a record to; the Slack notifier keeps the thread current with it."""

    async def status_changed(self, record: ResourceRecord, *, reply: bool = True,
                             error_id: str | None = None) -> None: ...


class Remover(Protocol):
    """Deletes the resource of a record in `deleting` (AlreadyGone, DeleteRefused or DeleteFailed when it cannot)."""

    def remove(self, record: ResourceRecord, *, confirmed_data_loss: bool) -> DeleteOutcome: ...


class SafeRemover:
    """The production Remover: re-read every Terraform state (refuse if one holds it), then the type's executor,
    with clients in the record's own account. The states are read with tfsync's own credentials (they live in the
    platform team's bucket, whatever account the resource is in)."""

    def __init__(self, reader: StateReader, client_factory: AccountClientFactory) -> None:
        self.reader = reader
        self.client_factory = client_factory

    def remove(self, record: ResourceRecord, *, confirmed_data_loss: bool) -> DeleteOutcome:
        request = request_of(record, confirm_empty=confirmed_data_loss)
        clients = Clients(functools.partial(self.client_factory, record.account_id), record.region)
        return execute(clients, self.reader, request)


class LoggingObserver:
    """An observer for surfaces that show nothing (the CLI, tests): one log line per status."""

    async def status_changed(self, record: ResourceRecord, *, reply: bool = True, error_id: str | None = None) -> None:
        logger.info("resource %s is %s (v%d)%s", record.resource_id, record.status, record.version,
                    f" (error id {error_id})" if error_id else "")


def resource_of(record: ResourceRecord) -> Resource:
    """The detection a record holds, in the shape the code generator takes."""
    return Resource(
        tf_type=record.tf_type, import_id=record.import_id, name=record.name, arn=record.arn, region=record.region,
        account_id=record.account_id, actor=record.actor, console_url=record.console_url,
        suggested_name=record.suggested_name, loses_data=record.loses_data, tags=dict(record.tags),
    )


class DecisionService:
    """Adopt, delete and ignore through the state machine; the one path every surface uses."""

    def __init__(
        self,
        repo: StateRepository,
        runner: Runner,
        remover: Remover,
        *,
        reporter: JobReporter | None = None,
        observer: DecisionObserver | None = None,
        mode: str = "pr",
        accounts: Accounts | None = None,
        default_region: str = "us-east-1",
        owner: str | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self.repo = repo
        self.runner = runner
        self.remover = remover
        # Reports never raise here: a job's end does not depend on whether its progress could be shown.
        self.reporter: JobReporter = SafeReporter.wrap(reporter or LoggingReporter())
        self.observer: DecisionObserver = observer or LoggingObserver()
        # Who holds the leases of the work this process runs: unique per process, so a restart is someone else.
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease_seconds = lease_seconds
        self.mode = mode
        # Where each resource's AWS calls go (None: no AWS here, code from the event alone, no account checks).
        self.accounts = accounts
        self.generator = CodeGenerator(default_region=default_region)
        self.describe = accounts is not None
        self._tasks: set[asyncio.Task[None]] = set()

    # Finding resources --------------------------------------------------------------------------------------------

    async def find(self, query: str) -> ResourceRecord:
        """A resource by its tfsync id, import ID, ARN or name; UnknownResource when none matches.

        An id, import ID or ARN names one resource; a name may be shared (a queue and a topic both called `jobs`),
        so it answers only when exactly one open resource, or else exactly one resource, carries it.
        """
        query = query.strip().strip("`").strip()
        if query.startswith(RESOURCE_ID_PREFIX):
            record = await self.repo.get(query)
            if record is not None:
                return record
        if not query:
            raise UnknownResource(query)
        records = await self.all_records()
        for record in records:
            if query in (record.import_id, record.arn):
                return record
        named = [r for r in records if r.name == query]
        open_named = [r for r in named if r.is_open]
        for candidates in (open_named, named):
            if len(candidates) == 1:
                return candidates[0]
        if named:
            ids = ", ".join(sorted(r.resource_id for r in named)[:5])
            raise UnknownResource(query, f"Several resources are named {query!r}: {ids}. Give the id.")
        raise UnknownResource(query)

    async def all_records(self) -> list[ResourceRecord]:
        found: list[ResourceRecord] = []
        for status in Status:
            found.extend(await self.repo.by_status(status.value))
        return found

    # Adopt --------------------------------------------------------------------------------------------------------

    async def adopt(self, record_id: str, version: int | None, actor: str, choice: AdoptChoice) -> ResourceRecord:
        """detected (or adopt_failed) -> adopting, in one conditional write; the job then runs in the background."""
        record = await self._current(record_id, version)
        adopting = await self.claim_adopt(record, actor, choice)
        await self._started(adopting, self.run_adopt(adopting, actor))
        return adopting

    async def retry_adopt(self, record: ResourceRecord, actor: str) -> ResourceRecord:
        """Adopt again with the choices of the failed attempt."""
        choice = AdoptChoice(record.tf_name or record.suggested_name, record.target_module)
        adopting = await self.claim_adopt(record, actor, choice)
        await self._started(adopting, self.run_adopt(adopting, actor))
        return adopting

    async def claim_adopt(self, record: ResourceRecord, actor: str, choice: AdoptChoice, *,
                          batch_id: str | None = None) -> ResourceRecord:
        """detected (or adopt_failed) -> adopting; NoAccountAccess first, with nothing claimed, when tfsync has no
        way into the record's account. A bulk adoption's records carry its batch id as their job id from the claim."""
        retry = record.status == Status.ADOPT_FAILED.value
        await self._reachable(record)
        reason = f"bulk adoption {batch_id} requested" if batch_id else "adopt retried" if retry else "adopt requested"
        adopting = await self.repo.transition(
            record.resource_id, Status.ADOPTING.value, expected_status=require_status(record, ADOPT_FROM, "adopting"),
            expected_version=record.version, actor=actor, reason=reason,
            changes={"tf_name": choice.tf_name, "target_module": choice.target_module, "tf_file": None,
                     "job_runner": self.runner.kind, "job_id": batch_id, "job_build_id": None, "job_result": None,
                     "job_error": None, **self._lease()},
        )
        _counted("adopt", "started")
        return adopting

    async def address_in_use(self, record: ResourceRecord, choice: AdoptChoice, *,
                             repository_seconds: float = REPOSITORY_CHECK_SECONDS) -> str | None:
        """Why the address a choice gives a record is taken — by an adoption in flight, or by the repository — or
        None. The repository is read through the runner's layout for at most `repository_seconds` (a form must be
        answered within Slack's 3 seconds); the job avoids a taken label anyway, and says so."""
        try:
            modules = parse_module_path(choice.target_module)
        except CodegenError:
            return None  # the job says what is wrong with the module
        label = requested_label(resource_of(record), choice.tf_name)
        address = Target(modules=modules).address(record.tf_type, label)
        other = (await self.in_flight(record, modules)).get(address)
        if other is not None:
            return f"{address} is already used by the adoption of {describe_record(other)}, in progress."
        try:
            declared = await asyncio.wait_for(asyncio.to_thread(self.declared, modules, record.account_id),
                                              repository_seconds)
        except Exception as exc:  # a slow or broken checkout only loses the early answer
            logger.info("the repository could not be read for %s within %ss: %r", address, repository_seconds, exc)
            return None
        if declared is not None and label_for(record.tf_type, label, declared[1]) != label:
            return f"{address} is already used by a resource in the repository (in {declared[0]})."
        return None

    async def in_flight(self, record: ResourceRecord, modules: tuple[str, ...]) -> dict[str, ResourceRecord]:
        """The other records now adopting into the same module, by the address each claims; for a record that is
        adopting itself, only those that claimed before it (so two claims at once agree on who yields)."""
        target = Target(modules=modules)
        found: dict[str, ResourceRecord] = {}
        for other in await self.repo.by_status(Status.ADOPTING.value):
            if (other.resource_id == record.resource_id or not _claimed_first(other, record)
                    or not self._same_repository(record, other)):
                continue
            try:
                same_module = parse_module_path(other.target_module) == modules
            except CodegenError:
                continue
            if same_module:
                found.setdefault(target.address(other.tf_type, requested_label(resource_of(other), other.tf_name)),
                                 other)
        return found

    def declared(self, modules: tuple[str, ...], account_id: str = "") -> tuple[str, set[str]] | None:
        """The folder of a module in the runner's view of the repository the account's adoptions go to and the
        `type.name` it declares; None when the runner has no view of it before the job runs."""
        with self.runner.layout(self._target(account_id)) as root:
            if root is None:
                return None
            target = resolve_target(modules, root)
            return target.folder, existing_addresses(Path(root) / target.folder)

    async def run_adopt(self, record: ResourceRecord, actor: str) -> AdoptOutcome:
        """Generate the code of a record in `adopting`, run the job, and record adopted or adopt_failed.

        The code avoids the addresses of adoptions in flight into the same module; the record then holds the label
        and the file the job uses, and a label other than the one asked for is reported on the job's progress.
        """
        job: AdoptJob | None = None
        asked = record.tf_name
        in_flight: dict[str, ResourceRecord] = {}
        try:
            in_flight = await self.in_flight(record, parse_module_path(record.target_module))
            job = await asyncio.to_thread(self.build_job, record, tuple(in_flight))
        except ResourceGone as exc:
            logger.info("%s no longer exists: %s", record.resource_id, exc)
            result = JobResult(status="failed", error=str(exc))
            return AdoptOutcome(await self.finish_adopt(record, actor, result), None, result)
        except Exception as exc:
            logger.info("code generation for %s failed: %s", record.resource_id, exc)
            result = JobResult(status="failed", error=f"the Terraform code could not be generated: {exc}")
            return AdoptOutcome(await self.finish_adopt(record, actor, result), None, result)
        label = job.address.rpartition(".")[2]
        record = await self.repo.annotate(record.resource_id, job_id=job.job_id, tf_file=job.files[0].path,
                                          tf_name=label)
        await self._renamed(record, job, asked, in_flight)
        # A runner that breaks (rather than report a failed job) raises: the background work then ends the claim as
        # adopt_failed with an error id, so the record never stays `adopting`.
        result = await self._run_job(record, job)
        return AdoptOutcome(await self.finish_adopt(record, actor, result), job, result)

    async def _run_job(self, record: ResourceRecord, job: AdoptJob, records: Sequence[str] = ()) -> JobResult:
        """Run a job in the record's account; a CodeBuild build's id goes on the record (on each of `records`, for a
        bulk adoption) as it starts, so a restart can follow the build. The runners that reach AWS are told the
        account (its role, or tfsync's own)."""
        target = self._target(record.account_id)
        if isinstance(self.runner, LocalRunner):
            return await self.runner.run(job, self.reporter, target=target)
        if not isinstance(self.runner, CodeBuildRunner):
            return await self.runner.run(job, self.reporter)

        async def started(build_id: str) -> None:
            for rid in records or (record.resource_id,):
                await self.repo.annotate(rid, job_build_id=build_id)

        return await self.runner.run(job, self.reporter, on_start=started, target=target)

    def _target(self, account_id: str) -> AccountTarget | None:
        """Where an adoption in the account acts and goes (None: no account access here, the runner's defaults)."""
        return self.accounts.target(account_id) if self.accounts is not None and account_id else None

    def _same_repository(self, record: ResourceRecord, other: ResourceRecord) -> bool:
        """Whether two records' adoptions go to the same repository and root folder (so their addresses clash)."""
        if self.accounts is None or record.account_id == other.account_id:
            return True
        mine, theirs = self.accounts.route(record.account_id), self.accounts.route(other.account_id)
        return (mine.repository, mine.base_branch, mine.root_dir) == (theirs.repository, theirs.base_branch,
                                                                      theirs.root_dir)

    def build_job(self, record: ResourceRecord, taken: Iterable[str] = ()) -> AdoptJob:
        """Generate the code for a claimed record, placed by the runner's view of the repository and clear of the
        addresses in `taken` (those of adoptions in flight). A resource deleted since its detection fails here
        (ResourceGone) rather than be written from its creation event."""
        modules = parse_module_path(record.target_module)
        generator = self.generator
        if self.accounts is not None:
            # The resource is read in its own account: the same name may mean another resource in tfsync's.
            generator = generator.with_clients(self.accounts.factory(record.account_id))
        with self.runner.layout(self._target(record.account_id)) as root:
            generation = generator.generate(
                resource_of(record), None, name=record.tf_name, modules=modules, root=root, describe=self.describe,
                taken=tuple(taken), must_exist=True,
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
            argument_only=argument_only_updates(imports),
        )

    async def _renamed(self, record: ResourceRecord, job: AdoptJob, asked: str | None,
                       in_flight: dict[str, ResourceRecord]) -> None:
        """Report on the job's progress that its label is not the one asked for, and what holds that one."""
        wanted = Target(modules=parse_module_path(record.target_module)).address(
            record.tf_type, requested_label(resource_of(record), asked)
        )
        if wanted == job.address:
            return
        other = in_flight.get(wanted)
        holder = f"the adoption of {describe_record(other)}, in progress" if other else "a resource in the repository"
        detail = f"{wanted} is already used by {holder}; adopting as {job.address} instead"
        await self.reporter.phase(job, JobPhase("Terraform name taken", "changed", detail))

    async def finish_adopt(self, record: ResourceRecord, actor: str, result: JobResult) -> ResourceRecord:
        """Record a job's end: adopting -> adopted or adopt_failed, with the commit or PR and the reason."""
        to_status = Status.ADOPTED.value if result.succeeded else Status.ADOPT_FAILED.value
        reason = (
            f"adopted: {result.link}" if result.succeeded and result.link
            else f"adopt failed: {result.error}" if not result.succeeded
            else "adopted"
        )
        finished = await self.repo.transition(
            record.resource_id, to_status, expected_status=Status.ADOPTING.value, expected_version=record.version,
            actor=actor, reason=reason[:500],
            changes={
                # "unverified": committed, but no plan proved it (no provider where the job ran).
                "job_result": (("succeeded" if result.verified else "unverified") if result.succeeded
                               else (result.build_status or "failed")),
                "job_link": result.link,
                "job_error": failure_text(result),
                **_RELEASE,
            },
        )
        # Counted once the end is recorded: of a local job, a build followed here, or a build's final event.
        _counted("adopt", "succeeded" if result.succeeded else "failed")
        if result.gate_refused:
            metrics.count(metrics.ADOPT_GATE_FAILURES)
        return finished

    async def handle_service_event(self, event: ServiceEvent) -> None:
        """A CodeBuild event from the queue: to the build's follower here, or finishing its record from it."""
        if not isinstance(self.runner, CodeBuildRunner):
            return
        update = await self.runner.handle_event(event)
        if update is not None and update.terminal:
            if (update.resource_id or "").startswith(BULK_PREFIX):
                for record in await self.finish_batch_from_build(update):
                    await self._tell(record)
                return
            finished = await self.finish_from_build(update)
            if finished is not None:
                await self._tell(finished)

    async def finish_batch_from_build(self, update: BuildUpdate) -> list[ResourceRecord]:
        """Finish every record of a bulk adoption from its build's final event when no process follows the build."""
        if not update.terminal or not isinstance(self.runner, CodeBuildRunner):
            return []
        batch = [r for r in await self.repo.by_status(Status.ADOPTING.value)
                 if r.job_id == update.resource_id and update.job_key == f"jobs/{r.job_id}/"]
        if not batch:
            return []
        result = await self.runner.outcome(update)
        finished = []
        for record in batch:
            try:
                finished.append(await self.finish_adopt(record, "codebuild", result))
            except TransitionConflict:
                continue  # its follower got there first
        return finished

    async def finish_from_build(self, update: BuildUpdate) -> ResourceRecord | None:
        """Finish a record from a build's final event when no process follows that build any more (a restart)."""
        if not update.terminal or not update.resource_id or not isinstance(self.runner, CodeBuildRunner):
            return None
        record = await self.repo.get(update.resource_id)
        if record is None or record.status != Status.ADOPTING.value or update.job_key != f"jobs/{record.job_id}/":
            return None
        result = await self.runner.outcome(update)
        try:
            return await self.finish_adopt(record, "codebuild", result)
        except TransitionConflict:
            return None  # the follower got there first

    # Bulk ---------------------------------------------------------------------------------------------------------

    async def adopt_many(self, records: Sequence[ResourceRecord], actor: str,
                         target_module: str | None) -> BulkAdoption:
        """Claim many records for one adoption into one module: one job, so one pull request (or commit) with an
        import block each, one plan and one gate; each record then ends adopted or adopt_failed with that job's
        result. The records must be of one account (the job runs in it); a record that cannot be claimed (decided
        meanwhile, no import ID, no access) is refused with the reason and the others go on."""
        records = list({r.resource_id: r for r in records}.values())
        if not records:
            raise NotAllowed("Nothing to adopt: no open resource matches.")
        if len(records) > MAX_BULK:
            raise NotAllowed(f"{len(records)} resources match; one bulk adoption takes at most {MAX_BULK}, so that "
                             "its plan and its pull request stay readable. Narrow the selection.")
        accounts = sorted({r.account_id for r in records})
        if len(accounts) > 1:
            raise NotAllowed(f"The resources are in {len(accounts)} accounts ({', '.join(accounts[:5])}): a bulk "
                             "adoption runs in one account. Add account=... to the selection.")
        try:
            parse_module_path(target_module)
        except CodegenError as exc:
            raise NotAllowed(str(exc)) from None
        batch_id = BULK_PREFIX + secrets.token_hex(5)
        claimed: list[ResourceRecord] = []
        refused: list[tuple[ResourceRecord, str]] = []
        for record in records:
            try:
                claimed.append(await self.claim_adopt(record, actor, AdoptChoice(None, target_module),
                                                      batch_id=batch_id))
            except (UserFacingError, StateError) as exc:
                refused.append((record, str(exc)))
        if claimed:
            self._spawn(self._finish_many(claimed, self.run_adopt_many(batch_id, claimed, actor)))
            for record in claimed:
                await self._tell(record)
        return BulkAdoption(batch_id, tuple(claimed), tuple(refused))

    async def run_adopt_many(self, batch_id: str, records: Sequence[ResourceRecord], actor: str) -> JobResult | None:
        """Generate each claimed record's code clear of the others' addresses, run them as one job, finish each.
        A record whose code cannot be made (deleted since, say) fails alone; the job adopts the rest."""
        modules = parse_module_path(records[0].target_module)
        in_flight = await self.in_flight(records[0], modules)
        taken = [address for address, other in in_flight.items() if other.job_id != batch_id]
        built: list[tuple[ResourceRecord, AdoptJob]] = []
        for record in records:
            try:
                job = await asyncio.to_thread(self.build_job, record, tuple(taken))
            except Exception as exc:
                logger.info("code generation for %s in %s failed: %s", record.resource_id, batch_id, exc)
                error = (str(exc) if isinstance(exc, ResourceGone)
                         else f"the Terraform code could not be generated: {exc}")
                await self.finish_adopt(record, actor, JobResult(status="failed", error=error))
                continue
            taken.append(job.address)
            built.append((record, job))
        if not built:
            return None
        for index, (record, job) in enumerate(built):
            built[index] = (await self.repo.annotate(record.resource_id, tf_file=job.files[0].path,
                                                     tf_name=job.address.rpartition(".")[2]), job)
        job = bulk_job(batch_id, [j for _, j in built], self.mode, [r.resource_id for r, _ in built])
        result = await self._run_job(built[0][0], job, [r.resource_id for r, _ in built])
        for record, _ in built:
            try:
                await self.finish_adopt(record, actor, result)
            except TransitionConflict:
                logger.info("%s of %s was finished elsewhere first", record.resource_id, batch_id)
        return result

    async def _finish_many(self, claimed: Sequence[ResourceRecord], work: Coroutine[Any, Any, Any]) -> None:
        """Run a bulk adoption under the leases of all its records; whatever breaks ends every claim as failed."""
        async with contextlib.AsyncExitStack() as leases:
            for record in claimed:
                await leases.enter_async_context(self._leased(record))
            try:
                await work
            except Exception as exc:
                for record in claimed:
                    await self._failed(record, exc)
                return
        for record in claimed:
            fresh = await self.repo.get(record.resource_id)
            if fresh is not None and fresh.version != record.version:
                await self._tell(fresh)

    async def ignore_many(self, records: Sequence[ResourceRecord], actor: str, choice: IgnoreChoice, *,
                          admin: bool = False) -> BulkIgnore:
        """Ignore each record on its own (its own rule, of the choice's scope), refusing those that cannot be."""
        ignored: list[ResourceRecord] = []
        refused: list[tuple[ResourceRecord, str]] = []
        if len(records) > MAX_BULK:
            raise NotAllowed(f"{len(records)} resources match; one bulk ignore takes at most {MAX_BULK}. Narrow the "
                             "selection, or ask an admin for an ignore rule of a wider scope.")
        for record in {r.resource_id: r for r in records}.values():
            try:
                ignored.append(await self.ignore(record.resource_id, record.version, actor, choice, admin=admin))
            except (UserFacingError, StateError) as exc:
                refused.append((record, str(exc)))
        return BulkIgnore(tuple(ignored), tuple(refused))

    # Delete -------------------------------------------------------------------------------------------------------

    async def delete(self, record_id: str, version: int | None, actor: str, *, confirmed: bool) -> ResourceRecord:
        """detected (or delete_failed) -> deleting; the delete then runs in the background."""
        record = await self._current(record_id, version)
        deleting = await self.claim_delete(record, actor)
        await self._started(deleting, self.run_delete(deleting, actor, confirmed=confirmed))
        return deleting

    async def claim_delete(self, record: ResourceRecord, actor: str) -> ResourceRecord:
        """detected (or delete_failed) -> deleting; NoAccountAccess first, with nothing claimed, when tfsync has
        no way into the record's account."""
        retry = record.status == Status.DELETE_FAILED.value
        await self._reachable(record)
        deleting = await self.repo.transition(
            record.resource_id, Status.DELETING.value, expected_status=require_status(record, DELETE_FROM, "deleting"),
            expected_version=record.version, actor=actor, reason="delete retried" if retry else "delete requested",
            changes={"job_runner": "delete", "job_build_id": None, "job_result": None, "job_error": None,
                     **self._lease()},
        )
        _counted("delete", "started")
        return deleting

    async def run_delete(self, record: ResourceRecord, actor: str, *, confirmed: bool) -> ResourceRecord:
        """Delete the resource of a record in `deleting` safely; record deleted or delete_failed."""
        error: str | None = None
        try:
            outcome = await asyncio.to_thread(self.remover.remove, record, confirmed_data_loss=confirmed)
            reason = outcome.message
        except AlreadyGone:
            reason = "it no longer existed in AWS"
        except (DeleteRefused, DeleteFailed) as exc:
            reason = error = str(exc)
        finished = await self.repo.transition(
            record.resource_id, Status.DELETE_FAILED.value if error else Status.DELETED.value,
            expected_status=Status.DELETING.value, expected_version=record.version, actor=actor, reason=reason[:500],
            changes={"job_runner": "delete", "job_result": "failed" if error else "deleted", "job_error": error,
                     **_RELEASE},
        )
        _counted("delete", "failed" if error else "succeeded")
        return finished

    # Ignore -------------------------------------------------------------------------------------------------------

    async def ignore(self, record_id: str, version: int | None, actor: str, choice: IgnoreChoice, *,
                     admin: bool = False) -> ResourceRecord:
        """detected -> ignored and the rule that keeps it so, in one transaction: both, or (a lost race) neither.

        Anyone may ignore the one resource for up to MAX_OWN_IGNORE; a wider scope (a type, a creator, a name
        pattern), a longer time or forever hides what other people make, so only admins may (NotAllowed otherwise).
        """
        refusal = None if admin else ignore_refusal(choice)
        if refusal is not None:
            raise NotAllowed(refusal)
        record = await self._current(record_id, version)
        now = self.repo.clock()
        until = now + choice.duration if choice.duration is not None else None
        rule = rule_for(record, choice, actor, now, until)
        _counted("ignore", "started")
        try:
            ignored = await self.repo.ignore_with_rule(
                record.resource_id, rule, expected_status=require_status(record, (Status.DETECTED.value,), "ignored"),
                expected_version=record.version, actor=actor, reason=f"ignored by rule {rule.rule_id}",
                changes={"ignore_scope": choice.scope.value, "ignore_until": until, "ignore_rule_id": rule.rule_id},
            )
        except Exception:
            _counted("ignore", "failed")
            raise
        _counted("ignore", "succeeded")
        await self._tell(ignored)
        return ignored

    async def unignore(self, rule_id: str, actor: str, *, admin: bool = False) -> list[ResourceRecord]:
        """Remove a rule; the resources it kept ignored are waiting for a decision again. Only admins may remove a
        rule someone else made (NotAllowed otherwise)."""
        rule = await self.repo.rule(rule_id)
        missing = NoSuchRule(f"There is no ignore rule {rule_id!r}. `/tfsync rules` lists them.")
        if rule is None:
            raise missing
        if not admin and rule.created_by != actor:
            raise NotAllowed(f"Ignore rule {rule_id} was made by someone else: only they or a tfsync admin can "
                             "remove it.")
        if not await self.repo.delete_rule(rule_id):
            raise missing
        back = []
        for record in await self.repo.by_status(Status.IGNORED.value):
            if record.ignore_rule_id != rule_id:
                continue
            try:
                detected = await self.repo.transition(
                    record.resource_id, Status.DETECTED.value, expected_status=record.status,
                    expected_version=record.version, actor=actor, reason=f"rule {rule_id} removed",
                    changes={"ignore_scope": None, "ignore_until": None, "ignore_rule_id": None},
                )
            except TransitionConflict:
                continue
            await self._tell(detected, reply=False)
            back.append(detected)
        return back

    # Accounts -----------------------------------------------------------------------------------------------------

    async def _reachable(self, record: ResourceRecord) -> None:
        """NoAccountAccess when tfsync could not act in the record's account (from configuration, no role assumed;
        on a thread, as learning tfsync's own account asks STS once); UnknownImportId when the record lacked the
        resource's import ID and the lookup failed (bot/resolution.py)."""
        if not record.import_id:
            raise UnknownImportId(describe_record(record), record.unresolved or "the creation record did not carry it")
        if self.accounts is not None:
            await asyncio.to_thread(self.accounts.require, record.account_id)

    # Leases and the sweeper ---------------------------------------------------------------------------------------

    def _lease(self) -> dict[str, Any]:
        """The lease fields of work this process starts (or takes over) now."""
        return {"lease_owner": self.owner, "lease_until": self._lease_end()}

    def _lease_end(self) -> datetime:
        return self.repo.clock() + timedelta(seconds=self.lease_seconds)

    @contextlib.asynccontextmanager
    async def _leased(self, claimed: ResourceRecord) -> AsyncIterator[None]:
        """Renew the lease on a claimed record's work every third of a lease while the block runs."""
        renewer = asyncio.create_task(self._renew(claimed))
        try:
            yield
        finally:
            renewer.cancel()

    async def _renew(self, claimed: ResourceRecord) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                held = await self.repo.renew_lease(claimed.resource_id, claimed.status, self.owner, self._lease_end())
            except Exception:
                logger.warning("could not renew the lease on %s; trying again", claimed.resource_id, exc_info=True)
                continue
            if not held:
                # The sweeper ended or took over the work (the lease ran out first); the work's own end is written
                # only if the record has not moved since its claim.
                logger.warning("the lease on %s (%s) is lost to another worker", claimed.resource_id, claimed.status)
                return

    async def sweep(self) -> list[ResourceRecord]:
        """One pass of the sweeper over the work whose lease ran out (its worker died, or it was claimed before
        leases existed): an adoption whose CodeBuild build started is taken over and its build followed to its
        end here; anything else ends as adopt_failed or delete_failed, so Retry is offered. Every change is a
        conditional write on the expired lease, so a live worker or another sweeper always wins over this one.
        Returns the records taken over or ended."""
        now = self.repo.clock()
        swept = []
        for record in await self.repo.expired_leases(WORKING, now):
            try:
                done = await self._sweep_one(record, now)
            except TransitionConflict:
                continue  # renewed, finished, or swept by someone else meanwhile
            except Exception:
                logger.exception("could not sweep %s (%s)", record.resource_id, record.status)
                continue
            if done is not None:
                swept.append(done)
        return swept

    async def _sweep_one(self, record: ResourceRecord, now: datetime) -> ResourceRecord | None:
        resumable = self._resumable(record)
        if resumable is not None:
            runner, build_id, job = resumable
            taken = await self.repo.take_lease(record, self.owner, self._lease_end(), expired_by=now)
            if taken is None:
                return None
            logger.info("following build %s of %s, whose worker stopped", build_id, record.resource_id)
            self._spawn(self._finish(taken, self._resume_build(runner, taken, build_id, job)))
            return taken
        adopting = record.status == Status.ADOPTING.value
        reason = ADOPT_ABANDONED if adopting else DELETE_ABANDONED
        failed = await self.repo.transition(
            record.resource_id, Status.ADOPT_FAILED.value if adopting else Status.DELETE_FAILED.value,
            expected_status=record.status, expected_version=record.version, actor="tfsync", reason=reason[:500],
            changes={"job_result": ABANDONED, "job_error": reason, **_RELEASE}, lease_expired_by=now,
        )
        _counted("adopt" if adopting else "delete", "failed")
        logger.warning("%s was %s, and its worker stopped (lease of %s expired at %s): now %s", record.resource_id,
                       record.status, record.lease_owner or "nobody", record.lease_until, failed.status)
        await self._tell(failed)
        return failed

    def _resumable(self, record: ResourceRecord) -> tuple[CodeBuildRunner, str, AdoptJob] | None:
        """For an adoption whose CodeBuild build started: the runner, the build and the job to follow it by."""
        if (record.status != Status.ADOPTING.value or record.job_runner != CodeBuildRunner.kind
                or not record.job_build_id or not record.job_id or not isinstance(self.runner, CodeBuildRunner)):
            return None
        try:
            job = resumed_job(record, self.mode)
        except CodegenError:
            return None
        return self.runner, record.job_build_id, job

    async def _resume_build(self, runner: CodeBuildRunner, record: ResourceRecord, build_id: str,
                            job: AdoptJob) -> AdoptOutcome:
        """Follow the build of an adoption whose worker stopped to its end (asking CodeBuild at once: it may have
        ended while nobody listened), and finish the record with the build's own outcome."""
        result = await runner.follow(job, build_id, self.reporter, poll_first=True)
        await self.reporter.result(job, result)
        finished = await self.finish_adopt(record, record.status_changed_by or "tfsync", result)
        return AdoptOutcome(finished, job, result)

    # The background work ------------------------------------------------------------------------------------------

    async def _current(self, record_id: str, version: int | None) -> ResourceRecord:
        record = await self.repo.get(record_id)
        if record is None:
            raise UnknownResource(record_id)
        if version is not None and version != record.version:
            # The form was opened on an older version: someone decided in between.
            raise TransitionConflict(record_id, "", "", version, record.status, record.version)
        return record

    async def _started(self, claimed: ResourceRecord, work: Coroutine[Any, Any, Any]) -> None:
        """Start the work in the background, then tell the observer of the claim: the work never waits for Slack,
        and a failure to tell changes nothing about it."""
        self._spawn(self._finish(claimed, work))
        await self._tell(claimed)

    async def _finish(self, claimed: ResourceRecord, work: Coroutine[Any, Any, Any]) -> None:
        """Run claimed work under its lease to its end; whatever breaks ends the claim as failed."""
        async with self._leased(claimed):
            try:
                await work
            except TransitionConflict as exc:
                # Someone else ended the work first (the sweeper, or a build's final event), and told of it.
                logger.info("the end of %s's %s was recorded elsewhere first: %s", claimed.resource_id,
                            claimed.status, exc)
                return
            except Exception as exc:
                await self._failed(claimed, exc)
                return
        fresh = await self.repo.get(claimed.resource_id)
        if fresh is not None and fresh.version != claimed.version:
            await self._tell(fresh)

    async def _failed(self, claimed: ResourceRecord, exc: Exception) -> None:
        """Work that broke unexpectedly ends the claim as failed (retryable) rather than leaving it claimed."""
        error_id = new_error_id()
        logger.exception("%s of %s failed (error id %s)", claimed.status, claimed.resource_id, error_id, exc_info=exc)
        to_status = Status.ADOPT_FAILED.value if claimed.status == Status.ADOPTING.value else Status.DELETE_FAILED.value
        current = await self.repo.get(claimed.resource_id)
        # Only this claim's work is ended here: a record swept and claimed again meanwhile is someone else's.
        if current is None or (current.status, current.version) != (claimed.status, claimed.version):
            if current is not None:
                await self._tell(current, error_id=error_id)
            return
        failed = await self.repo.transition(
            claimed.resource_id, to_status, expected_status=current.status, expected_version=current.version,
            actor="tfsync", reason=f"{type(exc).__name__}: {exc}"[:500],
            changes={"job_result": "failed", "job_error": (str(exc) or type(exc).__name__)[:500], **_RELEASE},
        )
        _counted("adopt" if to_status == Status.ADOPT_FAILED.value else "delete", "failed")
        await self._tell(failed, error_id=error_id)

    async def _tell(self, record: ResourceRecord, *, reply: bool = True, error_id: str | None = None) -> None:
        """Tell the observer: a failure to show a change changes nothing that happened (it is logged)."""
        try:
            await self.observer.status_changed(record, reply=reply, error_id=error_id)
        except Exception:
            logger.exception("could not show that %s is %s", record.resource_id, record.status)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the work still running (tests, and a clean shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _counted(kind: str, outcome: str) -> None:
    """One decision of `kind` (adopt, delete, ignore) started, succeeded or failed, in tfsync's metrics."""
    metrics.count(metrics.DECISIONS, Kind=kind, Outcome=outcome)


def describe_record(record: ResourceRecord) -> str:
    """A record as a person recognises it: its name (or import ID) and its tfsync id."""
    return f"{record.name or record.import_id} ({record.resource_id})"


def _claimed_first(other: ResourceRecord, record: ResourceRecord) -> bool:
    """Whether `other` keeps an address `record` wants too: always when `record` is not adopting yet (its form is
    checked), else when `other` claimed first (the earlier claim, then the smaller id)."""
    if record.status != Status.ADOPTING.value:
        return True
    return (other.status_changed_at, other.resource_id) < (record.status_changed_at, record.resource_id)


def argument_only_updates(imports: Iterable[tuple[str, str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """For each imported address whose type lists Terraform-only arguments, those arguments (the gate accepts an
    in-place update of exactly them: the safe values the code sets, which an import cannot record)."""
    found = []
    for address, _ in imports:
        entry = CATALOG.get(address.split(".")[-2])
        if entry is not None and entry.argument_only_updates:
            found.append((address, entry.argument_only_updates))
    return tuple(found)


def failure_text(result: JobResult) -> str | None:
    """Why a job failed, with each change that kept its plan from being clean, in plain words (kept in the record,
    so the thread can say it again after a restart)."""
    if result.error is None:
        return None
    lines = [result.error, *(f"• {change.describe()}" for change in result.changes[:20])]
    if len(result.changes) > 20:
        lines.append(f"• … and {len(result.changes) - 20} more")
    return "\n".join(lines)[:MAX_JOB_ERROR]


def require_status(record: ResourceRecord, allowed: Iterable[str], target: str) -> str:
    """The record's status when a decision may start from it; a TransitionConflict (the polite note) otherwise."""
    if record.status not in allowed:
        raise TransitionConflict(record.resource_id, target, record.status, record.version, record.status,
                                 record.version)
    return record.status


def ignore_refusal(choice: IgnoreChoice) -> str | None:
    """Why a person who is not a tfsync admin may not make this ignore, in words for them; None when they may."""
    allowed = f"you can ignore this one resource for up to {MAX_OWN_IGNORE.days} days."
    wider = {
        IgnoreScope.TYPE: "every resource of a type",
        IgnoreScope.ACTOR: "everything one person or role creates",
        IgnoreScope.NAME: "every resource whose name matches a pattern",
    }
    if choice.scope is not IgnoreScope.RESOURCE:
        return f"Only tfsync admins can ignore {wider.get(choice.scope, 'more than one resource')}; {allowed}"
    if choice.duration is None:
        return f"Only tfsync admins can ignore a resource forever; {allowed}"
    if choice.duration > MAX_OWN_IGNORE:
        return f"Only tfsync admins can ignore a resource for more than {MAX_OWN_IGNORE.days} days; {allowed}"
    return None


def bulk_job(batch_id: str, jobs: Sequence[AdoptJob], mode: str, resources: Sequence[str] = ()) -> AdoptJob:
    """One job of many resources' jobs: every file and every import, one plan, one gate, one branch."""
    files: dict[str, GeneratedFile] = {}
    for job in jobs:
        for generated in job.files:
            if generated.path in files:
                raise JobError(f"two resources of {batch_id} would both be written to {generated.path}")
            files[generated.path] = generated
    types = sorted({job.tf_type for job in jobs})
    first = jobs[0]
    return AdoptJob(
        job_id=batch_id, resource_id=batch_id, tf_type=types[0] if len(types) == 1 else "several",
        import_id=first.import_id, address=first.address, target_module=first.target_module, mode=mode,
        files=tuple(files.values()), imports=tuple(i for job in jobs for i in job.imports),
        argument_only=tuple(a for job in jobs for a in job.argument_only),
        resources=tuple(resources) or tuple(job.resource_id for job in jobs),
    )


def resumed_job(record: ResourceRecord, mode: str) -> AdoptJob:
    """The job of an adoption whose build already runs, as far as following it takes: its id, resource and address
    (the code is in the artifact bucket, where the build reads it; none is generated again here)."""
    modules = parse_module_path(record.target_module)
    address = Target(modules=modules).address(record.tf_type, requested_label(resource_of(record), record.tf_name))
    return AdoptJob(
        job_id=record.job_id or "", resource_id=record.resource_id, tf_type=record.tf_type,
        import_id=record.import_id, address=address, target_module=".".join(modules), mode=mode, files=(),
        imports=((address, record.import_id),),
    )


def rule_for(
    record: ResourceRecord, choice: IgnoreChoice, created_by: str, now: datetime, until: datetime | None,
) -> IgnoreRuleRecord:
    rule_id = "i-" + secrets.token_hex(4)
    common: dict[str, Any] = {"rule_id": rule_id, "scope": choice.scope.value, "created_by": created_by,
                              "created_at": now, "expires_at": until, "reason": f"from {record.resource_id}"}
    if choice.scope is IgnoreScope.RESOURCE:
        return IgnoreRuleRecord(**common, resource_id=record.resource_id, account_id=record.account_id,
                                region=record.region, tf_type=record.tf_type,
                                name_pattern=exact_name_pattern(record.name or record.import_id))
    if choice.scope is IgnoreScope.TYPE:
        return IgnoreRuleRecord(**common, tf_type=record.tf_type)
    if choice.scope is IgnoreScope.ACTOR:
        return IgnoreRuleRecord(**common, actor=record.actor)
    return IgnoreRuleRecord(**common, name_pattern=choice.pattern)
