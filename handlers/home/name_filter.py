"""The App Home's name filter: Enter in the name input narrows the open resources to names holding the text."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from handlers.flow import after_ack
from renderers.slack.home import clean_name
from slack_adapters.home import publish_home
from slack_adapters.services import SlackServices


async def handle_name_filter(
    ack: AsyncAck, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient, services: SlackServices,
    user_id: str,
) -> None:
    await ack()
    async with after_ack(body, context, client):
        # An empty input (Slack sends no value) takes the name filter away.
        text = clean_name((body.get("actions") or [{}])[0].get("value"))
        await publish_home(services, client, user_id, lambda filters: filters.narrowed("name", text or None))
