"""app_home_opened: publish the person's Home tab (counts, open resources, recent activity, rules)."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from slack_adapters.services import SlackServices
from slack_adapters.surfaces import home_view


async def handle_app_home_opened(event: dict[str, Any], client: AsyncWebClient, services: SlackServices) -> None:
    # Events are acknowledged by Bolt before the listener runs.
    if event.get("tab", "home") != "home":
        return
    await client.views_publish(user_id=event["user"], view=await home_view(services))
