"""One queue message: envelope -> classification -> what to store.

Every step is safe to repeat: an event whose effects are all stored and notified leaves dedupe markers (as does a
message of several events or of log files, as a whole), so a message that comes back skips what it already did.
Read-only noise is classified and deleted without touching DynamoDB. A malformed message is logged once (a marker
decides "once" across replicas) and reported as such, for the loop to release it to the queue's redrive policy.

Log files are read as streams (bot/logfiles.py) and only the records that may change state are kept: at most
LOG_FILE_READERS at once (parsing holds the GIL, so more would read no faster, only hold more memory), their kept
records charged to one memory budget per process until the message is done. Before classifying records a stored
ignore rule may decide, the rules generation is checked, so a rule made or removed a moment ago on any replica
applies. The records' writes run STORE_CONCURRENCY at a time, records about the same resource one after another in
their order. What would not fit DynamoDB's limits is cut or refused with a reason first (bot/consumer/limits.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bot import metrics
from bot.accounts import ClientFactory
from bot.classify import Classification
from bot.config import Settings
from bot.consumer import limits
from bot.consumer.classifiers import ClassifierSource
from bot.consumer.gone import gone_record_ids, is_delete_call
from bot.consumer.stats import ConsumerStats
from bot.consumer.storage import RecordStore
from bot.events import CloudTrailRecord, LogFileRef, ServiceEvent, parse_body
from bot.logfiles import fetch_log_file
from bot.memory import LOG_FILE_BUDGET, MemoryBudget, Reservation
from bot.resolution import locate
from bot.state.repository import Detection, StateRepository

logger = logging.getLogger(__name__)

ServiceEventHandler = Callable[[ServiceEvent], Awaitable[None]]
_Work = list[tuple[CloudTrailRecord, Classification]]
# Log files read at once in a process.
LOG_FILE_READERS = 2
# Record writes of one message in flight at once: a log file of hundreds of detections is stored in a fraction of
# the time, without one message taking every DynamoDB connection the process has.
STORE_CONCURRENCY = 8
# Reason codes whose verdict a stored ignore rule gives or takes away.
_RULE_DECIDES = frozenset({"ignore-rule"})


def _message_key(message_id: str) -> str:
    return f"message:{message_id}"


def _may_change_state(result: Classification, record: CloudTrailRecord) -> bool:
    """Whether a record is worth keeping from a log file: what it does, or what a newer rule may make it do."""
    return (
        result.verdict in ("detected", "error")
        or result.reason_code in _RULE_DECIDES
        or is_delete_call(record)
    )


def verdict_of(result: Classification) -> str:
    """The Verdict a classification is counted under: its verdict, with the resources a Terraform state manages
    told apart from the other ignored ones."""
    return "managed" if result.verdict == "ignored" and result.reason_code == "managed" else result.verdict


class Outcome(Enum):
    DONE = "done"  # delete the message
    DUPLICATE = "duplicate"  # handled before: delete it
    MALFORMED = "malformed"  # can never succeed: release it to the redrive policy
    FAILED = "failed"  # try again after the visibility timeout


@dataclass(slots=True)
class _Item:
    """One record to store: as it came, as it is stored, its dedupe keys and the records it touches."""

    record: CloudTrailRecord
    result: Classification
    stored: CloudTrailRecord
    markers: limits.Markers | None
    resources: frozenset[str]
    detections: list[Detection] = field(default_factory=list)


@dataclass
class MessageHandler:
    """Turns one queue message into the resource records it causes; safe to call again for the same message."""

    settings: Settings
    repo: StateRepository
    s3: Any
    classifiers: ClassifierSource
    store: RecordStore
    stats: ConsumerStats
    # One per process unless a test gives its own: what the log files of every message in flight may hold.
    budget: MemoryBudget = field(default_factory=lambda: LOG_FILE_BUDGET)
    # Clients in an account, for the lookups of import IDs records lack (bot/resolution.py).
    clients_in: Callable[[str], ClientFactory] | None = None

    def __post_init__(self) -> None:
        self._readers = asyncio.Semaphore(LOG_FILE_READERS)

    async def handle(self, message: dict[str, Any], service_events: ServiceEventHandler | None = None) -> Outcome:
        """Do everything one message asks; `service_events` receives its non-CloudTrail events."""
        with self.budget.reservation() as reservation:
            return await self._handle(message, service_events, reservation)

    async def _handle(
        self, message: dict[str, Any], service_events: ServiceEventHandler | None, reservation: Reservation
    ) -> Outcome:
        message_id = message["MessageId"]
        message_key = _message_key(message_id)
        envelope = parse_body(message.get("Body", ""), f"sqs:{message_id}", self.settings.max_message_bytes)
        problems = [str(error) for error in envelope.errors]
        records = list(envelope.records)
        if envelope.log_files:
            if await self.repo.seen([message_key]):  # before fetching what may be megabytes again
                return Outcome.DUPLICATE
            if not await self._read_log_files(message_id, envelope.log_files, records, problems, reservation):
                return Outcome.FAILED
        for note in envelope.notes:
            logger.info("%s", note)
        if envelope.service_events and not await self._hand_over(message_id, envelope.service_events, service_events):
            return Outcome.FAILED
        work = await self._classify(records, problems)
        if work and not await self._store(message_id, work, bool(envelope.log_files), problems):
            return Outcome.DUPLICATE
        if problems:
            await self._report_malformed(message_id, problems)
            return Outcome.MALFORMED
        return Outcome.DONE

    async def _read_log_files(
        self,
        message_id: str,
        refs: Sequence[LogFileRef],
        records: list[CloudTrailRecord],
        problems: list[str],
        reservation: Reservation,
    ) -> bool:
        """Add the log files' records that may change state, and their problems; False when one was unreadable."""
        classifier = self.classifiers.current

        def keep(record: CloudTrailRecord) -> bool:
            return _may_change_state(classifier.classify(record), record)

        for ref in refs:
            async with self._readers:
                part = await asyncio.to_thread(
                    fetch_log_file, self.s3, ref, self.settings.max_log_file_bytes,
                    record_limit=self.settings.max_message_bytes, keep=keep, reservation=reservation,
                )  # fmt: skip
            if part.errors and not part.records and any(error.transient for error in part.errors):
                # Unreachable or missing: worth another try; the redrive policy ends it.
                errors = "; ".join(map(str, part.errors))
                logger.warning("message %s: log file %s: %s", message_id, ref.uri, errors)
                return False
            # A file that can never be read (over the limit, corrupt, not CloudTrail's) is malformed: reported once
            # with its reason and released to the dead-letter queue, not read again on every delivery.
            records.extend(part.records)
            problems.extend(str(error) for error in part.errors)
            for note in part.notes:
                logger.info("%s", note)
        return True

    async def _hand_over(
        self, message_id: str, events: Sequence[ServiceEvent], handler: ServiceEventHandler | None
    ) -> bool:
        """Pass the service events on; False when the handler failed."""
        # Build results are the runner's business: handed over, and the message kept for redelivery when the
        # handler fails, so a build's end is never lost.
        self.stats.service_events += len(events)
        if handler is None:
            return True
        for event in events:
            try:
                await handler(event)
            except Exception:
                logger.exception("message %s: handling %s failed", message_id, event.kind)
                return False
        return True

    async def _classify(self, records: Sequence[CloudTrailRecord], problems: list[str]) -> _Work:
        """The records that change state (detections and delete calls), each with its classification."""
        # Classification is pure and cheap; only records that change state cost a DynamoDB call, so read-only
        # noise (most of the queue) is deleted without one.
        results = [(record, self.classifiers.current.classify(record)) for record in records]
        rules_matter = any(r.verdict == "detected" or r.reason_code in _RULE_DECIDES for _, r in results)
        if rules_matter and await self.classifiers.ensure_current():
            results = [(record, self.classifiers.current.classify(record)) for record, _ in results]
        results = [(record, await self._locate(record, result)) for record, result in results]
        work: _Work = []
        verdicts: Counter[str] = Counter()
        for record, result in results:
            verdicts[verdict_of(result)] += 1
            if result.verdict == "error":
                problems.append(f"{result.source}: {result.reason}")
            elif result.verdict == "detected" or is_delete_call(record):
                work.append((record, result))
        for verdict, n in verdicts.items():
            metrics.count(metrics.DETECTIONS, n, Verdict=verdict)
        return work

    async def _locate(self, record: CloudTrailRecord, result: Classification) -> Classification:
        """The classification with the import IDs its record lacked found (or why not), screened again with them."""
        if result.verdict != "detected" or not any(r.resolve for r in result.resources):
            return result
        clients_in = self.clients_in
        if clients_in is None:
            return result
        located = [await asyncio.to_thread(locate, r, clients_in(r.account_id)) if r.resolve else r
                   for r in result.resources]
        return self.classifiers.current.screen(record, located)

    async def _store(self, message_id: str, work: _Work, from_log_files: bool, problems: list[str]) -> bool:
        """Store what the records of `work` say, skipping events already done; False when the message was."""
        message_key = _message_key(message_id)
        # A message of one event is covered by that event's markers; others also get a marker of their own.
        own_marker = from_log_files or len(work) > 1 or not work[0][0].event_id
        items = [self._prepare(record, result, problems) for record, result in work]
        keys = [key for item in items if item.markers for key in (item.markers.id_key, item.markers.content_key)]
        seen = await self.repo.seen([*keys, message_key] if own_marker and not from_log_files else keys)
        if message_key in seen:
            return False
        todo = self._unseen(items, seen)
        await self._run_grouped(todo, message_id)
        if own_marker and not problems:
            await self.repo.remember(message_key)
        return True

    def _prepare(self, record: CloudTrailRecord, result: Classification, problems: list[str]) -> _Item:
        """The record as it will be stored: cut to DynamoDB's limits, with the reason logged."""
        stored, notes = limits.fit_record(record)
        item = _Item(record, result, stored, limits.markers(record), frozenset())
        resources: set[str] = set()
        if result.verdict == "detected":
            for resource in result.resources:
                detection = Detection(resource, record.event_id, record.event_name, record.event_time)
                fitted = limits.fit_detection(detection)
                if fitted.detection is None:
                    problems.append(f"{record.source}: {fitted.problem}")
                    continue
                notes.extend(fitted.notes)
                item.detections.append(fitted.detection)
                resources.add(fitted.detection.resource_id)
        elif is_delete_call(record):
            resources |= gone_record_ids(record, self.settings.own_role_arns) or set()
        item.resources = frozenset(resources)
        for note in dict.fromkeys(notes):
            logger.warning("%s: stored cut to DynamoDB's limits: %s", record.source, note)
        return item

    def _unseen(self, items: Sequence[_Item], seen: set[str]) -> list[_Item]:
        """The items whose event is not done yet (nor met earlier in the message), warning about different events
        that share one eventID."""
        todo: list[_Item] = []
        taken: set[str] = set()
        first_content: dict[str, str] = {}  # id key -> the content key first met in this message
        for item in items:
            markers = item.markers
            if markers is None:
                todo.append(item)
                continue
            if markers.content_key in seen or markers.content_key in taken:
                self.stats.events_skipped += 1
                continue
            taken.add(markers.content_key)
            first = first_content.setdefault(markers.id_key, markers.content_key)
            if markers.id_key in seen or first != markers.content_key:
                logger.warning(
                    "%s: eventID %s was seen with other content (another event reuses it): processed all the same",
                    item.record.source, item.stored.event_id,
                )  # fmt: skip
            todo.append(item)
        return todo

    async def _run_grouped(self, items: list[_Item], owner: str) -> None:
        """Handle the items STORE_CONCURRENCY at a time; items about a common resource in order, one at a time."""
        groups = iter(_groups(items))

        async def worker() -> None:
            for group in groups:  # one iterator shared: each group goes to one worker
                for item in group:
                    await self._handle_item(item, owner)

        workers = min(STORE_CONCURRENCY, len(items))
        if workers <= 1:
            await worker()
            return
        try:
            async with asyncio.TaskGroup() as tasks:
                for _ in range(workers):
                    tasks.create_task(worker())
        except BaseExceptionGroup as failed:
            raise failed.exceptions[0] from None  # the loop logs and retries it like any failed message

    async def _report_malformed(self, message_id: str, problems: Sequence[str]) -> None:
        if await self.repo.remember(f"malformed:{message_id}"):
            self.stats.malformed += 1
            logger.warning(
                "message %s is malformed and is left to the dead-letter queue: %s", message_id, "; ".join(problems)
            )

    async def _handle_item(self, item: _Item, owner: str) -> None:
        """Store what one detection or deletion record says, and notify."""
        # The event's markers are written only when everything it caused is stored and notified: a marker written
        # while another message still owes a notification would let that message skip the event if it came back.
        complete = False
        if item.result.verdict == "detected":
            complete = bool(item.detections)
            for detection in item.detections:
                complete &= await self.store.store(detection, owner)
        elif is_delete_call(item.record):
            rids = gone_record_ids(item.record, self.settings.own_role_arns)
            complete = rids is not None and await self.store.mark_gone(rids, item.stored, owner)
        if complete and item.markers:
            await self.repo.mark((item.markers.id_key, item.markers.content_key))


def _groups(items: Sequence[_Item]) -> Iterator[list[_Item]]:
    """The items in groups that share no resource, each group in the items' order."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, item in enumerate(items):
        for rid in item.resources:
            if rid in owner:
                parent[root(index)] = root(owner[rid])
            else:
                owner[rid] = index
    groups: dict[int, list[_Item]] = {}
    for index, item in enumerate(items):
        groups.setdefault(root(index), []).append(item)
    return iter(groups.values())
