"""The notifier interface: the consumer hands each new or changed resource record to one (Slack plugs in here)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.state.records import ResourceRecord

logger = logging.getLogger(__name__)

ChangeKind = Literal["created", "reopened", "gone", "reactivated"]


@dataclass(frozen=True, slots=True)
class RecordChange:
    """What happened to a record: created (first detection), reopened (created again after it was deleted or
    gone), gone (deleted outside tfsync), reactivated (an ignore ran out)."""

    kind: ChangeKind
    record: ResourceRecord
    event_id: str | None = None


class Notifier(Protocol):
    """Told about every change once in effect; a redelivered change (after a crash) has the same record version,
    so an implementation that keys its output on (resource_id, version) never repeats itself.

    `notify` returns True when the change is shown and its pending notification may be cleared, False when the
    notifier shows it later from the record and clears it itself (Slack's publisher: nothing waits on Slack).
    """

    async def notify(self, change: RecordChange) -> bool: ...


class LoggingNotifier:
    """The default notifier: one log line per change."""

    async def notify(self, change: RecordChange) -> bool:
        record = change.record
        logger.info(
            "resource %s %s: %s %s in %s/%s by %s (status %s, v%d)",
            record.resource_id,
            change.kind,
            record.tf_type,
            record.import_id,
            record.account_id,
            record.region,
            record.actor,
            record.status,
            record.version,
        )
        return True
