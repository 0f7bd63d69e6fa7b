"""Delete button: the Delete form for admins, a refusal naming the admins for everyone else."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from slack_adapters.app import Tfsync
from bot.decisions import DELETE_FROM, require_status
from slack_adapters.surfaces import delete_modal
from bot.state import ResourceRecord, Status


async def handle_delete_button(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, tfsync: Tfsync, record: ResourceRecord,
    is_admin: bool,
) -> None:
    await ack()
    require_status(record, DELETE_FROM, Status.DELETING.value)
    await client.views_open(trigger_id=body["trigger_id"], view=await delete_modal(tfsync, record, allowed=is_admin))
