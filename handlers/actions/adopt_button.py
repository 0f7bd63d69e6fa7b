"""Adopt button: the Adopt form, for a resource still waiting for a decision."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.decisions import ADOPT_FROM, require_status
from bot.state import ResourceRecord, Status
from slack_adapters.services import SlackServices
from slack_adapters.surfaces import adopt_modal


async def handle_adopt_button(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, services: SlackServices, record: ResourceRecord,
) -> None:
    await ack()
    require_status(record, ADOPT_FROM, Status.ADOPTING.value)
    await client.views_open(trigger_id=body["trigger_id"], view=await adopt_modal(services, record))
