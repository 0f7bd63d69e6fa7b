"""Retry delete (admins only): the confirmed delete again."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from handlers.flow import ONLY_ADMINS_DELETE, after_ack, clicked_record, require_admin
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor


async def handle_retry_deletion(
    ack: AsyncAck, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient, services: SlackServices,
    user_id: str,
) -> None:
    await ack()
    async with after_ack(body, context, client):
        await require_admin(services, user_id, ONLY_ADMINS_DELETE)
        record = await clicked_record(services, body)
        # Only a confirmed delete can have failed, so the confirmation stands for its retry.
        await services.decisions.delete(record.resource_id, record.version, slack_actor(user_id), confirmed=True)
