"""One queue message: envelope -> classification -> what to store.

Every step is safe to repeat: an event whose effects are all stored and notified leaves a dedupe marker (as does a
message of several events or of log files, as a whole), so a message that comes back skips what it already did.
Read-only noise is classified and deleted without touching DynamoDB. A malformed message is logged once (a marker
decides "once" across replicas) and reported as such, for the loop to release it to the queue's redrive policy.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.classify import Classification
from bot.config import Settings
from bot.consumer.classifiers import ClassifierSource
from bot.consumer.gone import gone_record_ids, is_delete_call
from bot.consumer.stats import ConsumerStats
from bot.consumer.storage import RecordStore
from bot.events import CloudTrailRecord, LogFileRef, ServiceEvent, parse_body
from bot.logfiles import fetch_log_file
from bot.state.repository import Detection, StateRepository

logger = logging.getLogger(__name__)

ServiceEventHandler = Callable[[ServiceEvent], Awaitable[None]]
_Work = list[tuple[CloudTrailRecord, Classification]]


def _message_key(message_id: str) -> str:
    return f"message:{message_id}"


class Outcome(Enum):
    DONE = "done"  # delete the message
    DUPLICATE = "duplicate"  # handled before: delete it
    MALFORMED = "malformed"  # can never succeed: release it to the redrive policy
    FAILED = "failed"  # try again after the visibility timeout


@dataclass
class MessageHandler:
    """Turns one queue message into the resource records it causes; safe to call again for the same message."""

    settings: Settings
    repo: StateRepository
    s3: Any
    classifiers: ClassifierSource
    store: RecordStore
    stats: ConsumerStats

    async def handle(self, message: dict[str, Any], service_events: ServiceEventHandler | None = None) -> Outcome:
        """Do everything one message asks; `service_events` receives its non-CloudTrail events."""
        message_id = message["MessageId"]
        message_key = _message_key(message_id)
        envelope = parse_body(message.get("Body", ""), f"sqs:{message_id}", self.settings.max_message_bytes)
        problems = [str(error) for error in envelope.errors]
        records = list(envelope.records)
        if envelope.log_files:
            if await self.repo.seen([message_key]):  # before fetching what may be megabytes again
                return Outcome.DUPLICATE
            if not await self._read_log_files(message_id, envelope.log_files, records, problems):
                return Outcome.FAILED
        for note in envelope.notes:
            logger.info("%s", note)
        if envelope.service_events and not await self._hand_over(message_id, envelope.service_events, service_events):
            return Outcome.FAILED
        work = self._classify(records, problems)
        if work and not await self._store(message_id, work, bool(envelope.log_files), problems):
            return Outcome.DUPLICATE
        if problems:
            await self._report_malformed(message_id, problems)
            return Outcome.MALFORMED
        return Outcome.DONE

    async def _read_log_files(
        self, message_id: str, refs: Sequence[LogFileRef], records: list[CloudTrailRecord], problems: list[str]
    ) -> bool:
        """Add the log files' records and problems; False when one could not be read at all."""
        for ref in refs:
            part = await asyncio.to_thread(fetch_log_file, self.s3, ref, self.settings.max_log_file_bytes)
            if part.errors and not part.records:
                # Unreachable, missing or unreadable as a whole: worth another try; the redrive policy ends it.
                errors = "; ".join(map(str, part.errors))
                logger.warning("message %s: log file %s: %s", message_id, ref.uri, errors)
                return False
            records.extend(part.records)
            problems.extend(str(error) for error in part.errors)
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

    def _classify(self, records: Sequence[CloudTrailRecord], problems: list[str]) -> _Work:
        """The records that change state (detections and delete calls), each with its classification."""
        # Classification is pure and cheap; only records that change state cost a DynamoDB call, so read-only
        # noise (most of the queue) is deleted without one.
        classifier = self.classifiers.current
        work: _Work = []
        for record in records:
            result = classifier.classify(record)
            if result.verdict == "error":
                problems.append(f"{result.source}: {result.reason}")
            elif result.verdict == "detected" or is_delete_call(record):
                work.append((record, result))
        return work

    async def _store(self, message_id: str, work: _Work, from_log_files: bool, problems: Sequence[str]) -> bool:
        """Store what the records of `work` say, skipping events already done; False when the message was."""
        message_key = _message_key(message_id)
        # A message of one event is covered by that event's marker; others also get a marker of their own.
        own_marker = from_log_files or len(work) > 1 or not work[0][0].event_id
        keys = [f"event:{record.event_id}" for record, _ in work if record.event_id]
        seen = await self.repo.seen([*keys, message_key] if own_marker and not from_log_files else keys)
        if message_key in seen:
            return False
        for record, result in work:
            if record.event_id and f"event:{record.event_id}" in seen:
                self.stats.events_skipped += 1
                continue
            await self._handle_record(record, result, message_id)
        if own_marker and not problems:
            await self.repo.remember(message_key)
        return True

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
                complete &= await self.store.store(detection, owner)
        elif is_delete_call(record):
            rids = gone_record_ids(record, self.settings.own_role_arns)
            complete = rids is not None and await self.store.mark_gone(rids, record, owner)
        if complete and record.event_id:
            await self.repo.remember(f"event:{record.event_id}")
