"""Delete form submitted (by an admin): the typed confirmation is checked, then the delete starts."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.errors import UnknownResource
from renderers.slack import ModalMetadata, check_delete_form
from slack_adapters.presenters import resource_view
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor


async def handle_delete_submission(
    ack: AsyncAck, view: dict[str, Any], services: SlackServices, modal: ModalMetadata, user_id: str,
) -> None:
    record = await services.repo.get(modal.resource_id)
    if record is None:
        raise UnknownResource(modal.resource_id)
    check_delete_form(view["state"]["values"], await resource_view(record, services.users))
    await ack()
    actor = slack_actor(user_id)
    await services.decisions.delete(modal.resource_id, modal.record_version, actor, confirmed=record.loses_data)
