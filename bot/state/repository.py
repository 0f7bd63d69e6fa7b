"""The async face of the state tables: every PynamoDB call runs on a worker thread, so the event loop never blocks.

Races are decided by DynamoDB conditions, never by reading first and writing after: a record is created only if
absent, a status changes only from the (status, version) the caller saw, and a dedupe marker is created only if
absent. The version counts status changes (and re-detections); bookkeeping that is not a change of state (the
Slack thread, a second sighting, notification progress) does not move it, so it never makes a person's click lose.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from bot.classify import Resource
from bot.config import Settings
from bot.state import generation, schema
from bot.state.errors import ResourceIdCollision, ResourceNotFound, StateError, TransitionConflict
from bot.state.records import (
    DETAIL_FIELDS,
    IGNORE_SCOPES,
    AuditEntry,
    IgnoreRuleRecord,
    ResourceRecord,
    resource_id,
    stored_fact,
)
from bot.state.status import OPEN_STATUSES, Status, check_transition
from bot.state.tables import (
    CONDITION_FAILED,
    AuditModel,
    DedupeModel,
    IgnoreRuleModel,
    ResourceModel,
    conditional_update,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")
_CONDITION_FAILED = CONDITION_FAILED
# Cancellation reasons that mean another writer got there first (DynamoDB names a clash of two transactions
# on one item TransactionConflict).
_LOST_RACE_REASONS = {"ConditionalCheckFailed", "TransactionConflict"}
_BATCH_GET_LIMIT = 100
# The one value of `notify_pending`: the pending index has one partition, read oldest due first.
PENDING = "pending"


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_event_time(value: str | None) -> datetime | None:
    """A CloudTrail eventTime (`2021-04-02T00:55:05Z`) as an aware datetime, or None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TransactionItem:
    """One more write of a transition's transaction (a new ignore rule, say), added to it as it is built: it
    happens with the status change or not at all. `what` names it when it is the write refused."""

    what: str
    add: Callable[[TransactWrite], None]


@dataclass(frozen=True, slots=True)
class Detection:
    """A resource seen in a CloudTrail creation record, with the event that showed it."""

    resource: Resource
    event_id: str
    event_name: str
    event_time: str  # as CloudTrail wrote it
    # What found it (an event, a scan, the reconciliation) and, for a scan, which one and the resource's size facts.
    source: str = "event"
    scan_id: str | None = None
    facts: tuple[tuple[str, str], ...] = ()

    @property
    def notifies(self) -> bool:
        """Whether storing it leaves a notification pending (its own thread): not for a scan's finds, which one digest
        per scan reports instead; a person's decision on one opens its thread."""
        return self.source == "event"

    @property
    def resource_id(self) -> str:
        r = self.resource
        return resource_id(r.account_id, r.region, r.tf_type, r.identity)

    @property
    def at(self) -> datetime | None:
        return parse_event_time(self.event_time)


def _detection_actions(detection: Detection, now: datetime) -> list[Action]:
    r = detection.resource
    M = ResourceModel
    actions: list[Action] = [
        M.name.set(r.name),
        M.arn.set(r.arn),
        M.console_url.set(r.console_url),
        M.actor.set(r.actor),
        M.suggested_name.set(r.suggested_name),
        M.loses_data.set(r.loses_data),
        M.tags.set(dict(r.tags)),
        M.event_id.set(detection.event_id),
        M.event_name.set(detection.event_name),
        M.event_time.set(detection.event_time),
        M.detected_at.set(detection.at or now),
    ]
    if detection.event_id:
        actions.append(M.event_ids.add({detection.event_id}))
    return actions


class StateRepository:
    """Resource records, their audit trail, dedupe markers and ignore rules, in the settings' tables."""

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.clock = clock
        schema.configure(settings)
        self._connection = schema.connection(settings)
        schema.warm_up(self._connection)

    @staticmethod
    async def _run(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(func, *args, **kwargs)

    # Resource records ---------------------------------------------------------------------------------------------

    async def get(self, rid: str) -> ResourceRecord | None:
        return await self._run(self._get_sync, rid)

    @staticmethod
    def _get_sync(rid: str) -> ResourceRecord | None:
        try:
            return ResourceRecord.from_model(ResourceModel.get(rid, consistent_read=True))
        except DoesNotExist:
            return None

    async def find(self, account_id: str, region: str, tf_type: str, import_id: str) -> ResourceRecord | None:
        return await self.get(resource_id(account_id, region, tf_type, import_id))

    async def get_many(self, rids: Iterable[str]) -> dict[str, ResourceRecord]:
        return await self._run(self._get_many_sync, sorted(set(rids)))

    @staticmethod
    def _get_many_sync(rids: list[str]) -> dict[str, ResourceRecord]:
        found: dict[str, ResourceRecord] = {}
        for start in range(0, len(rids), _BATCH_GET_LIMIT):
            for item in ResourceModel.batch_get(rids[start : start + _BATCH_GET_LIMIT], consistent_read=True):
                found[item.resource_id] = ResourceRecord.from_model(item)
        return found

    async def create_detected(
        self, detection: Detection, *, owner: str | None, notify_grace: float
    ) -> ResourceRecord | None:
        """Create the record of a new detection, or None when a record with its id exists already.

        The record is created with a pending notification owned by `owner` (the queue message whose work this is);
        the creation's audit entry follows in a second, idempotent write (see `write_creation_audit`).
        """
        return await self._run(self._create_sync, detection, owner, notify_grace)

    def _create_sync(self, detection: Detection, owner: str | None, notify_grace: float) -> ResourceRecord | None:
        r = detection.resource
        now = self.clock()
        item = ResourceModel(
            detection.resource_id,
            account_id=r.account_id,
            region=r.region,
            tf_type=r.tf_type,
            import_id=r.import_id,
            unresolved=r.unresolved or None,
            name=r.name,
            arn=r.arn,
            console_url=r.console_url,
            actor=r.actor,
            suggested_name=r.suggested_name,
            loses_data=r.loses_data,
            tags=dict(r.tags),
            event_id=detection.event_id,
            event_name=detection.event_name,
            event_time=detection.event_time,
            detected_at=detection.at or now,
            event_ids={detection.event_id} if detection.event_id else None,
            status=Status.DETECTED.value,
            status_changed_at=now,
            status_changed_by=r.actor,
            status_event_time=detection.at,
            source=detection.source,
            scan_id=detection.scan_id,
            facts=[stored_fact(label, value) for label, value in detection.facts] or None,
            created_at=now,
        )
        if detection.notifies:
            item.notify_version = 1
            item.notify_kind = "created"
            item.notify_owner = owner
            item.notify_due = now + timedelta(seconds=notify_grace)
            item.notify_pending = PENDING
        try:
            item.save(condition=ResourceModel.resource_id.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code != _CONDITION_FAILED:
                raise
            existing = self._get_sync(detection.resource_id)
            identity = (r.account_id, r.region, r.tf_type, r.import_id)
            if existing is not None and (
                existing.account_id, existing.region, existing.tf_type, existing.import_id
            ) != identity:
                raise ResourceIdCollision(
                    f"{detection.resource_id} is both {existing.tf_type} {existing.import_id} and {r.tf_type} "
                    f"{r.import_id}"
                ) from None
            return None
        return ResourceRecord.from_model(item)

    async def write_creation_audit(self, record: ResourceRecord) -> None:
        """The audit entry of a record's first detection; writing it again writes the same item."""
        await self._run(self._creation_audit_sync, record)

    @staticmethod
    def _creation_audit_sync(record: ResourceRecord) -> None:
        AuditModel(
            record.resource_id,
            1,
            at=record.created_at,
            actor=record.actor,
            from_status="",
            to_status=Status.DETECTED.value,
            reason=(f"created by {record.event_name or 'an API call'}" if record.source == "event"
                    else f"found by {'the scheduled reconciliation' if record.source == 'reconcile' else 'a scan'}"),
            event_id=record.event_id or None,
        ).save()

    async def transition(
        self,
        rid: str,
        to_status: str,
        *,
        expected_status: str,
        expected_version: int,
        actor: str,
        reason: str = "",
        changes: Mapping[str, Any] | None = None,
        detection: Detection | None = None,
        event_id: str | None = None,
        event_time: datetime | None = None,
        notify_owner: str | None = None,
        notify_kind: str = "changed",
        notify_grace: float | None = None,
        lease_expired_by: datetime | None = None,
    ) -> ResourceRecord:
        """Move a record from (expected_status, expected_version) to `to_status` in one conditional write.

        The write also stores the transition's audit entry (a DynamoDB transaction of two items); `changes` sets
        detail fields (None removes one); `detection` replaces the detection fields (a re-created resource);
        `notify_owner` leaves a pending notification of `notify_kind` owned by that queue message;
        `lease_expired_by` makes the write also require that the record's lease ended by then, or that it has none
        (a renewal does not move the version, so only this keeps a sweeper off work whose worker is alive). Raises
        IllegalTransition when the status machine has no such edge, TransitionConflict when the record is no longer
        at the expected status and version (or its lease is live), ResourceNotFound when there is no record.
        """
        check_transition(rid, expected_status, to_status)
        unknown = set(changes or ()) - DETAIL_FIELDS
        if unknown:
            raise StateError(f"resource {rid}: fields {sorted(unknown)} cannot be set by a transition")
        return await self._run(
            self._transition_sync, rid, to_status, expected_status, expected_version, actor, reason,
            dict(changes or {}), detection, event_id, event_time, notify_owner, notify_kind, notify_grace,
            lease_expired_by=lease_expired_by,
        )  # fmt: skip

    async def ignore_with_rule(
        self,
        rid: str,
        rule: IgnoreRuleRecord,
        *,
        expected_status: str,
        expected_version: int,
        actor: str,
        reason: str = "",
        changes: Mapping[str, Any] | None = None,
    ) -> ResourceRecord:
        """Store a new ignore rule and move the record to ignored, as one DynamoDB transaction: both happen or
        neither, so a lost race leaves no rule behind and a stored rule always has its record ignored.

        TransitionConflict when the record moved on; StateError (and nothing written) when the rule id exists.
        """
        check_transition(rid, expected_status, Status.IGNORED.value)
        _check_rule(rule)
        unknown = set(changes or ()) - DETAIL_FIELDS
        if unknown:
            raise StateError(f"resource {rid}: fields {sorted(unknown)} cannot be set by a transition")

        def put_rule(tx: TransactWrite) -> None:
            tx.save(_rule_item(rule), condition=IgnoreRuleModel.rule_id.does_not_exist())

        ignored = await self._run(
            self._transition_sync, rid, Status.IGNORED.value, expected_status, expected_version, actor, reason,
            dict(changes or {}), None, None, None, None, "changed", None,
            extra=(TransactionItem(f"ignore rule {rule.rule_id}", put_rule),),
        )  # fmt: skip
        # After the commit, never inside it: two transactions touching the counter would cancel each other. A crash
        # in between leaves the rule to the consumers' periodic refresh.
        await self._run(generation.bump_sync)
        return ignored

    def _transition_sync(
        self,
        rid: str,
        to_status: str,
        expected_status: str,
        expected_version: int,
        actor: str,
        reason: str,
        changes: dict[str, Any],
        detection: Detection | None,
        event_id: str | None,
        event_time: datetime | None,
        notify_owner: str | None,
        notify_kind: str,
        notify_grace: float | None,
        *,
        lease_expired_by: datetime | None = None,
        extra: Sequence[TransactionItem] = (),
    ) -> ResourceRecord:
        M = ResourceModel
        now = self.clock()
        actions: list[Action] = [
            M.status.set(to_status),
            M.status_changed_at.set(now),
            M.status_changed_by.set(actor),
        ]
        if event_time is not None:
            actions.append(M.status_event_time.set(event_time))
        if detection is not None:
            actions.extend(_detection_actions(detection, now))
        for name, value in sorted(changes.items()):
            attribute = M.get_attributes()[name]
            actions.append(attribute.remove() if value is None else attribute.set(value))
        # Every change leaves a pending notification: Slack shows it when it can, however long that takes.
        actions += [
            M.notify_version.set(expected_version + 1),
            M.notify_kind.set(notify_kind),
            M.notify_due.set(now + timedelta(seconds=notify_grace or 0)),
            M.notify_pending.set(PENDING),
            M.notify_owner.set(notify_owner) if notify_owner is not None else M.notify_owner.remove(),
        ]
        # The instance carries only the key and the version the caller saw; PynamoDB adds `version = seen` to the
        # condition and `version + 1` to the update.
        expected = M(rid, version=expected_version)
        audit = AuditModel(
            rid,
            expected_version + 1,
            at=now,
            actor=actor,
            from_status=expected_status,
            to_status=to_status,
            reason=reason,
            event_id=event_id,
        )
        condition = M.status == expected_status
        if lease_expired_by is not None:
            condition &= M.lease_until.does_not_exist() | (M.lease_until <= lease_expired_by)
        try:
            with TransactWrite(connection=self._connection) as tx:
                tx.update(expected, actions, condition=condition)
                tx.save(audit, condition=AuditModel.version.does_not_exist())
                for item in extra:
                    item.add(tx)
        except TransactWriteError as exc:
            codes = {reason.code for reason in exc.cancellation_reasons if reason is not None}
            if exc.cause_response_code != "TransactionCanceledException" or not codes & _LOST_RACE_REASONS:
                raise
            refusal = self._refusal(codes, rid, to_status, expected_status, expected_version, lease_expired_by, extra)
            raise refusal from None
        record = self._get_sync(rid)
        if record is None:  # deleted by hand between the write and the read
            raise ResourceNotFound(rid)
        return record

    def _refusal(
        self, codes: set[str], rid: str, to_status: str, expected_status: str, expected_version: int,
        lease_expired_by: datetime | None, extra: Sequence[TransactionItem],
    ) -> StateError:
        """Why a transition's transaction was refused, read from the record as it is now: moved on, leased, or
        written by a transaction at the same moment, the caller lost the race. Otherwise the record would have taken
        the change, so one of the extra items was refused (and, all or nothing, nothing was written)."""
        current = self._get_sync(rid)
        if current is None:
            return ResourceNotFound(rid)
        moved = (current.status, current.version) != (expected_status, expected_version)
        leased = (lease_expired_by is not None and current.lease_until is not None
                  and current.lease_until > lease_expired_by)
        if moved or leased or "TransactionConflict" in codes:
            return TransitionConflict(rid, to_status, expected_status, expected_version, current.status,
                                      current.version)
        refused = ", ".join(item.what for item in extra) or "the audit entry"
        return StateError(f"resource {rid}: {refused} could not be written, so nothing changed")

    async def annotate(self, rid: str, **changes: Any) -> ResourceRecord:
        """Set detail fields (None removes one) without a status change and without moving the version."""
        unknown = set(changes) - DETAIL_FIELDS
        if unknown:
            raise StateError(f"resource {rid}: fields {sorted(unknown)} cannot be annotated")
        actions = []
        for name, value in sorted(changes.items()):
            attribute = ResourceModel.get_attributes()[name]
            actions.append(attribute.remove() if value is None else attribute.set(value))
        record = await self._run(self._raw_update, rid, actions, ResourceModel.resource_id.exists())
        if record is None:
            raise ResourceNotFound(rid)
        return record

    # Leases of the work on a record --------------------------------------------------------------------------------

    async def renew_lease(self, rid: str, status: str, owner: str, until: datetime) -> bool:
        """Extend `owner`'s lease on work in `status` to `until`; False when the work ended or is no longer
        `owner`'s (a sweeper took it over). Not a change of state: the version does not move."""
        M = ResourceModel
        condition = (M.status == status) & (M.lease_owner == owner)
        return await self._run(self._raw_update, rid, [M.lease_until.set(until)], condition) is not None

    async def take_lease(
        self, record: ResourceRecord, owner: str, until: datetime, *, expired_by: datetime
    ) -> ResourceRecord | None:
        """Take over the work on a record whose lease ended by `expired_by` (or that has none), if it is still at
        the status and version read; None when another worker holds or took it, or the work ended."""
        M = ResourceModel
        condition = (
            (M.status == record.status)
            & (M.version == record.version)
            & (M.lease_until.does_not_exist() | (M.lease_until <= expired_by))
        )
        actions = [M.lease_owner.set(owner), M.lease_until.set(until)]
        return await self._run(self._raw_update, record.resource_id, actions, condition)

    async def expired_leases(self, statuses: Iterable[str], now: datetime | None = None) -> list[ResourceRecord]:
        """Records in `statuses` whose lease ended by `now`, or that have none (claimed before leases existed)."""
        now = now or self.clock()
        found: list[ResourceRecord] = []
        for status in statuses:
            found.extend(r for r in await self.by_status(status) if r.lease_until is None or r.lease_until <= now)
        return found

    async def add_sighting(self, rid: str, event_id: str) -> ResourceRecord | None:
        """Remember one more event that reported the resource; None when there is no record."""
        M = ResourceModel
        return await self._run(self._raw_update, rid, [M.event_ids.add({event_id})], M.resource_id.exists())

    async def claim_notification(self, record: ResourceRecord, owner: str, grace: float) -> ResourceRecord | None:
        """Take over a pending notification whose owner is `owner` or whose due time passed; None if lost."""
        M = ResourceModel
        if record.notify_version is None:
            return None
        condition = M.notify_version == record.notify_version
        condition &= M.notify_owner == record.notify_owner if record.notify_owner else M.notify_owner.does_not_exist()
        actions = [M.notify_owner.set(owner), M.notify_due.set(self.clock() + timedelta(seconds=grace))]
        return await self._run(self._raw_update, record.resource_id, actions, condition)

    async def notification_done(self, rid: str, version: int) -> bool:
        """Clear the pending notification of `version`; False when a newer change is pending (or none was)."""
        M = ResourceModel
        actions = [M.notify_version.remove(), M.notify_kind.remove(), M.notify_owner.remove(), M.notify_due.remove(),
                   M.notify_pending.remove()]
        return await self._run(self._raw_update, rid, actions, M.notify_version == version) is not None

    async def shown(self, rid: str, version: int, **changes: Any) -> ResourceRecord | None:
        """Slack shows the record up to `version`: remember that (with Slack details in `changes`), and clear the
        pending notification if no newer change came meanwhile. None when there is no record."""
        unknown = set(changes) - DETAIL_FIELDS
        if unknown:
            raise StateError(f"resource {rid}: fields {sorted(unknown)} cannot be set")
        M = ResourceModel
        actions: list[Action] = [M.slack_shown_version.set(version)]
        for name, value in sorted(changes.items()):
            attribute = M.get_attributes()[name]
            actions.append(attribute.remove() if value is None else attribute.set(value))
        clear = [M.notify_version.remove(), M.notify_kind.remove(), M.notify_owner.remove(), M.notify_due.remove(),
                 M.notify_pending.remove()]
        done = await self._run(self._raw_update, rid, actions + clear,
                               M.resource_id.exists() & (M.version == version))
        if done is not None:
            return done
        return await self._run(self._raw_update, rid, actions, M.resource_id.exists())

    async def pending(self, *, limit: int = 500, due_by: datetime | None = None) -> list[ResourceRecord]:
        """Records with a change not yet shown (due by `due_by`, when given), the oldest due first."""
        M = ResourceModel

        def query() -> list[ResourceRecord]:
            condition = M.notify_due <= due_by if due_by is not None else None
            items = M.by_pending.query(PENDING, condition, scan_index_forward=True, limit=limit)
            return [ResourceRecord.from_model(item) for item in items]

        return await self._run(query)

    @staticmethod
    def _raw_update(rid: str, actions: list[Action], condition: Any) -> ResourceRecord | None:
        # Bookkeeping, not a change of state: the version stays.
        data = conditional_update(ResourceModel, rid, actions, condition)
        return ResourceRecord.from_model(ResourceModel.from_raw_data(data)) if data is not None else None

    async def history(self, rid: str) -> list[AuditEntry]:
        """Every transition of one resource, oldest first."""
        return await self._run(
            lambda: [AuditEntry.from_model(item) for item in AuditModel.query(rid, consistent_read=True)]
        )

    async def by_status(self, status: str, *, limit: int | None = None) -> list[ResourceRecord]:
        """Records of one status, oldest detection first."""
        return await self._run(
            lambda: [
                ResourceRecord.from_model(item)
                for item in ResourceModel.by_status_age.query(status, scan_index_forward=True, limit=limit)
            ]
        )

    async def open_resources(self, *, limit: int | None = None) -> list[ResourceRecord]:
        """Every open record (detected, or with work running or failed), oldest detection first."""
        found: list[ResourceRecord] = []
        for status in OPEN_STATUSES:
            found.extend(await self.by_status(status.value, limit=limit))
        found.sort(key=lambda r: r.detected_at)
        return found[:limit] if limit is not None else found

    async def by_slack_thread(self, channel: str, thread_ts: str) -> ResourceRecord | None:
        def query() -> ResourceRecord | None:
            for item in ResourceModel.by_slack_thread.query(channel, ResourceModel.slack_thread_ts == thread_ts):
                return ResourceRecord.from_model(item)
            return None

        return await self._run(query)

    async def expired_ignores(self, now: datetime | None = None) -> list[ResourceRecord]:
        """Ignored records whose ignore has run out: they go back to detected."""
        now = now or self.clock()
        return [r for r in await self.by_status(Status.IGNORED.value) if r.ignore_until and r.ignore_until <= now]

    # Dedupe markers -----------------------------------------------------------------------------------------------

    async def remember(self, key: str) -> bool:
        """Create the marker `key` if absent; True when this call created it."""
        return await self._run(self._remember_sync, key)

    def _remember_sync(self, key: str) -> bool:
        now = self.clock()
        marker = DedupeModel(key, created_at=now, expires_at=now + timedelta(seconds=self.settings.dedupe_ttl_seconds))
        try:
            marker.save(condition=DedupeModel.key.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == _CONDITION_FAILED:
                return False
            raise
        return True

    async def mark(self, keys: Iterable[str]) -> None:
        """Write the markers `keys` (again, if they exist: the same item), in one batch call."""
        await self._run(self._mark_sync, sorted(set(keys)))

    def _mark_sync(self, keys: list[str]) -> None:
        now = self.clock()
        expires = now + timedelta(seconds=self.settings.dedupe_ttl_seconds)
        with DedupeModel.batch_write() as batch:
            for key in keys:
                batch.save(DedupeModel(key, created_at=now, expires_at=expires))

    async def seen(self, keys: Iterable[str]) -> set[str]:
        """The markers among `keys` that exist and have not expired."""
        return await self._run(self._seen_sync, sorted(set(keys)))

    def _seen_sync(self, keys: list[str]) -> set[str]:
        now = self.clock()
        found: set[str] = set()
        for start in range(0, len(keys), _BATCH_GET_LIMIT):
            for item in DedupeModel.batch_get(keys[start : start + _BATCH_GET_LIMIT], consistent_read=True):
                # DynamoDB deletes expired items lazily; an expired marker no longer counts.
                if item.expires_at > now:
                    found.add(item.key)
        return found

    # Ignore rules -------------------------------------------------------------------------------------------------

    async def put_rule(self, rule: IgnoreRuleRecord) -> None:
        """Store a new rule; a rule id is never reused, so an existing one is a StateError."""
        _check_rule(rule)

        def put() -> None:
            item = _rule_item(rule)
            try:
                item.save(condition=IgnoreRuleModel.rule_id.does_not_exist())
            except PutError as exc:
                if exc.cause_response_code == _CONDITION_FAILED:
                    raise StateError(f"ignore rule {rule.rule_id} exists already") from None
                raise
            generation.bump_sync()  # every replica's classifier reads the new rule before its next detection

        await self._run(put)

    async def delete_rule(self, rule_id: str) -> bool:
        """Remove a rule; False when there was none."""

        def delete() -> bool:
            try:
                IgnoreRuleModel(rule_id).delete(condition=IgnoreRuleModel.rule_id.exists())
            except DeleteError as exc:
                if exc.cause_response_code == _CONDITION_FAILED:
                    return False
                raise
            generation.bump_sync()
            return True

        return await self._run(delete)

    async def rule(self, rule_id: str) -> IgnoreRuleRecord | None:
        """One rule by its id, in force or not; None when there is none."""

        def get() -> IgnoreRuleRecord | None:
            try:
                return IgnoreRuleRecord.from_model(IgnoreRuleModel.get(rule_id, consistent_read=True))
            except DoesNotExist:
                return None

        return await self._run(get)

    async def rules(self, now: datetime | None = None) -> list[IgnoreRuleRecord]:
        """Every rule still in force, oldest first."""
        now = now or self.clock()
        items = await self._run(lambda: [IgnoreRuleRecord.from_model(item) for item in IgnoreRuleModel.scan()])
        return sorted((r for r in items if r.active(now)), key=lambda r: (r.created_at, r.rule_id))


def _rule_values(rule: IgnoreRuleRecord) -> dict[str, Any]:
    return {f.name: getattr(rule, f.name) for f in fields(rule)}


def _rule_item(rule: IgnoreRuleRecord) -> IgnoreRuleModel:
    return IgnoreRuleModel(rule.rule_id, **{k: v for k, v in _rule_values(rule).items() if k != "rule_id"})


def _check_rule(rule: IgnoreRuleRecord) -> None:
    if rule.scope not in IGNORE_SCOPES:
        scopes = ", ".join(IGNORE_SCOPES)
        raise StateError(f"ignore rule {rule.rule_id}: scope {rule.scope!r} is not one of {scopes}")
