"""The SQS consumer: queue message -> envelope -> classification -> resource record -> notifier -> delete.

SQS delivers at least once and replicas race, so every step is safe to repeat: a record is created only if absent,
a status changes only by a conditional write, and an event whose effects are all stored and notified leaves a
dedupe marker (as does a message of several events or of log files, as a whole). Read-only noise is classified
and deleted without touching DynamoDB. A message is deleted only after everything it caused is stored and
notified. Work that failed stays hidden until its visibility timeout and comes back; a malformed message is logged
once (a marker decides "once" across replicas), released, and left to the queue's redrive policy, which moves it
to the dead-letter queue after maxReceiveCount receives.

Notification is at least once and, in effect, once: the write that changes a record also leaves a pending
notification owned by the queue message that made it. Only the owner's message (or, after the pending
notification is overdue, anyone) notifies and clears it, so a duplicate of the event in another message does not
notify again, and a crash before notifying is repaired when the owner's message comes back.

Deletion of a known resource outside tfsync: the catalog entries name their delete events, but resolve() reads
only creations. Instead of a parser per delete event, every string in the delete call's request and response
(and the last part of every ARN among them) is a candidate import ID; the candidates' record ids are looked up
in one batch, and each record found becomes `gone`. A delete call names the resources it deletes by the same
identifiers their import IDs are made of (bucket name, instance id, ARN), which this covers without per-type code;
composite import IDs made of two request fields would need a helper of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from time import monotonic
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bot import aws
from bot.catalog import CatalogEntry, entries
from bot.classify import Classification, Classifier
from bot.config import Settings
from bot.errors import ConfigError
from bot.events import CloudTrailRecord, ServiceEvent, parse_body
from bot.filters import actor_of, record_filter
from bot.logfiles import fetch_log_file
from bot.notifier import LoggingNotifier, Notifier, RecordChange
from bot.rules import IgnoreRule, load_rules
from bot.state import schema
from bot.state.errors import StateError, TransitionConflict
from bot.state.records import ResourceRecord, resource_id
from bot.state.repository import Detection, StateRepository, parse_event_time
from bot.state.status import Status

logger = logging.getLogger(__name__)

SQS_BATCH = 10  # the most ReceiveMessage returns and a *Batch call takes
# Messages finishing within this many seconds of each other share one DeleteMessageBatch call.
DELETE_LINGER = 0.02
# How often the ignore rules (and Terraform states) are re-read and expired ignores are swept.
REFRESH_SECONDS = 60.0
# Filter verdicts meaning a delete call is not someone deleting the resource outside tfsync: it failed, or it is
# tfsync's own delete executor (which records `deleted` itself).
_NOT_AN_OUTSIDE_DELETE = frozenset({"failed-call", "not-an-api-call", "tfsync-role", "read-only"})
_MAX_CANDIDATES = 64
_MAX_DEPTH = 5
_RACE_RETRIES = 5
# What a re-created resource does not inherit from its earlier life.
_CLEARED_ON_REOPEN = (
    "job_runner", "job_id", "job_result", "job_link", "job_error", "ignore_scope", "ignore_until", "ignore_rule_id"
)


def _delete_events() -> Mapping[tuple[str, str], tuple[CatalogEntry, ...]]:
    table: dict[tuple[str, str], list[CatalogEntry]] = {}
    for entry in entries():
        for event_name in entry.delete_events:
            table.setdefault((entry.event_source, event_name), []).append(entry)
    return {key: tuple(value) for key, value in table.items()}


DELETE_EVENTS = _delete_events()


def delete_candidates(record: CloudTrailRecord) -> list[str]:
    """Every identifier a delete call names: strings of its request and response, and the tails of ARNs."""
    found: dict[str, None] = {}

    def walk(value: Any, depth: int) -> Iterator[str]:
        if depth > _MAX_DEPTH:
            return
        if isinstance(value, str):
            yield value
            if value.startswith("arn:"):
                resource = value.split(":", 5)[-1]
                yield resource.rsplit("/", 1)[-1]
                yield resource.rsplit(":", 1)[-1]
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item, depth + 1)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item, depth + 1)

    for part in (record.request, record.response):
        for candidate in walk(part, 0):
            if candidate and len(candidate) <= 2048:
                found.setdefault(candidate)
            if len(found) >= _MAX_CANDIDATES:
                return list(found)
    return list(found)


class Outcome(Enum):
    DONE = "done"  # delete the message
    DUPLICATE = "duplicate"  # handled before: delete it
    MALFORMED = "malformed"  # can never succeed: release it to the redrive policy
    FAILED = "failed"  # try again after the visibility timeout


@dataclass
class ConsumerStats:
    received: int = 0
    deleted: int = 0
    duplicates: int = 0
    malformed: int = 0
    failed: int = 0
    released: int = 0
    events_skipped: int = 0
    records_created: int = 0
    records_updated: int = 0
    notified: int = 0
    service_events: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


class ClassifierSource:
    """The classifier in use, rebuilt from the ignore-rules file, the stored rules and the Terraform states."""

    def __init__(self, settings: Settings, repo: StateRepository | None = None, s3: Any = None) -> None:
        self.settings = settings
        self.repo = repo
        self._file_rules: tuple[IgnoreRule, ...] = (
            load_rules(settings.ignore_rules_file) if settings.ignore_rules_file else ()
        )
        self._reader = None
        if settings.state_locations and s3 is not None:
            from bot.managed import StateReader

            self._reader = StateReader(s3, settings.state_locations, settings.max_log_file_bytes)
        self.current = Classifier(own_roles=settings.own_role_arns, ignore_rules=self._file_rules)

    @classmethod
    def fixed(cls, settings: Settings, classifier: Classifier) -> ClassifierSource:
        source = cls(settings)
        source.current = classifier
        return source

    async def refresh(self) -> None:
        if self.repo is None and self._reader is None:
            return
        stored = [rule.to_rule() for rule in await self.repo.rules()] if self.repo else []
        managed = await asyncio.to_thread(self._reader.load) if self._reader else None
        self.current = Classifier(
            own_roles=self.settings.own_role_arns, ignore_rules=(*self._file_rules, *stored), managed=managed
        )


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
    service_events: Callable[[ServiceEvent], Awaitable[None]] | None = None

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
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        messages = response.get("Messages", [])
        self.stats.received += len(messages)
        return messages

    def _start(self, message: dict[str, Any]) -> None:
        entry = _InFlight(message, monotonic())
        self._inflight[message["ReceiptHandle"]] = entry
        entry.task = asyncio.create_task(self._process(message))

    async def _process(self, message: dict[str, Any]) -> None:
        receipt = message["ReceiptHandle"]
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
                # Straight back to the queue: it reaches maxReceiveCount, and so the dead-letter queue, sooner.
                await self._change_visibility([message], 0)
            else:
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
        message_id = message["MessageId"]
        message_key = f"message:{message_id}"
        envelope = parse_body(message.get("Body", ""), f"sqs:{message_id}", self.settings.max_message_bytes)
        problems = [str(error) for error in envelope.errors]
        records = list(envelope.records)
        if envelope.log_files:
            if await self.repo.seen([message_key]):  # before fetching what may be megabytes again
                return Outcome.DUPLICATE
            for ref in envelope.log_files:
                part = await asyncio.to_thread(fetch_log_file, self.s3, ref, self.settings.max_log_file_bytes)
                if part.errors and not part.records:
                    # Unreachable, missing or unreadable as a whole: worth another try; the redrive policy ends it.
                    errors = "; ".join(map(str, part.errors))
                    logger.warning("message %s: log file %s: %s", message_id, ref.uri, errors)
                    return Outcome.FAILED
                records.extend(part.records)
                problems.extend(str(error) for error in part.errors)
        for note in envelope.notes:
            logger.info("%s", note)
        if envelope.service_events:
            # Build results are the runner's business: handed over, and the message kept for redelivery when the
            # handler fails, so a build's end is never lost.
            self.stats.service_events += len(envelope.service_events)
            if self.service_events is not None:
                for event in envelope.service_events:
                    try:
                        await self.service_events(event)
                    except Exception:
                        logger.exception("message %s: handling %s failed", message_id, event.kind)
                        return Outcome.FAILED

        # Classification is pure and cheap; only records that change state cost a DynamoDB call, so read-only
        # noise (most of the queue) is deleted without one.
        classifier = self.classifiers.current
        work: list[tuple[CloudTrailRecord, Classification]] = []
        for record in records:
            result = classifier.classify(record)
            if result.verdict == "error":
                problems.append(f"{result.source}: {result.reason}")
            elif result.verdict == "detected" or (record.event_source, record.event_name) in DELETE_EVENTS:
                work.append((record, result))
        if work:
            # A message of one event is covered by that event's marker; others also get a marker of their own.
            own_marker = bool(envelope.log_files) or len(work) > 1 or not work[0][0].event_id
            keys = [f"event:{record.event_id}" for record, _ in work if record.event_id]
            seen = await self.repo.seen([*keys, message_key] if own_marker and not envelope.log_files else keys)
            if message_key in seen:
                return Outcome.DUPLICATE
            for record, result in work:
                if record.event_id and f"event:{record.event_id}" in seen:
                    self.stats.events_skipped += 1
                    continue
                await self._handle_record(record, result, message_id)
            if own_marker and not problems:
                await self.repo.remember(message_key)

        if problems:
            await self._report_malformed(message_id, problems)
            return Outcome.MALFORMED
        return Outcome.DONE

    async def _report_malformed(self, message_id: str, problems: Sequence[str]) -> None:
        if await self.repo.remember(f"malformed:{message_id}"):
            self.stats.malformed += 1
            logger.warning(
                "message %s is malformed and is left to the dead-letter queue: %s", message_id, "; ".join(problems)
            )

    async def _handle_record(self, record: CloudTrailRecord, result: Classification, owner: str) -> None:
        """Store what one detection or deletion record says, and notify."""
        # The event's marker is written only when everything it caused is stored and notified: a marker written
        # while another message still owes a notification would let that message skip the event if it came back.
        complete = False
        if result.verdict == "detected":
            complete = True
            for resource in result.resources:
                detection = Detection(resource, record.event_id, record.event_name, record.event_time)
                complete &= await self._store(detection, owner)
        elif (record.event_source, record.event_name) in DELETE_EVENTS:
            complete = await self._apply_deletion(record, owner)
        if complete and record.event_id:
            await self.repo.remember(f"event:{record.event_id}")

    async def _store(self, detection: Detection, owner: str) -> bool:
        """Store one detection; False while another message still owes the notification of its change."""
        created = await self.repo.create_detected(detection, owner=owner, notify_grace=self.notify_grace)
        if created is not None:
            self.stats.records_created += 1
            await self.repo.write_creation_audit(created)
            await self._notify(created, detection.event_id or None)
            return True
        rid = detection.resource_id
        for _ in range(_RACE_RETRIES):
            existing = await self.repo.get(rid)
            if existing is None:
                raise StateError(f"resource {rid} exists and does not: it was removed while being stored")
            if detection.event_id and detection.event_id in existing.event_ids:
                return await self._finish_pending(existing, owner)  # the same event again
            if existing.status in (Status.GONE, Status.DELETED) and _newer(detection.at, existing.status_event_time):
                try:
                    reopened = await self.repo.transition(
                        rid,
                        Status.DETECTED,
                        expected_status=existing.status,
                        expected_version=existing.version,
                        actor=detection.resource.actor,
                        reason=f"created again by {detection.event_name}",
                        detection=detection,
                        changes=dict.fromkeys(_CLEARED_ON_REOPEN),
                        event_id=detection.event_id or None,
                        event_time=detection.at,
                        notify_owner=owner,
                        notify_kind="reopened",
                        notify_grace=self.notify_grace,
                    )
                except TransitionConflict:
                    continue
                self.stats.records_updated += 1
                await self._notify(reopened, detection.event_id or None)
                return True
            # Another event about a live record (a second trail, a console retry): remember it, change nothing.
            sighted = existing
            if detection.event_id:
                sighted = await self.repo.add_sighting(rid, detection.event_id) or existing
                self.stats.records_updated += 1
            return await self._finish_pending(sighted, owner)
        raise StateError(f"resource {rid}: lost {_RACE_RETRIES} races in a row storing {detection.event_id}")

    async def _apply_deletion(self, record: CloudTrailRecord, owner: str) -> bool:
        """Mark the known resources a delete call removed as gone; True when that is all done and notified."""
        verdict = record_filter(record, self.settings.own_role_arns)
        if verdict is not None and verdict.code in _NOT_AN_OUTSIDE_DELETE:
            return False
        candidates = delete_candidates(record)
        rids = {
            resource_id(record.account_id, record.aws_region, entry.tf_type, candidate)
            for entry in DELETE_EVENTS[(record.event_source, record.event_name)]
            for candidate in candidates
        }
        known = await self.repo.get_many(rids)
        complete = [await self._mark_gone(rec, record, owner) for rec in known.values()]
        return bool(known) and all(complete)

    async def _mark_gone(self, rec: ResourceRecord, record: CloudTrailRecord, owner: str) -> bool:
        at = parse_event_time(record.event_time)
        for _ in range(_RACE_RETRIES):
            if rec.status == Status.GONE:
                return await self._finish_pending(rec, owner)
            if not _newer(at, rec.status_event_time, or_equal=True):
                return True  # an older deletion than the record's state (a re-creation came after it)
            try:
                gone = await self.repo.transition(
                    rec.resource_id,
                    Status.GONE,
                    expected_status=rec.status,
                    expected_version=rec.version,
                    actor=actor_of(record),
                    reason=f"{record.event_name} outside tfsync",
                    event_id=record.event_id or None,
                    event_time=at,
                    notify_owner=owner,
                    notify_kind="gone",
                    notify_grace=self.notify_grace,
                )
            except TransitionConflict:
                fresh = await self.repo.get(rec.resource_id)
                if fresh is None:
                    return True
                rec = fresh
                continue
            self.stats.records_updated += 1
            await self._notify(gone, record.event_id or None)
            return True
        raise StateError(f"resource {rec.resource_id}: lost {_RACE_RETRIES} races in a row marking it gone")

    async def _finish_pending(self, record: ResourceRecord, owner: str) -> bool:
        """Notify a change still pending on the record if it is ours, or overdue; False when another owner will."""
        if record.notify_version is None:
            return True
        overdue = record.notify_due is not None and record.notify_due <= self.clock()
        if record.notify_owner != owner and not overdue:
            return False
        claimed = await self.repo.claim_notification(record, owner, self.notify_grace)
        if claimed is None or claimed.notify_version is None:
            return False  # someone else took it over first
        if claimed.notify_version == 1:
            await self.repo.write_creation_audit(claimed)  # the crash may have come before it
        await self._notify(claimed, None)
        return True

    async def _notify(self, record: ResourceRecord, event_id: str | None) -> None:
        if record.notify_version is None:
            return
        kind = record.notify_kind or "created"
        await self.notifier.notify(RecordChange(kind, record, event_id))  # type: ignore[arg-type]
        self.stats.notified += 1
        await self.repo.notification_done(record.resource_id, record.notify_version)

    async def reactivate_expired_ignores(self) -> int:
        """Ignored records whose ignore ran out go back to detected; returns how many did."""
        count = 0
        for rec in await self.repo.expired_ignores(self.clock()):
            try:
                back = await self.repo.transition(
                    rec.resource_id,
                    Status.DETECTED,
                    expected_status=rec.status,
                    expected_version=rec.version,
                    actor="tfsync",
                    reason=f"ignore ({rec.ignore_scope or 'this resource'}) expired",
                    changes={"ignore_scope": None, "ignore_until": None, "ignore_rule_id": None},
                )
            except TransitionConflict:
                continue  # someone undid or changed it meanwhile
            count += 1
            await self.notifier.notify(RecordChange("reactivated", back, None))
            self.stats.notified += 1
        return count


def _newer(event_time: datetime | None, state_time: datetime | None, *, or_equal: bool = False) -> bool:
    """Whether an event is newer than the state a record is in; unknown times count as newer."""
    if event_time is None or state_time is None:
        return True
    return event_time >= state_time if or_equal else event_time > state_time


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
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    logger.info("consuming %s with up to %d messages in flight", settings.queue_url, settings.consumer_concurrency)
    stats = await consumer.run(stop)
    logger.info("stopped: %s", stats.as_dict())
    return stats
