"""Delete button: the Delete form for admins, a refusal naming the admins for everyone else."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.decisions import DELETE_FROM, require_status
from bot.state import ResourceRecord, Status
from slack_adapters.services import SlackServices
from slack_adapters.surfaces import delete_modal


async def handle_delete_button(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, services: SlackServices, record: ResourceRecord,
    is_admin: bool,
) -> None:
    await ack()
    require_status(record, DELETE_FROM, Status.DELETING.value)
    await client.views_open(trigger_id=body["trigger_id"], view=await delete_modal(services, record, allowed=is_admin))
