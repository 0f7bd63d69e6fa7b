"""Ignore button: the Ignore form (scope and expiry)."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.decisions import require_status
from bot.state import ResourceRecord, Status
from slack_adapters.services import SlackServices
from slack_adapters.surfaces import ignore_modal


async def handle_ignore_button(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, services: SlackServices, record: ResourceRecord,
) -> None:
    await ack()
    require_status(record, (Status.DETECTED.value,), Status.IGNORED.value)
    await client.views_open(trigger_id=body["trigger_id"], view=await ignore_modal(services, record))
