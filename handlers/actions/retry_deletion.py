"""Retry delete (admins only, by middleware): the confirmed delete again."""

from __future__ import annotations

from slack_bolt.context.ack.async_ack import AsyncAck

from slack_adapters.app import Tfsync
from bot.state import ResourceRecord


async def handle_retry_deletion(ack: AsyncAck, tfsync: Tfsync, record: ResourceRecord, user_id: str) -> None:
    await ack()
    # Only a confirmed delete can have failed, so the confirmation stands for its retry.
    await tfsync.decisions.delete(record.resource_id, record.version, user_id, confirmed=True)
