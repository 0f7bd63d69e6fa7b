"""Resource records: what a detection or a deletion changes, and the notification of each change.

Every write is safe to repeat, as SQS delivers at least once and replicas race: a record is created only if absent,
and a status changes only by a conditional write (a lost race reads the record again and retries).

Notification is at least once and, in effect, once: the write that changes a record also leaves a pending
notification owned by the queue message that made it. Only the owner's message (or, after the pending
notification is overdue, anyone) notifies and clears it, so a duplicate of the event in another message does not
notify again, and a crash before notifying is repaired when the owner's message comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from bot.consumer.stats import ConsumerStats
from bot.events import CloudTrailRecord
from bot.filters import actor_of
from bot.notifier import ChangeKind, Notifier, RecordChange
from bot.state.errors import StateError, TransitionConflict
from bot.state.records import ResourceRecord
from bot.state.repository import Detection, StateRepository, parse_event_time
from bot.state.status import Status

_RACE_RETRIES = 5
# What a re-created resource does not inherit from its earlier life.
_CLEARED_ON_REOPEN = (
    "job_runner", "job_id", "job_result", "job_link", "job_error", "ignore_scope", "ignore_until", "ignore_rule_id"
)


@dataclass
class RecordStore:
    """Stores detections and deletions in resource records, and notifies each change it makes."""

    repo: StateRepository
    notifier: Notifier
    stats: ConsumerStats
    clock: Callable[[], datetime]
    # A pending notification may be taken over by anyone once it has been pending this many seconds.
    notify_grace: float

    async def store(self, detection: Detection, owner: str) -> bool:
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
                reopened = await self._reopen(existing, detection, owner)
                if reopened is None:
                    continue
                return True
            # Another event about a live record (a second trail, a console retry): remember it, change nothing.
            sighted = existing
            if detection.event_id:
                sighted = await self.repo.add_sighting(rid, detection.event_id) or existing
                self.stats.records_updated += 1
            return await self._finish_pending(sighted, owner)
        raise StateError(f"resource {rid}: lost {_RACE_RETRIES} races in a row storing {detection.event_id}")

    async def _reopen(self, existing: ResourceRecord, detection: Detection, owner: str) -> ResourceRecord | None:
        """A gone or deleted resource created again: detected anew; None when another write came first."""
        try:
            reopened = await self.repo.transition(
                existing.resource_id,
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
            return None
        self.stats.records_updated += 1
        await self._notify(reopened, detection.event_id or None)
        return reopened

    async def mark_gone(self, rids: Iterable[str], record: CloudTrailRecord, owner: str) -> bool:
        """Mark the known resources among `rids` gone, deleted by `record`; True when that is all done and notified."""
        known = await self.repo.get_many(rids)
        complete = [await self._mark_one_gone(rec, record, owner) for rec in known.values()]
        return bool(known) and all(complete)

    async def _mark_one_gone(self, rec: ResourceRecord, record: CloudTrailRecord, owner: str) -> bool:
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
        # Stored as text: the writes that leave a pending notification name one of the change kinds.
        kind = cast(ChangeKind, record.notify_kind or "created")
        shown = await self.notifier.notify(RecordChange(kind, record, event_id))
        self.stats.notified += 1
        if shown:
            await self.repo.notification_done(record.resource_id, record.notify_version)


def _newer(event_time: datetime | None, state_time: datetime | None, *, or_equal: bool = False) -> bool:
    """Whether an event is newer than the state a record is in; unknown times count as newer."""
    if event_time is None or state_time is None:
        return True
    return event_time >= state_time if or_equal else event_time > state_time
