"""app_home_opened: publish the person's Home tab (counts, their page of open resources, recent activity, rules)."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from handlers.flow import after_ack
from slack_adapters.home import publish_home
from slack_adapters.services import SlackServices


async def handle_app_home_opened(
    body: dict[str, Any], event: dict[str, Any], context: dict[str, Any], client: AsyncWebClient,
    services: SlackServices,
) -> None:
    # Events are acknowledged by Bolt before the listener runs.
    if event.get("tab", "home") != "home":
        return
    async with after_ack(body, context, client):
        # With the person's filters and page as they left them (until a restart).
        await publish_home(services, client, event["user"])
