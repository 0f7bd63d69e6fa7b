"""The App Home's Clear filters button: every open resource again, from page 1."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from handlers.flow import after_ack
from slack_adapters.home import publish_home
from slack_adapters.services import SlackServices


async def handle_clear_filters(
    ack: AsyncAck, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient, services: SlackServices,
    user_id: str,
) -> None:
    await ack()
    async with after_ack(body, context, client):
        await publish_home(services, client, user_id, lambda filters: filters.cleared())
