"""Ignores that ran out: the records they kept quiet go back to detected, and are notified as reactivated."""

from __future__ import annotations

from datetime import datetime

from bot.consumer.stats import ConsumerStats
from bot.notifier import Notifier, RecordChange
from bot.state.errors import TransitionConflict
from bot.state.repository import StateRepository
from bot.state.status import Status


async def reactivate_expired_ignores(
    repo: StateRepository, notifier: Notifier, stats: ConsumerStats, now: datetime
) -> int:
    """Ignored records whose ignore ran out by `now` go back to detected; returns how many did."""
    count = 0
    for rec in await repo.expired_ignores(now):
        try:
            back = await repo.transition(
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
        if await notifier.notify(RecordChange("reactivated", back, None)) and back.notify_version is not None:
            await repo.notification_done(back.resource_id, back.notify_version)
        stats.notified += 1
    return count
