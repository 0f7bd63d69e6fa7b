"""A Slack channel's posting state in DynamoDB, shared by every replica: a lease (one poster per channel at a time,
so a burst becomes one digest and the pace holds whatever the number of replicas), the next moment a post may go,
and the burst window with its digest.

The lease is a conditional write: taken when free, expired or already ours; every later write is conditional on
still holding it, so a replica that lost it (paused past its deadline) learns so instead of posting beside another.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.expressions.update import Action

from bot.state.errors import StateError
from bot.state.tables import ChannelModel, conditional_update


class LeaseLost(StateError):
    """Another replica holds the channel now; whatever this one was about to post is left to it."""


@dataclass(frozen=True, slots=True)
class ChannelState:
    channel: str
    lease_owner: str | None = None
    lease_until: datetime | None = None
    next_post_at: datetime | None = None
    window_start: datetime | None = None
    window_posts: int = 0
    digest_channel: str | None = None
    digest_ts: str | None = None
    digest_token: str | None = None
    digest_started: datetime | None = None
    digest_count: int = 0

    @classmethod
    def from_model(cls, item: ChannelModel) -> ChannelState:
        values: dict[str, Any] = {f.name: getattr(item, f.name) for f in fields(cls)}
        values["window_posts"] = int(values["window_posts"] or 0)
        values["digest_count"] = int(values["digest_count"] or 0)
        return cls(**values)

    def digest_open(self, now: datetime, window: float) -> bool:
        """Whether the channel's digest still gathers new resources (its window has not run out)."""
        return (self.digest_started is not None and (self.digest_ts is not None or self.digest_token is not None)
                and (now - self.digest_started).total_seconds() <= window)


# Fields a lease holder may set; None removes one.
_SETTABLE = frozenset({"next_post_at", "window_start", "window_posts", "digest_channel", "digest_ts", "digest_token",
                       "digest_started", "digest_count"})


class ChannelStore:
    """The channels table, async: every call runs on a worker thread."""

    def __init__(self, clock: Any = None) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))

    async def acquire(self, channel: str, owner: str, seconds: float) -> ChannelState | None:
        """Take (or extend) the channel's lease for `seconds`; None when another replica holds it."""
        return await asyncio.to_thread(self._acquire, channel, owner, seconds)

    def _acquire(self, channel: str, owner: str, seconds: float) -> ChannelState | None:
        M = ChannelModel
        now = self.clock()
        condition = M.lease_owner.does_not_exist() | (M.lease_owner == owner) | (M.lease_until < now)
        actions: list[Action] = [M.lease_owner.set(owner), M.lease_until.set(now + timedelta(seconds=seconds))]
        return self._update(channel, actions, condition)

    async def release(self, channel: str, owner: str, **changes: Any) -> None:
        """Give the lease back (with last changes); nothing when it is no longer ours."""
        M = ChannelModel
        actions = [M.lease_owner.remove(), M.lease_until.remove(), *self._actions(changes)]
        await asyncio.to_thread(self._update, channel, actions, M.lease_owner == owner)

    async def save(self, channel: str, owner: str, seconds: float, **changes: Any) -> ChannelState:
        """Set fields and extend the lease, while it is ours; LeaseLost otherwise."""
        M = ChannelModel
        now = self.clock()
        actions = [M.lease_until.set(now + timedelta(seconds=seconds)), *self._actions(changes)]
        state = await asyncio.to_thread(self._update, channel, actions, M.lease_owner == owner)
        if state is None:
            raise LeaseLost(f"the lease on Slack channel {channel} passed to another replica")
        return state

    async def get(self, channel: str) -> ChannelState | None:
        def read() -> ChannelState | None:
            try:
                return ChannelState.from_model(ChannelModel.get(channel, consistent_read=True))
            except ChannelModel.DoesNotExist:
                return None

        return await asyncio.to_thread(read)

    @staticmethod
    def _actions(changes: dict[str, Any]) -> list[Action]:
        unknown = set(changes) - _SETTABLE
        if unknown:
            raise StateError(f"channel fields {sorted(unknown)} cannot be set")
        attributes = ChannelModel.get_attributes()
        return [attributes[k].remove() if v is None else attributes[k].set(v) for k, v in sorted(changes.items())]

    @staticmethod
    def _update(channel: str, actions: list[Action], condition: Any) -> ChannelState | None:
        data = conditional_update(ChannelModel, channel, actions, condition)
        return ChannelState.from_model(ChannelModel.from_raw_data(data)) if data is not None else None
