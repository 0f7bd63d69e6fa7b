"""The confirm button of a bulk preview: the same filters picked again, and the decision only when they pick what was
previewed (else the new preview); answered to the person who clicked, ephemerally."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from handlers.flow import after_ack
from slack_adapters.scans import bulk_confirm
from slack_adapters.services import SlackServices


async def handle_bulk_confirm(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient,
    services: SlackServices, user_id: str,
) -> None:
    await ack()
    async with after_ack(body, context, client):
        value = str(((body.get("actions") or [{}])[0]).get("value") or "")
        answer = await bulk_confirm(services, value, user_id)
        await respond(**answer, response_type="ephemeral", replace_original=False)
