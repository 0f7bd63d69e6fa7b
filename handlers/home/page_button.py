"""The App Home's Previous and Next page buttons: each carries the page it goes to, so a double click goes one page."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from handlers.flow import after_ack
from slack_adapters.home import publish_home
from slack_adapters.services import SlackServices

MAX_PAGE = 1_000_000  # a page past the end shows the last; this only keeps a forged value a small number


def page_of(value: object) -> int | None:
    """The page a button's value names; None for anything that is not a page number."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    return min(max(1, int(value)), MAX_PAGE) if len(value) <= 7 else MAX_PAGE


async def handle_page_button(
    ack: AsyncAck, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient, services: SlackServices,
    user_id: str,
) -> None:
    await ack()
    async with after_ack(body, context, client):
        page = page_of((body.get("actions") or [{}])[0].get("value"))
        if page is None:
            await publish_home(services, client, user_id)
        else:
            await publish_home(services, client, user_id, lambda filters: filters.at_page(page))
