"""Retry adoption (in a failure reply or the parent): the same adopt again, with the choices made the first time."""

from __future__ import annotations

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.state import ResourceRecord
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor


async def handle_retry_adoption(ack: AsyncAck, services: SlackServices, record: ResourceRecord, user_id: str) -> None:
    await ack()
    await services.decisions.retry_adopt(record, slack_actor(user_id))
