"""Delete button: the Delete form for admins; everyone else gets the refusal naming the admins, never a form."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.decisions import DELETE_FROM, require_status
from bot.state import Status
from handlers.flow import LoadingModal, after_ack, clicked_record
from slack_adapters.services import SlackServices
from slack_adapters.surfaces import delete_modal


async def handle_delete_button(
    ack: AsyncAck, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient, services: SlackServices,
    user_id: str,
) -> None:
    await ack()
    async with after_ack(body, context, client):
        loading = await LoadingModal.open(client, body["trigger_id"], context, "the Delete form")
        record = await clicked_record(services, body)
        require_status(record, DELETE_FROM, Status.DELETING.value)
        allowed = await services.users.is_admin(user_id)
        await loading.show(await delete_modal(services, record, allowed=allowed))
