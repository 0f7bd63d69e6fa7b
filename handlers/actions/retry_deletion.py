"""Retry delete (admins only, by middleware): the confirmed delete again."""

from __future__ import annotations

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.state import ResourceRecord
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor


async def handle_retry_deletion(ack: AsyncAck, services: SlackServices, record: ResourceRecord, user_id: str) -> None:
    await ack()
    # Only a confirmed delete can have failed, so the confirmation stands for its retry.
    await services.decisions.delete(record.resource_id, record.version, slack_actor(user_id), confirmed=True)
