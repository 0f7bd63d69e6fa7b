"""The loop: long-poll the queue, work on up to `consumer_concurrency` messages at once, delete or release each.

A message is deleted only after everything it caused is stored and notified; deletes of messages finishing close
together share one batch call. Work that failed stays hidden until its visibility timeout and comes back (a
heartbeat keeps messages still being worked on hidden); a malformed message is released at once and left to the
queue's redrive policy, which moves it to the dead-letter queue after maxReceiveCount receives. On stop (SIGTERM or
SIGINT for the worker) work in flight gets until the shutdown deadline, and what is left is released.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import monotonic, time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bot import aws, memory, metrics
from bot.accounts import AccountAccess, Accounts
from bot.config import Settings
from bot.consumer.classifiers import ClassifierSource
from bot.consumer.handling import MessageHandler, Outcome, ServiceEventHandler
from bot.consumer.stats import ConsumerStats
from bot.consumer.storage import RecordStore
from bot.consumer.sweep import reactivate_expired_ignores
from bot.errors import ConfigError
from bot.notifier import LoggingNotifier, Notifier
from bot.state import schema
from bot.state.repository import StateRepository

logger = logging.getLogger(__name__)

SQS_BATCH = 10  # the most ReceiveMessage returns and a *Batch call takes
# Messages finishing within this many seconds of each other share one DeleteMessageBatch call.
DELETE_LINGER = 0.02
# How often the ignore rules (and Terraform states) are re-read and expired ignores are swept.
REFRESH_SECONDS = 60.0
# The longest a working consumer goes without a receive coming back, past one long poll: every slot busy for this
# long means a stuck consumer, not a busy one (messages are handled in seconds; adoptions run elsewhere).
RECEIVE_SILENCE_SECONDS = 300


@dataclass
class _InFlight:
    message: dict[str, Any]
    extended_at: float
    task: asyncio.Task[None] | None = None


@dataclass
class Consumer:
    """Long-polls one queue and turns its messages into resource records."""

    settings: Settings
    repo: StateRepository
    sqs: Any
    s3: Any
    classifiers: ClassifierSource
    notifier: Notifier = field(default_factory=LoggingNotifier)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    stats: ConsumerStats = field(default_factory=ConsumerStats)
    # Receives the non-CloudTrail events on the queue (CodeBuild state changes for the adopt runner).
    service_events: ServiceEventHandler | None = None
    # Clients in each resource's account, for the import IDs records lack; tfsync's configured roles by default.
    accounts: Accounts | None = None

    def __post_init__(self) -> None:
        if not self.settings.queue_url:
            raise ConfigError("TFSYNC_QUEUE_URL is not set: the consumer needs a queue")
        self.queue_url: str = self.settings.queue_url
        self._inflight: dict[str, _InFlight] = {}
        self._slot_freed = asyncio.Event()
        self._to_delete: list[tuple[dict[str, Any], asyncio.Future[bool]]] = []
        self._deleter: asyncio.Task[None] | None = None
        # Receive when this many slots are free, so a receive usually brings several messages, not one.
        self._receive_at = max(1, min(SQS_BATCH, self.settings.consumer_concurrency) // 2)
        # A pending notification may be taken over by anyone once its owner has had a full visibility timeout
        # (twice, to leave room for a slow notifier) without clearing it.
        self.notify_grace = 2.0 * self.settings.visibility_timeout
        store = RecordStore(self.repo, self.notifier, self.stats, self.clock, self.notify_grace)
        accounts = self.accounts or AccountAccess(self.settings)
        self._handler = MessageHandler(self.settings, self.repo, self.s3, self.classifiers, store, self.stats,
                                       clients_in=accounts.factory)
        # When the last receive came back (monotonic), for the heartbeat; the start counts as one.
        self._started = monotonic()
        self.last_receive: float | None = None

    # The loop -----------------------------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> ConsumerStats:
        """Consume until `stop` is set, then finish or release what is in flight and return."""
        heartbeat = asyncio.create_task(self._heartbeat())
        housekeeping = asyncio.create_task(self._housekeeping(stop))
        receive: asyncio.Task[list[dict[str, Any]]] | None = None
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                free = self.settings.consumer_concurrency - len(self._inflight)
                if free < self._receive_at:
                    self._slot_freed.clear()
                    freed = asyncio.create_task(self._slot_freed.wait())
                    await asyncio.wait({freed, stopping}, return_when=asyncio.FIRST_COMPLETED)
                    freed.cancel()
                    continue
                receive = asyncio.create_task(asyncio.to_thread(self._receive, min(SQS_BATCH, free)))
                await asyncio.wait({receive, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not receive.done():
                    break
                try:
                    messages = receive.result()
                except (ClientError, BotoCoreError):
                    logger.exception("receiving from %s failed; trying again", self.queue_url)
                    await asyncio.wait({stopping}, timeout=1.0)
                    continue
                finally:
                    if receive.done():
                        receive = None
                for message in messages:
                    self._start(message)
        finally:
            await self._shutdown(receive)
            if self._deleter is not None:
                await asyncio.gather(self._deleter, return_exceptions=True)
            stopping.cancel()
            heartbeat.cancel()
            housekeeping.cancel()
            await asyncio.gather(heartbeat, housekeeping, stopping, return_exceptions=True)
        return self.stats

    def _receive(self, count: int) -> list[dict[str, Any]]:
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=count,
            WaitTimeSeconds=self.settings.receive_wait_seconds,
            VisibilityTimeout=self.settings.visibility_timeout,
            MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
        )
        messages = response.get("Messages", [])
        self.stats.received += len(messages)
        self.last_receive = monotonic()
        return messages

    def vitals(self, now: float | None = None) -> str | None:
        """A problem the health check should report: no receive has come back for far longer than a long poll."""
        silent = (monotonic() if now is None else now) - (self.last_receive or self._started)
        limit = RECEIVE_SILENCE_SECONDS + self.settings.receive_wait_seconds
        if silent > limit:
            return f"the queue consumer has had no answer from SQS for {silent:.0f} s (more than {limit} s)"
        return None

    def _start(self, message: dict[str, Any]) -> None:
        entry = _InFlight(message, monotonic())
        self._inflight[message["ReceiptHandle"]] = entry
        entry.task = asyncio.create_task(self._process(message))

    async def _process(self, message: dict[str, Any]) -> None:
        receipt = message["ReceiptHandle"]
        lag = queue_lag(message, time())
        if lag is not None:
            metrics.observe(metrics.QUEUE_LAG, lag)
        try:
            try:
                outcome = await self.handle(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception(
                    "message %s failed (receive %s); it comes back after the visibility timeout",
                    message.get("MessageId"),
                    message.get("Attributes", {}).get("ApproximateReceiveCount", "?"),
                )
                outcome = Outcome.FAILED
            if outcome in (Outcome.DONE, Outcome.DUPLICATE):
                if await self._delete(message):
                    self.stats.deleted += 1
                    self.stats.duplicates += outcome is Outcome.DUPLICATE
            elif outcome is Outcome.MALFORMED:
                metrics.count(metrics.CONSUMER_ERRORS, Reason="malformed")
                # Straight back to the queue: it reaches maxReceiveCount, and so the dead-letter queue, sooner.
                await self._change_visibility([message], 0)
            else:
                metrics.count(metrics.CONSUMER_ERRORS, Reason="failed")
                self.stats.failed += 1
        finally:
            self._inflight.pop(receipt, None)
            self._slot_freed.set()

    async def _delete(self, message: dict[str, Any]) -> bool:
        """Delete a message in the next batch call; True when SQS confirmed it."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._to_delete.append((message, done))
        if self._deleter is None or self._deleter.done():
            self._deleter = asyncio.create_task(self._flush_deletes())
        return await done

    async def _flush_deletes(self) -> None:
        await asyncio.sleep(DELETE_LINGER)
        while self._to_delete:
            batch, self._to_delete = self._to_delete[:SQS_BATCH], self._to_delete[SQS_BATCH:]
            response = await self._sqs_call(
                self.sqs.delete_message_batch,
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, (m, _) in enumerate(batch)],
            )
            failed = {f["Id"]: f for f in response.get("Failed", [])} if response is not None else None
            for i, (message, done) in enumerate(batch):
                if failed is not None and str(i) in failed:
                    logger.warning("deleting message %s failed: %s", message.get("MessageId"), failed[str(i)])
                if not done.done():
                    done.set_result(failed is not None and str(i) not in failed)

    async def _sqs_call(self, func: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return await asyncio.to_thread(func, **kwargs)
        except (ClientError, BotoCoreError) as exc:
            # A message that could not be deleted or released comes back and is recognised by its marker.
            logger.warning("SQS %s failed: %s", getattr(func, "__name__", "call"), exc)
            return None

    async def _change_visibility(self, messages: Sequence[dict[str, Any]], seconds: int) -> None:
        for start in range(0, len(messages), SQS_BATCH):
            chunk = messages[start : start + SQS_BATCH]
            await self._sqs_call(
                self.sqs.change_message_visibility_batch,
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": seconds}
                    for i, m in enumerate(chunk)
                ],
            )
            if seconds == 0:
                self.stats.released += len(chunk)

    async def _heartbeat(self) -> None:
        """Keep in-flight messages hidden while their work runs (log files, a slow notifier)."""
        period = max(0.5, self.settings.visibility_timeout / 3)
        while True:
            await asyncio.sleep(period / 2)
            now = monotonic()
            due = [entry for entry in self._inflight.values() if now - entry.extended_at >= period]
            if due:
                await self._change_visibility([entry.message for entry in due], self.settings.visibility_timeout)
                for entry in due:
                    entry.extended_at = now

    async def _housekeeping(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=REFRESH_SECONDS)
            if stop.is_set():
                return
            try:
                await self.classifiers.refresh()
                await self.reactivate_expired_ignores()
            except Exception:
                logger.exception("refreshing ignore rules or sweeping expired ignores failed; keeping the old ones")

    async def _shutdown(self, receive: asyncio.Task[list[dict[str, Any]]] | None) -> None:
        """Give in-flight work until the shutdown deadline, then release what is left (visibility 0)."""
        deadline = monotonic() + self.settings.shutdown_seconds
        tasks = [entry.task for entry in self._inflight.values() if entry.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=max(0.0, deadline - monotonic()))
        unfinished = list(self._inflight.values())
        for entry in unfinished:
            if entry.task is not None:
                entry.task.cancel()
        if unfinished:
            await asyncio.gather(*(e.task for e in unfinished if e.task is not None), return_exceptions=True)
            logger.info("shutting down: releasing %d unfinished messages", len(unfinished))
            await self._change_visibility([entry.message for entry in unfinished], 0)
        self._inflight.clear()
        if receive is not None:
            # A long poll still running may yet return messages; nobody will work on them, so release them.
            done, _ = await asyncio.wait({receive}, timeout=self.settings.receive_wait_seconds + 5)
            if receive in done and receive.exception() is None and (late := receive.result()):
                await self._change_visibility(late, 0)

    # One message --------------------------------------------------------------------------------------------------

    async def handle(self, message: dict[str, Any]) -> Outcome:
        """Do everything one message asks; safe to call again for the same message."""
        return await self._handler.handle(message, self.service_events)

    async def reactivate_expired_ignores(self) -> int:
        """Ignored records whose ignore ran out go back to detected; returns how many did."""
        return await reactivate_expired_ignores(self.repo, self.notifier, self.stats, self.clock())


def queue_lag(message: dict[str, Any], now: float) -> float | None:
    """Seconds from SQS's SentTimestamp of a message (milliseconds since the epoch) to `now`, never negative (the
    clocks of SQS and this host differ a little); None when the message does not carry it."""
    sent = message.get("Attributes", {}).get("SentTimestamp")
    try:
        return max(0.0, now - int(sent) / 1000.0) if sent is not None else None
    except (TypeError, ValueError):
        return None


async def run_worker(settings: Settings, notifier: Notifier | None = None) -> ConsumerStats:
    """`python -m bot worker`: consume the queue until SIGTERM or SIGINT, then shut down cleanly."""
    if not settings.queue_url:
        raise ConfigError("TFSYNC_QUEUE_URL is not set: the worker needs a queue to consume")
    loop = asyncio.get_running_loop()
    # Every AWS call runs on a thread; enough of them for the long poll, the heartbeat and each message in flight.
    loop.set_default_executor(ThreadPoolExecutor(max_workers=settings.consumer_concurrency * 2 + 4))
    schema.configure(settings)
    repo = StateRepository(settings)
    s3 = aws.client(settings, "s3")
    classifiers = ClassifierSource(settings, repo, s3)
    await classifiers.refresh()
    consumer = Consumer(settings, repo, aws.client(settings, "sqs"), s3, classifiers, notifier or LoggingNotifier())
    # Everything long-lived is built: out of the collector's way for the rest of the process.
    memory.settle()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    logger.info("consuming %s with up to %d messages in flight", settings.queue_url, settings.consumer_concurrency)
    stats = await consumer.run(stop)
    logger.info("stopped: %s", stats.as_dict())
    return stats
