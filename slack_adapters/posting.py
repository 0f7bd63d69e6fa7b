"""One posting queue per channel: messages in order, about one a second, 429s retried after Retry-After.

Everything tfsync sends into a channel (new parents, chat.update of a parent, thread replies) goes through the
channel's queue, one call at a time, so a thread's replies arrive in the order they were asked for even when Slack
answers one of them with HTTP 429: the queue waits as told and sends that call again before the next.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
DEFAULT_RETRY_AFTER = 1.0
MAX_RETRY_AFTER = 60.0
# Methods Slack counts against a channel's posting limit; chat.update is limited per method, not per channel.
PACED = frozenset({"chat.postMessage"})


def retry_after(exc: SlackApiError) -> float | None:
    """Seconds Slack asked to wait, when the error is a 429; None otherwise."""
    if exc.response.status_code != 429:
        return None
    headers = {str(k).lower(): v for k, v in (exc.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value))) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER


@dataclass
class _Job:
    method: str
    kwargs: dict[str, Any]
    done: asyncio.Future[Any]


@dataclass
class _Channel:
    queue: asyncio.Queue[_Job] = field(default_factory=asyncio.Queue)
    worker: asyncio.Task[None] | None = None
    last_post: float = float("-inf")


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
        self.retries = 0  # 429s answered and retried, for logs and tests

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
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if job.method in PACED:
                wait = state.last_post + self.interval - time.monotonic()
                if wait > 0:
                    await self._sleep(wait)
                state.last_post = time.monotonic()
            try:
                return await self.client.api_call(job.method, json=job.kwargs)
            except SlackApiError as exc:
                delay = retry_after(exc)
                if delay is None or attempt == MAX_ATTEMPTS:
                    raise
                self.retries += 1
                logger.info("%s to %s rate limited; retrying in %.1fs", job.method, job.kwargs["channel"], delay)
                await self._sleep(delay)
                state.last_post = time.monotonic()
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def close(self) -> None:
        """Finish what is queued, then stop the workers."""
        workers = [s.worker for s in self._channels.values() if s.worker is not None]
        if workers:
            await asyncio.gather(*workers, return_exceptions=True)
