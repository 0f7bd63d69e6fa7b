"""Delete form submitted (by an admin): the typed confirmation is checked, then the delete starts.

The phrase to type travels in the form's private_metadata, so a wrong one is answered in the ack, under the input,
with no state read. Whether the person is still an admin is checked again after the ack (the form may have been
opened before their rights changed), and a refusal replaces the working view.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UnknownResource
from handlers.flow import ONLY_ADMINS_DELETE, after_ack, require_admin
from renderers.slack import ModalMetadata, check_delete_phrase, render_delete_working
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor


async def handle_delete_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: AsyncWebClient,
    services: SlackServices, modal: ModalMetadata, user_id: str,
) -> None:
    check_delete_phrase(view["state"]["values"], modal)
    await ack(response_action="update", view=render_delete_working(modal))
    async with after_ack(body, context, client):
        await require_admin(services, user_id, ONLY_ADMINS_DELETE)
        record = await services.repo.get(modal.resource_id)
        if record is None:
            raise UnknownResource(modal.resource_id)
        # Data loss is confirmed only by the phrase typed into this form; a form that asked for none confirms none.
        confirmed = record.loses_data and modal.confirm_phrase is not None
        await services.decisions.delete(modal.resource_id, modal.record_version, slack_actor(user_id),
                                        confirmed=confirmed)
