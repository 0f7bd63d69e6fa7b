"""SlackNotifier: the consumer's Notifier and the decisions' observer for Slack, and the thread's build progress.

Neither the consumer nor a decision waits on Slack: a change is stored with a pending notification first, and the
notifier only wakes the publisher (slack_adapters.publisher), which shows it from the record when Slack accepts it.
Build progress is the one thing shown straight from memory: a single reply per job, updated in place as the job
moves on, best effort (the step that ends the job says what matters, from the record).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.decisions import BULK_PREFIX
from bot.notifier import RecordChange
from bot.state import StateRepository
from bot.state.records import ResourceRecord
from renderers.slack import render_step
from renderers.slack.viewdata import BuildProgress
from slack_adapters.posting import PostingQueue
from slack_adapters.publisher import JobNote, Publisher
from slack_adapters.users import UserDirectory

if TYPE_CHECKING:
    from bot.runners.job import AdoptJob, JobPhase, JobResult

logger = logging.getLogger(__name__)


@dataclass
class _Progress:
    """A job's one progress reply: the phases so far, and the reply's ts once posted."""

    version: int
    channel: str
    phases: list[tuple[str, str]]
    job_url: str | None = None
    ts: str | None = None


class SlackNotifier:
    """Wakes the publisher for every change; posts a job's progress as one reply kept current."""

    def __init__(self, repo: StateRepository, publisher: Publisher, users: UserDirectory) -> None:
        self.repo = repo
        self.publisher = publisher
        self.users = users
        self.poster: PostingQueue = publisher.poster
        self._progress: dict[str, _Progress] = {}
        publisher.after_show = self.shown

    async def notify(self, change: RecordChange) -> bool:
        """The consumer stored a change: the publisher shows it (and clears the pending notification) later."""
        self.publisher.wake(change.record)
        return False

    async def status_changed(self, record: ResourceRecord, *, reply: bool = True, error_id: str | None = None) -> None:
        """A decision moved a record (its change is pending in the record): show it soon, with the error id."""
        if error_id:
            self.publisher.notes.setdefault(record.resource_id, JobNote()).error_id = error_id
        self.publisher.wake(record)

    async def progress(self, record: ResourceRecord, phase: str, detail: str = "", job_url: str | None = None) -> None:
        """A build step, in the job's one progress reply, posted once its thread shows the adoption started (so it
        reads after that step) and then updated in place; best effort: a failure here changes nothing."""
        if job_url:
            self.publisher.notes.setdefault(record.resource_id, JobNote()).job_url = job_url
        if not record.slack_channel:
            return
        current = self._progress.get(record.resource_id)
        if current is None or current.version != record.version:
            current = self._progress[record.resource_id] = _Progress(record.version, record.slack_channel, [])
        current.phases.append((phase, detail))
        current.job_url = job_url or current.job_url
        await self._show_progress(record)

    async def shown(self, record: ResourceRecord) -> None:
        """The publisher showed the record up to its version: progress waiting for that is shown now."""
        if record.resource_id in self._progress:
            await self._show_progress(record)

    async def _show_progress(self, record: ResourceRecord) -> None:
        current = self._progress.get(record.resource_id)
        if current is None or not current.phases or not record.slack_thread_ts:
            return
        if record.slack_shown_version is None or record.slack_shown_version < current.version:
            return  # the step that starts the job is not in the thread yet: its progress waits for it
        phase, detail = current.phases[-1]
        earlier = tuple(f"{p}: {d}" if d else p for p, d in current.phases[:-1])
        view = await self.publisher.view(record)
        payload = render_step(BuildProgress(view, phase, detail, current.job_url, earlier))
        try:
            if current.ts is None:
                response = await self.poster.send(current.channel, "chat.postMessage",
                                                  thread_ts=record.slack_thread_ts, **payload)
                current.ts = response["ts"]
            else:
                await self.poster.send(current.channel, "chat.update", ts=current.ts, **payload)
        except Exception as exc:
            logger.info("build progress of %s not shown: %r", record.resource_id, exc)

    def job_finished(self, resource_id: str, *, plan_summary: str = "", job_url: str | None = None) -> None:
        """What a finished job reported that the record does not hold; the final reply shows it."""
        note = self.publisher.notes.setdefault(resource_id, JobNote())
        note.plan_summary = plan_summary
        note.job_url = job_url or note.job_url
        self._progress.pop(resource_id, None)

    async def flush(self, within: float = 30.0) -> bool:
        """Show everything pending now (tests, shutdown); False if Slack did not take it all within `within` s."""
        return await self.publisher.flush(within)

    async def close(self) -> None:
        """Show what is pending (for a while), then stop."""
        await self.publisher.flush(within=5.0)
        await self.publisher.close()
        await self.poster.close()


class SlackJobReporter:
    """A runner's JobReporter (bot.runners.job) that reports into the resource's thread."""

    def __init__(self, notifier: SlackNotifier, repo: StateRepository) -> None:
        self.notifier = notifier
        self.repo = repo

    async def phase(self, job: AdoptJob, phase: JobPhase) -> None:
        if job.resource_id.startswith(BULK_PREFIX):
            # A bulk adoption has no thread of its own: its records show where it ended, each in its own message.
            logger.info("bulk adoption %s: %s %s", job.job_id, phase.name, phase.status)
            return
        record = await self.repo.get(job.resource_id)
        if record is None:
            logger.warning("job %s reports on unknown resource %s", job.job_id, job.resource_id)
            return
        detail = f"{phase.status}: {phase.detail}" if phase.detail else phase.status
        await self.notifier.progress(record, phase.name, detail)

    async def result(self, job: AdoptJob, result: JobResult) -> None:
        if job.resource_id.startswith(BULK_PREFIX):
            return  # each record of a bulk adoption holds the job's link and result itself
        # The record moves to adopted or adopt_failed after this; its reply then shows the plan and the log.
        log = result.log_location if result.log_location and result.log_location.startswith("https://") else None
        self.notifier.job_finished(job.resource_id, plan_summary=result.plan_summary(), job_url=log)
