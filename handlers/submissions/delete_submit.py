"""Delete form submitted (by an admin): the typed confirmation is checked, then the delete starts."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from slack_adapters.app import Tfsync
from slack_adapters.errors import UnknownResource
from slack_adapters.presenters import resource_view
from renderers.slack import ModalMetadata, check_delete_form


async def handle_delete_submission(
    ack: AsyncAck, view: dict[str, Any], tfsync: Tfsync, modal: ModalMetadata, user_id: str,
) -> None:
    record = await tfsync.repo.get(modal.resource_id)
    if record is None:
        raise UnknownResource(modal.resource_id)
    check_delete_form(view["state"]["values"], await resource_view(record, tfsync.users))
    await ack()
    await tfsync.decisions.delete(modal.resource_id, modal.record_version, user_id, confirmed=record.loses_data)
