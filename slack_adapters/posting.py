"""One posting queue per channel: messages in order, at most one a second, whatever Slack answers.

Everything tfsync sends into a channel (new parents, chat.update of a message, thread replies) goes through the
channel's queue, one call at a time, so a thread's replies arrive in the order they were asked for. Retrying is the
client's business (slack_sdk's retry handlers answer 429s after Retry-After, and server errors): the queue keeps
only order and pace. The pace is handed from replica to replica with the channel's lease (`not_before`,
`next_post_at`), so two replicas taking turns on a channel do not post twice within a second.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

# Methods Slack counts against a channel's posting limit; chat.update is limited per method, not per channel.
PACED = frozenset({"chat.postMessage"})


@dataclass
class _Job:
    method: str
    kwargs: dict[str, Any]
    done: asyncio.Future[Any]


@dataclass
class _Channel:
    queue: asyncio.Queue[_Job] = field(default_factory=asyncio.Queue)
    worker: asyncio.Task[None] | None = None
    last_post: float = float("-inf")  # time.time() of the last paced call


class PostingQueue:
    """Sends Web API calls channel by channel, paced and in order; `send` waits for Slack's answer."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        interval: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.client = client
        self.interval = interval
        self._sleep = sleep
        self._channels: dict[str, _Channel] = {}

    def not_before(self, channel: str, when: datetime | None) -> None:
        """The next paced post into `channel` waits until `when` (another replica's last post, handed over)."""
        if when is not None:
            state = self._channels.setdefault(channel, _Channel())
            state.last_post = max(state.last_post, when.timestamp() - self.interval)

    def next_post_at(self, channel: str) -> datetime | None:
        """When the next paced post into `channel` may go, for the replica that posts into it next."""
        state = self._channels.get(channel)
        if state is None or state.last_post == float("-inf"):
            return None
        return datetime.fromtimestamp(state.last_post, UTC) + timedelta(seconds=self.interval)

    async def wait_turn(self, channel: str) -> bool:
        """Wait until a post into `channel` would go at once; True if that meant waiting."""
        state = self._channels.get(channel)
        wait = state.last_post + self.interval - time.time() if state is not None else 0.0
        if wait <= 0:
            return False
        await self._sleep(wait)
        return True

    async def send(self, channel: str, method: str, **kwargs: Any) -> Any:
        """Call `method` (chat.postMessage, chat.update) for `channel` after everything queued before it."""
        state = self._channels.setdefault(channel, _Channel())
        job = _Job(method, {"channel": channel, **kwargs}, asyncio.get_running_loop().create_future())
        state.queue.put_nowait(job)
        if state.worker is None or state.worker.done():
            state.worker = asyncio.create_task(self._work(state), name=f"slack-posting-{channel}")
        return await job.done

    async def _work(self, state: _Channel) -> None:
        while not state.queue.empty():
            job = state.queue.get_nowait()
            try:
                result = await self._call(state, job)
            except asyncio.CancelledError:
                job.done.cancel()
                raise
            except Exception as exc:  # handed to the caller, who knows what the call was for
                if not job.done.done():
                    job.done.set_exception(exc)
            else:
                if not job.done.done():
                    job.done.set_result(result)

    async def _call(self, state: _Channel, job: _Job) -> Any:
        if job.method not in PACED:
            return await self.client.api_call(job.method, json=job.kwargs)
        wait = state.last_post + self.interval - time.time()
        if wait > 0:
            await self._sleep(wait)
        try:
            return await self.client.api_call(job.method, json=job.kwargs)
        finally:
            # Counted from the answer: however long the request took on its way, the next one reaches Slack a
            # full interval after this one did.
            state.last_post = time.time()

    async def close(self) -> None:
        """Finish what is queued, then stop the workers."""
        workers = [s.worker for s in self._channels.values() if s.worker is not None]
        if workers:
            await asyncio.gather(*workers, return_exceptions=True)
