"""Adopt form submitted: errors stay in the form; otherwise the form turns into the "working" view and the adopt
starts (one winner: a person who clicked second gets the polite note)."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.codegen import Target, parse_module_path
from bot.decisions import AdoptChoice
from bot.errors import UnknownResource
from renderers.slack import ModalMetadata, parse_adopt_form, render_adopt_working
from slack_adapters.presenters import resource_view
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor


async def handle_adopt_submission(
    ack: AsyncAck, view: dict[str, Any], services: SlackServices, modal: ModalMetadata, user_id: str,
) -> None:
    # A FormError raised here reaches the error router before the ack, which answers with the form's errors.
    form = parse_adopt_form(view["state"]["values"], services.modules)
    record = await services.repo.get(modal.resource_id)
    if record is None:
        raise UnknownResource(modal.resource_id)
    shown = await resource_view(record, services.users)
    address = Target(modules=parse_module_path(form.module_path)).address(record.tf_type, form.tf_name)
    await ack(response_action="update", view=render_adopt_working(shown, address, form.tf_file, modal.record_version))
    choice = AdoptChoice(form.tf_name, form.module_path, form.tf_file)
    await services.decisions.adopt(modal.resource_id, modal.record_version, slack_actor(user_id), choice)
