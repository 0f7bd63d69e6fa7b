"""Retry adoption (in a failure reply or the parent): the same adopt again, with the choices made the first time."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from handlers.flow import after_ack, clicked_record
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor


async def handle_retry_adoption(
    ack: AsyncAck, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient, services: SlackServices,
    user_id: str,
) -> None:
    await ack()
    async with after_ack(body, context, client):
        record = await clicked_record(services, body)
        await services.decisions.retry_adopt(record, slack_actor(user_id))
