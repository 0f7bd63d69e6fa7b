"""Retry adoption (in a failure reply or the parent): the same adopt again, with the choices made the first time."""

from __future__ import annotations

from slack_bolt.context.ack.async_ack import AsyncAck

from slack_adapters.app import Tfsync
from bot.state import ResourceRecord


async def handle_retry_adoption(ack: AsyncAck, tfsync: Tfsync, record: ResourceRecord, user_id: str) -> None:
    await ack()
    await tfsync.decisions.retry_adopt(record, user_id)
