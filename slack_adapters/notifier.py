"""SlackNotifier: the consumer's Notifier for Slack, and the thread updates executors report through.

A new resource becomes a thread in the channel its routing rule names: the parent message, with the creator
mentioned when the principal maps to a Slack user, then one reply per step, the parent updated in place on every
status change. New resources are gathered per channel for a moment before posting; when more than the burst
threshold arrive in one channel within the window, they become one digest message and one message per Terraform
type (each the parent of its own thread) instead of a parent each.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.notifier import RecordChange
from bot.state import StateRepository
from bot.state.records import ResourceRecord
from bot.state.tables import ResourceModel
from renderers.slack import group_burst, render_burst_digest, render_burst_group, render_resource_message, render_step
from renderers.slack.digest import GROUP_PAGE
from renderers.slack.resource import age_key, unique
from renderers.slack.viewdata import BuildProgress, BurstGroup, BurstView, ResourceView, Status, StepView
from slack_adapters.posting import PostingQueue
from slack_adapters.presenters import Previews, label, resource_view, step_for
from slack_adapters.routing import Router
from slack_adapters.users import UserDirectory

if TYPE_CHECKING:
    from bot.runners.job import AdoptJob, JobPhase, JobResult

logger = logging.getLogger(__name__)

# How long new resources of one channel are gathered before posting, so a burst is seen as one.
BURST_LINGER = 0.3
_GROUP_MARKER = "slack-group:{channel}:{ts}"


@dataclass
class _Digest:
    ts: str
    channel_id: str
    resources: list[ResourceView]
    started: float


@dataclass
class _JobNote:
    plan_summary: str = ""
    job_url: str | None = None


class SlackNotifier:
    """Posts and keeps current one thread per resource; implements bot.notifier.Notifier."""

    def __init__(
        self,
        repo: StateRepository,
        router: Router,
        users: UserDirectory,
        poster: PostingQueue,
        *,
        previews: Previews | None = None,
        burst_threshold: int = 10,
        burst_window: float = 60.0,
        linger: float = BURST_LINGER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.repo = repo
        self.router = router
        self.users = users
        self.poster = poster
        self.previews = previews or Previews()
        self.burst_threshold = burst_threshold
        self.burst_window = burst_window
        self.linger = linger
        self.clock = clock
        self._pending: dict[str, list[tuple[ResourceRecord, asyncio.Future[None]]]] = defaultdict(list)
        self._collectors: dict[str, asyncio.Task[None]] = {}
        self._arrivals: dict[str, deque[float]] = defaultdict(deque)
        self._digests: dict[str, _Digest] = {}
        self._group_threads: set[tuple[str, str]] = set()
        self._job_notes: dict[str, _JobNote] = {}

    # The consumer's side ------------------------------------------------------------------------------------------

    async def notify(self, change: RecordChange) -> None:
        record = change.record
        if record.slack_channel and record.slack_thread_ts:
            # A redelivered creation finds its thread already posted; anything else is a change of the thread.
            await self.status_changed(record, reply=change.kind == "gone")
            return
        if change.kind in ("created", "reopened", "reactivated") or record.status == Status.DETECTED:
            await self._new_thread(record)
            return
        logger.info("resource %s changed (%s) but has no thread to tell", record.resource_id, change.kind)

    async def _new_thread(self, record: ResourceRecord) -> None:
        channel = self.router.channel_for(record)
        if channel is None:
            logger.warning("no routing rule matches %s and no default channel is set", record.resource_id)
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending[channel].append((record, done))
        self._arrivals[channel].append(self.clock())
        collector = self._collectors.get(channel)
        if collector is None or collector.done():
            self._collectors[channel] = asyncio.create_task(self._collect(channel), name=f"slack-burst-{channel}")
        await done

    async def _collect(self, channel: str) -> None:
        await asyncio.sleep(self.linger)
        while self._pending[channel]:
            batch, self._pending[channel] = self._pending[channel], []
            digest = self._open_digest(channel)
            if digest is not None or len(self._arrivals[channel]) > self.burst_threshold:
                records = [r for r, _ in batch]
                await _settle(batch, self._post_burst(channel, records, digest))
                continue
            for item in batch:
                await _settle([item], self._post_parent(channel, item[0]))

    def _open_digest(self, channel: str) -> _Digest | None:
        """Forget arrivals older than the burst window; the channel's digest while its window is still open."""
        now = self.clock()
        arrivals = self._arrivals[channel]
        while arrivals and now - arrivals[0] > self.burst_window:
            arrivals.popleft()
        digest = self._digests.get(channel)
        return digest if digest is not None and now - digest.started <= self.burst_window else None

    async def _post_parent(self, channel: str, record: ResourceRecord) -> None:
        view = await resource_view(record, self.users, self.previews)
        message = render_resource_message(view)
        response = await self.poster.send(channel, "chat.postMessage", **message, unfurl_links=False,
                                          unfurl_media=False)
        await self.repo.annotate(record.resource_id, slack_channel=response["channel"], slack_thread_ts=response["ts"])

    async def _post_burst(self, channel: str, records: Sequence[ResourceRecord], digest: _Digest | None) -> None:
        views = [await resource_view(r, self.users) for r in records]
        by_id = {r.resource_id: r for r in records}
        if digest is None:
            view = BurstView(channel, views, int(self.burst_window))
            response = await self.poster.send(channel, "chat.postMessage", **render_burst_digest(view))
            digest = _Digest(response["ts"], response["channel"], list(views), self.clock())
            self._digests[channel] = digest
        else:
            digest.resources.extend(views)
            view = BurstView(digest.channel_id, digest.resources, int(self.burst_window))
            await self.poster.send(digest.channel_id, "chat.update", ts=digest.ts, **render_burst_digest(view))
        for group in group_burst(BurstView(channel, views)):
            ordered = sorted(unique(group.resources), key=age_key)
            pages = [ordered[i : i + GROUP_PAGE] for i in range(0, len(ordered), GROUP_PAGE)]
            for message, page in zip(render_burst_group(group), pages, strict=True):
                response = await self.poster.send(channel, "chat.postMessage", **message)
                channel_id, ts = response["channel"], response["ts"]
                self._group_threads.add((channel_id, ts))
                await self.repo.remember(_GROUP_MARKER.format(channel=channel_id, ts=ts))
                for item in page:
                    await self.repo.annotate(by_id[item.short_id].resource_id, slack_channel=channel_id,
                                             slack_thread_ts=ts)

    # The thread of one resource -----------------------------------------------------------------------------------

    async def status_changed(
        self, record: ResourceRecord, *, step: StepView | None = None, reply: bool = True, error_id: str | None = None,
    ) -> None:
        """Update the thread's parent to the record's status, and post the step (the status's own by default)."""
        if not (record.slack_channel and record.slack_thread_ts):
            logger.info("resource %s is %s; it has no thread to update", record.resource_id, record.status)
            return
        channel, ts = record.slack_channel, record.slack_thread_ts
        rules = await self.repo.rules() if record.status == Status.IGNORED else ()
        view = await resource_view(record, self.users, self.previews, rules=rules)
        if await self._is_group(channel, ts):
            members = await self._thread_members(channel, ts, record)
            views = [view if m.resource_id == record.resource_id else await resource_view(m, self.users)
                     for m in members]
            group = BurstGroup(record.tf_type, label(record.tf_type), views)
            parent = render_burst_group(group)[0]
        else:
            parent = render_resource_message(view)
        await self.poster.send(channel, "chat.update", ts=ts, **parent)
        if step is None and reply:
            note = self._job_notes.pop(record.resource_id, _JobNote())
            rule = next((r for r in rules if r.rule_id == record.ignore_rule_id), None)
            step = step_for(record, view, rule=rule, plan_summary=note.plan_summary, job_url=note.job_url,
                            error_id=error_id)
        if step is not None:
            await self.reply(record, step)

    async def reply(self, record: ResourceRecord, step: StepView) -> None:
        """Post one step as a reply in the record's thread."""
        if not (record.slack_channel and record.slack_thread_ts):
            return
        await self.poster.send(record.slack_channel, "chat.postMessage", thread_ts=record.slack_thread_ts,
                               **render_step(step))

    async def progress(self, record: ResourceRecord, phase: str, detail: str = "", job_url: str | None = None) -> None:
        """A build step as a thread reply."""
        if job_url:
            self._job_notes.setdefault(record.resource_id, _JobNote()).job_url = job_url
        view = await resource_view(record, self.users)
        await self.reply(record, BuildProgress(view, phase, detail, job_url))

    def job_finished(self, resource_id: str, *, plan_summary: str = "", job_url: str | None = None) -> None:
        """What a finished job reported that the record does not hold; the final reply shows it."""
        note = self._job_notes.setdefault(resource_id, _JobNote())
        note.plan_summary = plan_summary
        note.job_url = job_url or note.job_url

    async def _is_group(self, channel: str, ts: str) -> bool:
        if (channel, ts) in self._group_threads:
            return True
        if await self.repo.seen([_GROUP_MARKER.format(channel=channel, ts=ts)]):
            self._group_threads.add((channel, ts))
            return True
        return False

    async def _thread_members(self, channel: str, ts: str, current: ResourceRecord) -> list[ResourceRecord]:
        def query() -> list[ResourceRecord]:
            items = ResourceModel.by_slack_thread.query(channel, ResourceModel.slack_thread_ts == ts)
            return [ResourceRecord.from_model(item) for item in items]

        members = await asyncio.to_thread(query)
        # The index is eventually consistent: the record just changed is taken as the caller has it.
        found = {m.resource_id: m for m in members}
        found[current.resource_id] = current
        return list(found.values())

    async def close(self) -> None:
        """Post what is gathered, then stop."""
        collectors = [task for task in self._collectors.values() if not task.done()]
        if collectors:
            await asyncio.gather(*collectors, return_exceptions=True)
        await self.poster.close()


async def _settle(batch: Sequence[tuple[ResourceRecord, asyncio.Future[None]]], post: Awaitable[None]) -> None:
    """Post, then resolve the waiting notify calls: each raises what the post raised, and its message comes back."""
    try:
        await post
    except Exception as exc:
        for _, done in batch:
            done.set_exception(exc)
    else:
        for _, done in batch:
            done.set_result(None)


class SlackJobReporter:
    """A runner's JobReporter (bot.runners.job) that reports into the resource's thread."""

    def __init__(self, notifier: SlackNotifier, repo: StateRepository) -> None:
        self.notifier = notifier
        self.repo = repo

    async def phase(self, job: AdoptJob, phase: JobPhase) -> None:
        record = await self.repo.get(job.resource_id)
        if record is None:
            logger.warning("job %s reports on unknown resource %s", job.job_id, job.resource_id)
            return
        detail = f"{phase.status}: {phase.detail}" if phase.detail else phase.status
        await self.notifier.progress(record, phase.name, detail)

    async def result(self, job: AdoptJob, result: JobResult) -> None:
        # The record moves to adopted or adopt_failed after this; its reply then shows the plan and the log.
        log = result.log_location if result.log_location and result.log_location.startswith("https://") else None
        self.notifier.job_finished(
            job.resource_id, plan_summary=result.plan_summary(), job_url=log,
        )
