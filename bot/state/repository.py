"""The async face of the state tables: every PynamoDB call runs on a worker thread, so the event loop never blocks.

Races are decided by DynamoDB conditions, never by reading first and writing after: a record is created only if
absent, a status changes only from the (status, version) the caller saw, and a dedupe marker is created only if
absent. The version counts status changes (and re-detections); bookkeeping that is not a change of state (the
Slack thread, a second sighting, notification progress) does not move it, so it never makes a person's click lose.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pynamodb.constants import ALL_NEW
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from bot.classify import Resource
from bot.config import Settings
from bot.state import schema
from bot.state.errors import ResourceIdCollision, ResourceNotFound, StateError, TransitionConflict
from bot.state.records import (
    DETAIL_FIELDS,
    IGNORE_SCOPES,
    AuditEntry,
    IgnoreRuleRecord,
    ResourceRecord,
    resource_id,
)
from bot.state.status import OPEN_STATUSES, Status, check_transition
from bot.state.tables import AuditModel, DedupeModel, IgnoreRuleModel, ResourceModel

logger = logging.getLogger(__name__)

T = TypeVar("T")
_CONDITION_FAILED = "ConditionalCheckFailedException"
# Cancellation reasons that mean another writer got there first (DynamoDB names a clash of two transactions
# on one item TransactionConflict).
_LOST_RACE_REASONS = {"ConditionalCheckFailed", "TransactionConflict"}
_BATCH_GET_LIMIT = 100


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
class Detection:
    """A resource seen in a CloudTrail creation record, with the event that showed it."""

    resource: Resource
    event_id: str
    event_name: str
    event_time: str  # as CloudTrail wrote it

    @property
    def resource_id(self) -> str:
        r = self.resource
        return resource_id(r.account_id, r.region, r.tf_type, r.import_id)

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
            notify_version=1,
            notify_kind="created",
            notify_owner=owner,
            notify_due=now + timedelta(seconds=notify_grace),
            created_at=now,
        )
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
            reason=f"created by {record.event_name or 'an API call'}",
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
    ) -> ResourceRecord:
        """Move a record from (expected_status, expected_version) to `to_status` in one conditional write.

        The write also stores the transition's audit entry (a DynamoDB transaction of two items); `changes` sets
        detail fields (None removes one); `detection` replaces the detection fields (a re-created resource);
        `notify_owner` leaves a pending notification of `notify_kind` owned by that queue message. Raises
        IllegalTransition when the status machine has no such edge, TransitionConflict when the record is no longer
        at the expected status and version, ResourceNotFound when there is no record.
        """
        check_transition(rid, expected_status, to_status)
        unknown = set(changes or ()) - DETAIL_FIELDS
        if unknown:
            raise StateError(f"resource {rid}: fields {sorted(unknown)} cannot be set by a transition")
        return await self._run(
            self._transition_sync, rid, to_status, expected_status, expected_version, actor, reason,
            dict(changes or {}), detection, event_id, event_time, notify_owner, notify_kind, notify_grace,
        )  # fmt: skip

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
        if notify_owner is not None:
            actions += [
                M.notify_version.set(expected_version + 1),
                M.notify_kind.set(notify_kind),
                M.notify_owner.set(notify_owner),
                M.notify_due.set(now + timedelta(seconds=notify_grace or 0)),
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
        try:
            with TransactWrite(connection=self._connection) as tx:
                tx.update(expected, actions, condition=(M.status == expected_status))
                tx.save(audit, condition=AuditModel.version.does_not_exist())
        except TransactWriteError as exc:
            codes = {reason.code for reason in exc.cancellation_reasons if reason is not None}
            if exc.cause_response_code != "TransactionCanceledException" or not codes & _LOST_RACE_REASONS:
                raise
            current = self._get_sync(rid)
            if current is None:
                raise ResourceNotFound(rid) from None
            raise TransitionConflict(
                rid, to_status, expected_status, expected_version, current.status, current.version
            ) from None
        record = self._get_sync(rid)
        if record is None:  # deleted by hand between the write and the read
            raise ResourceNotFound(rid)
        return record

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
        actions = [M.notify_version.remove(), M.notify_kind.remove(), M.notify_owner.remove(), M.notify_due.remove()]
        return await self._run(self._raw_update, rid, actions, M.notify_version == version) is not None

    @staticmethod
    def _raw_update(rid: str, actions: list[Action], condition: Any) -> ResourceRecord | None:
        # Model.update always adds one to a VersionAttribute; these writes are bookkeeping, not changes of state.
        try:
            data = ResourceModel._get_connection().update_item(
                rid, actions=actions, condition=condition, return_values=ALL_NEW
            )
        except UpdateError as exc:
            if exc.cause_response_code == _CONDITION_FAILED:
                return None
            raise
        return ResourceRecord.from_model(ResourceModel.from_raw_data(data["Attributes"]))

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
        if rule.scope not in IGNORE_SCOPES:
            scopes = ", ".join(IGNORE_SCOPES)
            raise StateError(f"ignore rule {rule.rule_id}: scope {rule.scope!r} is not one of {scopes}")

        def put() -> None:
            item = IgnoreRuleModel(rule.rule_id, **{k: v for k, v in _rule_values(rule).items() if k != "rule_id"})
            try:
                item.save(condition=IgnoreRuleModel.rule_id.does_not_exist())
            except PutError as exc:
                if exc.cause_response_code == _CONDITION_FAILED:
                    raise StateError(f"ignore rule {rule.rule_id} exists already") from None
                raise

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
            return True

        return await self._run(delete)

    async def rules(self, now: datetime | None = None) -> list[IgnoreRuleRecord]:
        """Every rule still in force, oldest first."""
        now = now or self.clock()
        items = await self._run(lambda: [IgnoreRuleRecord.from_model(item) for item in IgnoreRuleModel.scan()])
        return sorted((r for r in items if r.active(now)), key=lambda r: (r.created_at, r.rule_id))


def _rule_values(rule: IgnoreRuleRecord) -> dict[str, Any]:
    return {f.name: getattr(rule, f.name) for f in fields(rule)}
