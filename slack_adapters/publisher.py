"""The publisher: shows in Slack what the records say, from the records, until Slack has accepted it.

Nothing waits on Slack to be stored. The consumer and the decisions write a change with a pending notification
(the record sits in the pending index) and wake the publisher; it posts, then marks the record shown. A Slack
outage, a 429 storm or a crash only delays that: the pending records stay, and the publisher of any replica takes
them up again (every tick, and on every wake), however long Slack was away.

One replica posts into a channel at a time (a lease in the channels table), so bursts and pacing hold across
replicas:
- a new resource in a quiet channel is posted at once, as the parent of its own thread;
- when more resources arrive in a channel within the burst window than the threshold allows, the channel gets one
  digest message, updated as the burst grows, and the resources are listed by type in the digest's thread;
- a change of a resource updates its message and posts the step as a reply, in the order the changes happened
  (read from the audit trail), so a thread reads right even after an outage.

Posting is idempotent: before a post, its token is stored in the record (or the channel, for a digest) and sent in
the message's metadata; a post whose answer was lost (a crash, a 502 after Slack applied it) is found by that token
in the channel or thread instead of being posted twice, and copies found there are retired.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import secrets
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.state import StateRepository
from bot.state.channels import ChannelState, ChannelStore, LeaseLost
from bot.state.records import AuditEntry, IgnoreRuleRecord, ResourceRecord
from bot.state.status import Status
from bot.state.tables import ResourceModel
from renderers.slack import group_burst, render_burst_digest, render_burst_group, render_resource_message, render_step
from renderers.slack.digest import GROUP_PAGE
from renderers.slack.resource import age_key, unique
from renderers.slack.viewdata import BurstGroup, BurstView, ResourceView
from slack_adapters.client import ErrorCounter
from slack_adapters.posting import PostingQueue
from slack_adapters.presenters import AccountNames, Previews, label, resource_view, step_for
from slack_adapters.routing import Router
from slack_adapters.users import UserDirectory

logger = logging.getLogger(__name__)

METADATA_EVENT = "tfsync_post"
# Statuses whose arrival is told as a reply in the thread; a record back to detected only updates its message.
REPLY_STATUSES = frozenset({
    Status.ADOPTING, Status.ADOPTED, Status.ADOPT_FAILED, Status.DELETING, Status.DELETED, Status.DELETE_FAILED,
    Status.IGNORED, Status.GONE,
})  # fmt: skip
TICK_SECONDS = 2.0
# A channel's lease: renewed before every call into it, so a replica that died leaves the channel to the others
# within this long.
LEASE_SECONDS = 10.0
# Slack unreachable for a channel: wait this long before trying it again, doubling up to the most.
BACKOFF_FIRST, BACKOFF_MOST = 1.0, 60.0
# A record Slack refused for a reason of its own (not an outage) is tried again after this long.
REFUSED_RETRY_SECONDS = 60.0
# How often a growing digest's count is brought up to date (and once more when the burst is over).
DIGEST_REFRESH_SECONDS = 5.0
# Pending records read for one round: a burst's thousands are shown over several rounds, each a page of the digest.
ROUND_LIMIT = 200
HISTORY_PAGES = 5  # pages of 200 messages searched for a post whose answer was lost


# The channel whose lease the current worker task holds.
_LEASED: contextvars.ContextVar[str | None] = contextvars.ContextVar("leased_channel", default=None)


class SlackUnavailable(Exception):
    """Slack did not answer (5xx, 429 beyond the client's retries, a network error): try the channel later."""


@dataclass
class JobNote:
    """What a job told that the record does not hold: shown in the step that ends it."""

    plan_summary: str = ""
    job_url: str | None = None
    error_id: str | None = None


def posting_client(client: AsyncWebClient, *, rate_limit_retries: int = 4) -> AsyncWebClient:
    """The client the publisher posts with: the app client's token and URL, retried by itself only after a 429
    (Slack did nothing then). A 5xx or a dropped connection may come after Slack applied a post, so a blind retry
    could post twice: the publisher decides instead, looking for the post by its token before posting again."""
    return AsyncWebClient(token=client.token, base_url=client.base_url, timeout=client.timeout,
                          retry_handlers=[ErrorCounter(),
                                          AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)])


def new_token() -> str:
    """A post's token: when it was made (to bound the search for it) and 48 random bits."""
    return f"{int(time.time())}-{secrets.token_hex(6)}"


def token_time(token: str) -> float | None:
    head = token.split("-", 1)[0]
    return float(head) if head.isdigit() else None


def message_ts(record: ResourceRecord) -> str | None:
    """The ts of the message that shows a record, once posted (records from before messages were told apart
    from threads have only the thread)."""
    if record.slack_message_ts:
        return record.slack_message_ts
    return record.slack_thread_ts if record.slack_thread_ts and not record.slack_post_token else None


class Publisher:
    """Posts and updates what pending records say, channel by channel, paced; one replica per channel at a time."""

    def __init__(
        self,
        repo: StateRepository,
        channels: ChannelStore,
        router: Router,
        users: UserDirectory,
        poster: PostingQueue,
        *,
        owner: str,
        previews: Previews | None = None,
        accounts: AccountNames | None = None,
        burst_threshold: int = 10,
        burst_window: float = 60.0,
        tick: float = TICK_SECONDS,
        lease_seconds: float = LEASE_SECONDS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repo = repo
        self.channels = channels
        self.router = router
        self.users = users
        self.poster = poster
        self.owner = owner
        self.previews = previews or Previews()
        self.accounts = accounts
        self.burst_threshold = burst_threshold
        self.burst_window = burst_window
        self.tick = tick
        self.lease_seconds = lease_seconds
        self.clock = clock
        self.notes: dict[str, JobNote] = {}
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._working: dict[str, asyncio.Task[None]] = {}
        self._backoff: dict[str, tuple[float, float]] = {}  # channel -> (monotonic retry time, last delay)
        self._refused: dict[str, float] = {}  # resource id -> monotonic retry time
        self._dirty: set[str] = set()  # channels with news since their worker last looked
        self._unroutable: set[str] = set()  # records no channel takes, already logged
        self._digest_owed: dict[str, list[ResourceRecord]] = {}  # channel -> added to its digest, not yet counted
        self._digest_updated: dict[str, float] = {}  # channel -> monotonic time of the digest's last update
        self._progress = 0  # records shown so far (a channel that moves on is not backed off for long)
        self._stopping = False
        # Told of each record once Slack shows it up to its version (the job's progress reply waits for that).
        self.after_show: Callable[[ResourceRecord], Awaitable[None]] | None = None

    async def view(self, record: ResourceRecord, *, preview: bool = False,
                   rules: Sequence[IgnoreRuleRecord] = ()) -> ResourceView:
        """A record as its messages show it (the person, the account's alias, the preview when asked for)."""
        return await resource_view(record, self.users, self.previews if preview else None, rules=rules,
                                   accounts=self.accounts)

    # Running ------------------------------------------------------------------------------------------------------

    def wake(self, record: ResourceRecord | None = None) -> None:
        """Something became pending: look now, not at the next tick. Given the record, only its channel is looked
        at (a burst's hundreds of wakes cost no query each: the channel's worker is told to go round again)."""
        with contextlib.suppress(RuntimeError):  # no running loop: nothing can be posted from here anyway
            loop = asyncio.get_running_loop()
            if self._loop is None or self._loop.done():
                self._loop = loop.create_task(self._run(), name="slack-publisher")
            channel = self._channel_of(record) if record is not None else None
            if channel is None:
                self._wake.set()
                return
            self._dirty.add(channel)
            if not self._busy(channel) and self._backoff.get(channel, (0.0, 0.0))[0] <= time.monotonic():
                self._working[channel] = loop.create_task(self._work(channel), name=f"slack-channel-{channel}")

    def _busy(self, channel: str) -> bool:
        worker = self._working.get(channel)
        return worker is not None and not worker.done()

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.publish_due()
            except Exception:
                logger.exception("looking for what Slack has yet to show failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.tick)

    async def publish_due(self) -> None:
        """Start a worker for every channel with pending records that no worker here serves yet."""
        pending = await self.repo.pending()
        now = time.monotonic()
        for channel, records in self._by_channel(pending).items():
            if self._busy(channel):
                self._dirty.add(channel)
                continue
            if self._backoff.get(channel, (0.0, 0.0))[0] > now:
                continue
            if all(self._refused.get(r.resource_id, 0.0) > now for r in records):
                continue
            self._working[channel] = asyncio.create_task(self._work(channel), name=f"slack-channel-{channel}")

    async def flush(self, within: float = 30.0) -> bool:
        """Publish until nothing is pending that can be shown now (tests, a clean shutdown); False when that took
        longer than `within` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            await self.publish_due()
            workers = [w for w in self._working.values() if not w.done()]
            if workers:
                await asyncio.wait(workers, timeout=max(0.0, deadline - time.monotonic()))
                continue
            now = time.monotonic()
            pending = [r for r in await self.repo.pending()
                       if self._refused.get(r.resource_id, 0.0) <= now and self._channel_of(r) is not None]
            if not pending:
                return True
            # Slack away for a channel, or another replica posting into it: wait for it.
            await asyncio.sleep(0.05)
        return False

    async def close(self) -> None:
        self._stopping = True
        self._wake.set()
        tasks = [t for t in (self._loop, *self._working.values()) if t is not None and not t.done()]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # One channel --------------------------------------------------------------------------------------------------

    def _channel_of(self, record: ResourceRecord) -> str | None:
        return record.slack_channel or self.router.channel_for(record)

    def _by_channel(self, records: Iterable[ResourceRecord]) -> dict[str, list[ResourceRecord]]:
        found: dict[str, list[ResourceRecord]] = defaultdict(list)
        for record in records:
            channel = self._channel_of(record)
            if channel is None:
                # Left pending: a routing rule or default channel configured later shows it. Said once a process.
                if record.resource_id not in self._unroutable:
                    self._unroutable.add(record.resource_id)
                    logger.warning("no routing rule matches %s and no default channel is set", record.resource_id)
                continue
            found[channel].append(record)
        return found

    async def _work(self, channel: str) -> None:
        """Hold the channel's lease and show what is pending for it, round after round, until nothing is."""
        state = await self.channels.acquire(channel, self.owner, self.lease_seconds)
        if state is None:
            return  # another replica posts into this channel now
        _LEASED.set(channel)
        self.poster.not_before(channel, state.next_post_at)
        progress_before = self._progress
        try:
            shown: set[tuple[str, int]] = set()
            while not self._stopping:
                self._dirty.discard(channel)
                now = time.monotonic()
                records = [r for r in self._by_channel(await self.repo.pending(limit=ROUND_LIMIT)).get(channel, [])
                           if self._refused.get(r.resource_id, 0.0) <= now]
                progress = {(r.resource_id, r.version) for r in records}
                if not records or (progress <= shown and channel not in self._dirty):
                    break  # nothing left, or only what earlier rounds could not show
                shown |= {(r.resource_id, r.version) for r in records if message_ts(r) is not None}
                state = await self._round(channel, state, records)
            with _outages():
                await self._settle_digest(channel, state)
            self._backoff.pop(channel, None)
        except SlackUnavailable as exc:
            # Slack answered some of it: try again soon; answered none of it: wait twice as long as last time.
            last = 0.0 if self._progress != progress_before else self._backoff.get(channel, (0.0, 0.0))[1]
            delay = min(BACKOFF_MOST, max(BACKOFF_FIRST, last * 2))
            self._backoff[channel] = (time.monotonic() + delay, delay)
            logger.warning("Slack is unavailable for %s (%s); trying again in %.0fs", channel, exc, delay)
        except LeaseLost:
            logger.info("another replica took over posting into %s", channel)
        except Exception:
            # DynamoDB or a bug: the records stay pending; the channel is tried again after a pause.
            self._backoff[channel] = (time.monotonic() + REFUSED_RETRY_SECONDS, BACKOFF_FIRST)
            logger.exception("showing what is pending in %s failed; trying again later", channel)
        finally:
            await self._release(channel)

    async def _send(self, channel: str, method: str, **kwargs: Any) -> Any:
        """A call into Slack for the channel this worker holds, the lease renewed first: nothing is posted by a
        replica that lost the channel (it learns so here, as LeaseLost)."""
        leased = _LEASED.get()
        if leased is not None:
            await self.channels.save(leased, self.owner, self.lease_seconds)
        return await self.poster.send(channel, method, **kwargs)

    async def _release(self, channel: str) -> None:
        try:
            await self.channels.release(channel, self.owner, next_post_at=self.poster.next_post_at(channel))
        except Exception:
            logger.exception("could not release the lease on %s; it runs out by itself", channel)

    async def _round(self, channel: str, state: ChannelState, records: Sequence[ResourceRecord]) -> ChannelState:
        new = [r for r in records if message_ts(r) is None]
        if new and await self.poster.wait_turn(channel):
            # The pace held the next post back: whatever arrived meanwhile is part of the decision (one more
            # parent, or a burst forming and so a digest).
            now = time.monotonic()
            records = [r for r in self._by_channel(await self.repo.pending(limit=ROUND_LIMIT)).get(channel, [])
                       if self._refused.get(r.resource_id, 0.0) <= now]
            new = [r for r in records if message_ts(r) is None]
        if new:
            state = await self._post_new(channel, state, sorted(new, key=lambda r: (r.detected_at, r.resource_id)))
        for record in sorted((r for r in records if message_ts(r) is not None),
                             key=lambda r: (r.status_changed_at, r.resource_id)):
            await self._guarded(record, self._show_changes(record))
            state = await self.channels.save(channel, self.owner, self.lease_seconds)
        return state

    async def _guarded(self, record: ResourceRecord, work: Any) -> None:
        """Run the work for one record; Slack's refusal of that record (not an outage) puts it aside for a while."""
        try:
            with _outages():
                await work
        except SlackApiError as exc:
            self._refused[record.resource_id] = time.monotonic() + REFUSED_RETRY_SECONDS
            logger.warning("Slack refused the message of %s (%s); trying again in %.0fs", record.resource_id,
                           exc.response.get("error"), REFUSED_RETRY_SECONDS)

    # New resources ------------------------------------------------------------------------------------------------

    async def _post_new(self, channel: str, state: ChannelState, records: list[ResourceRecord]) -> ChannelState:
        now = self.clock()
        if state.digest_open(now, self.burst_window):
            return await self._add_to_digest(channel, state, records)
        start, posts = state.window_start, state.window_posts
        if start is None or (now - start).total_seconds() > self.burst_window:
            start, posts = now, 0
        if posts + len(records) > self.burst_threshold:
            return await self._open_digest(channel, state, records)
        # One parent a round: the next waits for its turn and is decided with what arrived meanwhile.
        await self._guarded(records[0], self._post_parent(channel, records[0]))
        return await self.channels.save(channel, self.owner, self.lease_seconds, window_start=start,
                                        window_posts=posts + 1)

    async def _post_parent(self, channel: str, record: ResourceRecord) -> None:
        """The resource's own message, the parent of its thread; then its steps if it changed meanwhile."""
        if record.slack_post_token:
            found = await self._find(record.slack_channel or channel, record.slack_post_token, record.resource_id)
            if found is not None:
                await self._shown_new(record, found[0], found[1], found[1])
                return
        token = new_token()
        await self.repo.annotate(record.resource_id, slack_channel=channel, slack_thread_ts=None,
                                 slack_post_token=token)
        view = await self.view(record, preview=True)
        response = await self._send(
            channel, "chat.postMessage", **render_resource_message(view), unfurl_links=False, unfurl_media=False,
            metadata=_metadata(token, record.resource_id),
        )
        await self._shown_new(record, response["channel"], response["ts"], response["ts"])

    async def _shown_new(self, record: ResourceRecord, channel_id: str, thread_ts: str, ts: str) -> None:
        """A new record's message is in Slack: it shows the record as of its last detection (later steps follow as
        replies on the next round)."""
        self._progress += 1
        base = await self._detected_version(record)
        await self.repo.shown(record.resource_id, base, slack_channel=channel_id, slack_thread_ts=thread_ts,
                              slack_message_ts=ts, slack_post_token=None)

    async def _detected_version(self, record: ResourceRecord) -> int:
        if record.status == Status.DETECTED:
            return record.version
        detected = [e.version for e in await self.repo.history(record.resource_id)
                    if e.to_status == Status.DETECTED and e.version <= record.version]
        return max(detected, default=record.version)

    async def _open_digest(self, channel: str, state: ChannelState, records: list[ResourceRecord]) -> ChannelState:
        """More new resources than the threshold within the window: one digest message, the resources in its
        thread, grouped by type."""
        token = new_token()
        state = await self.channels.save(channel, self.owner, self.lease_seconds, digest_token=token,
                                         digest_started=self.clock(), digest_ts=None, digest_channel=None,
                                         digest_count=0)
        return await self._add_to_digest(channel, state, records)

    async def _add_to_digest(self, channel: str, state: ChannelState, records: list[ResourceRecord]) -> ChannelState:
        with _outages():
            if state.digest_ts is None:
                state = await self._post_digest(channel, state, records)
                assert state.digest_ts is not None and state.digest_channel is not None
                await self._post_groups(channel, state.digest_channel, state.digest_ts, records)
            else:
                assert state.digest_channel is not None
                await self._post_groups(channel, state.digest_channel, state.digest_ts, records)
                # The count in the digest: brought up to date every few seconds while the burst goes on, and when
                # the channel has nothing more to show (not once per round: each reads the whole burst back).
                self._digest_owed[channel] = [*self._digest_owed.get(channel, []), *records]
                if time.monotonic() - self._digest_updated.get(channel, 0.0) >= DIGEST_REFRESH_SECONDS:
                    state = await self._settle_digest(channel, state)
        return state

    async def _post_digest(self, channel: str, state: ChannelState, records: list[ResourceRecord]) -> ChannelState:
        token = state.digest_token or new_token()
        found = await self._find(channel, token, None)
        if found is not None:
            state = await self.channels.save(channel, self.owner, self.lease_seconds, digest_channel=found[0],
                                             digest_ts=found[1])
            return await self._update_digest(channel, state, records)
        views = [await self.view(r) for r in records]
        payload = render_burst_digest(BurstView(channel, views, int(self.burst_window)))
        response = await self._send(channel, "chat.postMessage", **payload, metadata=_metadata(token, None))
        return await self.channels.save(channel, self.owner, self.lease_seconds, digest_channel=response["channel"],
                                        digest_ts=response["ts"], digest_count=len(records))

    async def _settle_digest(self, channel: str, state: ChannelState) -> ChannelState:
        """The digest updated with the resources added since it was last updated, if any were."""
        owed = self._digest_owed.pop(channel, None)
        if not owed or state.digest_ts is None:
            return state
        return await self._update_digest(channel, state, owed)

    async def _update_digest(self, channel: str, state: ChannelState, records: list[ResourceRecord]) -> ChannelState:
        assert state.digest_channel is not None and state.digest_ts is not None
        members = await self._thread_records(state.digest_channel, state.digest_ts)
        fresh = {r.resource_id for r in records}
        everyone = [m for m in members if m.resource_id not in fresh] + list(records)
        views = [await self.view(r) for r in everyone]
        payload = render_burst_digest(BurstView(state.digest_channel, views, int(self.burst_window)))
        await self._send(state.digest_channel, "chat.update", ts=state.digest_ts, **payload)
        self._digest_updated[channel] = time.monotonic()
        return await self.channels.save(channel, self.owner, self.lease_seconds, digest_count=len(everyone))

    async def _post_groups(self, channel: str, channel_id: str, digest_ts: str,
                           records: list[ResourceRecord]) -> None:
        """The new resources of a burst as group messages in the digest's thread, a page of each type at a time.

        Each group message lists its resources in its metadata: one whose answer was lost (a crash, a 502) is found
        in the digest's thread by them, instead of a per-resource token written before every page.
        """
        by_id = {r.resource_id: r for r in records}
        for resource_id, ts in (await self._group_posts(channel_id, digest_ts, set(by_id))).items():
            await self._shown_new(by_id.pop(resource_id), channel_id, digest_ts, ts)
        views = [await self.view(r) for r in by_id.values()]
        for group in group_burst(BurstView(channel_id, views)):
            ordered = sorted(unique(group.resources), key=age_key)
            pages = [ordered[i : i + GROUP_PAGE] for i in range(0, len(ordered), GROUP_PAGE)]
            for message, page in zip(render_burst_group(group), pages, strict=True):
                members = [item.short_id for item in page]
                response = await self._send(channel_id, "chat.postMessage", thread_ts=digest_ts, **message,
                                            metadata=_metadata(new_token(), None, members))
                for resource_id in members:
                    await self._shown_new(by_id[resource_id], response["channel"], digest_ts, response["ts"])

    async def _group_posts(self, channel_id: str, digest_ts: str, wanted: set[str]) -> dict[str, str]:
        """Group messages already in the digest's thread that list any of `wanted`: resource id -> message ts."""
        found: dict[str, str] = {}
        async for _, message in self._recent(channel_id, None, digest_ts):
            listed = ((message.get("metadata") or {}).get("event_payload") or {}).get("resource_ids") or []
            for resource_id in listed:
                if resource_id in wanted:
                    found.setdefault(resource_id, str(message["ts"]))
        return found

    # Changes of a posted resource ---------------------------------------------------------------------------------

    async def _show_changes(self, record: ResourceRecord) -> None:
        """The steps Slack has not shown yet, as replies in order, then the message updated to the record."""
        assert record.slack_channel is not None and record.slack_thread_ts is not None
        # The message first: it is not part of the thread's order, and updating it twice changes nothing.
        await self._update_message(record)
        shown = record.slack_shown_version if record.slack_shown_version is not None else record.version - 1
        entries = ([e for e in await self.repo.history(record.resource_id) if shown < e.version <= record.version]
                   if shown < record.version else [])
        fresh: ResourceRecord | None = None
        for entry in entries:
            if Status(entry.to_status) in REPLY_STATUSES:
                await self._post_step(record, entry)
                self._progress += 1
            # Step by step, so a crash between two replies repeats neither.
            fresh = await self.repo.shown(record.resource_id, entry.version, slack_post_token=None)
        if not entries or entries[-1].version != record.version:
            fresh = await self.repo.shown(record.resource_id, record.version, slack_post_token=None)
        if fresh is not None and self.after_show is not None:
            try:
                await self.after_show(fresh)
            except Exception:
                logger.exception("after showing %s", record.resource_id)
        if record.status not in (Status.ADOPTING, Status.DELETING):
            self.notes.pop(record.resource_id, None)

    async def _post_step(self, record: ResourceRecord, entry: AuditEntry) -> None:
        assert record.slack_channel is not None and record.slack_thread_ts is not None
        prefix = f"s{entry.version}."
        if record.slack_post_token and record.slack_post_token.startswith(prefix):
            found = await self._find(record.slack_channel, record.slack_post_token[len(prefix):],
                                     record.resource_id, thread=record.slack_thread_ts)
            if found is not None:
                return
        at_step = record if entry.version == record.version else replace(
            record, status=entry.to_status, status_changed_by=entry.actor, status_changed_at=entry.at,
            version=entry.version,
        )
        rules = await self.repo.rules() if at_step.status == Status.IGNORED else ()
        view = await self.view(at_step, preview=True, rules=rules)
        note = self.notes.get(record.resource_id, JobNote()) if entry.version == record.version else JobNote()
        rule = next((r for r in rules if r.rule_id == at_step.ignore_rule_id), None)
        step = step_for(at_step, view, rule=rule, plan_summary=note.plan_summary, job_url=note.job_url,
                        error_id=note.error_id)
        if step is None:
            return
        token = new_token()
        await self.repo.annotate(record.resource_id, slack_post_token=prefix + token)
        await self._send(record.slack_channel, "chat.postMessage", thread_ts=record.slack_thread_ts,
                               **render_step(step), metadata=_metadata(token, record.resource_id))

    async def _update_message(self, record: ResourceRecord) -> None:
        """The message that shows the record, re-rendered: its own parent, or its page of a digest group."""
        assert record.slack_channel is not None
        ts = message_ts(record)
        assert ts is not None
        rules = await self.repo.rules() if record.status == Status.IGNORED else ()
        view = await self.view(record, preview=True, rules=rules)
        if record.slack_thread_ts and ts != record.slack_thread_ts:
            members = [m for m in await self._thread_records(record.slack_channel, record.slack_thread_ts)
                       if message_ts(m) == ts and m.resource_id != record.resource_id]
            views = [await self.view(m) for m in members] + [view]
            parent = render_burst_group(BurstGroup(record.tf_type, label(record.tf_type), views))[0]
        else:
            parent = render_resource_message(view)
        await self._send(record.slack_channel, "chat.update", ts=ts, **parent)

    async def _thread_records(self, channel: str, thread_ts: str) -> list[ResourceRecord]:
        def query() -> list[ResourceRecord]:
            items = ResourceModel.by_slack_thread.query(channel, ResourceModel.slack_thread_ts == thread_ts)
            return [ResourceRecord.from_model(item) for item in items]

        return await asyncio.to_thread(query)

    # Posts whose answer was lost ----------------------------------------------------------------------------------

    async def _find(self, channel: str, token: str, resource_id: str | None,
                    *, thread: str | None = None) -> tuple[str, str] | None:
        """(channel id, ts) of the message posted with `token`, searched in the channel (or thread) since the token
        was made; other copies of the same resource's message found there are retired (deleted)."""
        found: tuple[str, str] | None = None
        copies: list[str] = []
        async for channel_id, message in self._recent(channel, token, thread):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("token") == token and found is None:
                found = (channel_id, str(message["ts"]))
            elif resource_id and payload.get("resource_id") == resource_id and not thread:
                copies.append(str(message["ts"]))
        if found is not None:
            for ts in copies:
                if ts != found[1]:
                    await self._retire(channel, ts)
        return found

    async def _recent(self, channel: str, token: str | None,
                      thread: str | None) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """tfsync's posts in the channel (or thread) since the token was made (all, without one), a few pages at
        most."""
        since = token_time(token) if token else None
        args: dict[str, Any] = {"channel": channel, "limit": 200, "include_all_metadata": True}
        if thread:
            args["ts"] = thread
        if since is not None:
            args["oldest"] = f"{since - 5:.6f}"
        call = self.poster.client.conversations_replies if thread else self.poster.client.conversations_history
        for _ in range(HISTORY_PAGES):
            response = await call(**args)
            for message in response.get("messages") or []:
                if (message.get("metadata") or {}).get("event_type") == METADATA_EVENT:
                    yield str(response.get("channel") or channel), message
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return
            args["cursor"] = cursor

    async def _retire(self, channel: str, ts: str) -> None:
        try:
            await self.poster.client.chat_delete(channel=channel, ts=ts)
            logger.info("retired a second message of one resource in %s (%s)", channel, ts)
        except SlackApiError as exc:
            logger.warning("could not retire message %s in %s: %s", ts, channel, exc.response.get("error"))


def _metadata(token: str, resource_id: str | None, resource_ids: Sequence[str] = ()) -> dict[str, Any]:
    """The message metadata of a post: its token, and the resource it shows (or, for a group, the resources)."""
    payload: dict[str, Any] = {"token": token}
    if resource_id:
        payload["resource_id"] = resource_id
    if resource_ids:
        payload["resource_ids"] = list(resource_ids)
    return {"event_type": METADATA_EVENT, "event_payload": payload}


@contextlib.contextmanager
def _outages() -> Iterator[None]:
    """Slack being away (see `_unavailable`, and network errors) as SlackUnavailable; Slack's refusals as they are."""
    try:
        yield
    except SlackApiError as exc:
        if _unavailable(exc):
            raise SlackUnavailable(exc.response.get("error") or exc.response.status_code) from exc
        raise
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise SlackUnavailable(repr(exc)) from exc


def _unavailable(exc: SlackApiError) -> bool:
    """Whether Slack was away (rate limits beyond the client's retries, server errors), not refusing this call."""
    status = getattr(exc.response, "status_code", 200)
    return status == 429 or status >= 500 or exc.response.get("error") in ("ratelimited", "service_unavailable",
                                                                           "fatal_error", "internal_error")
