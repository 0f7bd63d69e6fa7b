"""Adopt button: the Adopt form, for a resource still waiting for a decision (loading view first, see flow.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.decisions import ADOPT_FROM, require_status
from bot.state import Status
from handlers.flow import LoadingModal, after_ack, clicked_record
from slack_adapters.services import SlackServices
from slack_adapters.surfaces import adopt_modal


async def handle_adopt_button(
    ack: AsyncAck, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient, services: SlackServices,
) -> None:
    await ack()
    async with after_ack(body, context, client):
        loading = await LoadingModal.open(client, body["trigger_id"], context, "the Adopt form")
        record = await clicked_record(services, body)
        require_status(record, ADOPT_FROM, Status.ADOPTING.value)
        await loading.show(await adopt_modal(services, record))
