"""Adopt form submitted: errors stay in the form; otherwise the form turns into the "working" view and the adopt
starts (one winner: a person who clicked second gets the polite note)."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.codegen import Target, parse_module_path, requested_label
from bot.decisions import AdoptChoice, resource_of
from bot.errors import UnknownResource
from renderers.slack import FormError, ModalMetadata, parse_adopt_form, render_adopt_working
from renderers.slack.ids import Block
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
    choice = AdoptChoice(form.tf_name, form.module_path)
    # An address another adoption in flight (or the repository) holds is refused here, while the person can still
    # choose; two claims at the same moment are settled by the job, which takes a free label and says so.
    if taken := await services.decisions.address_in_use(record, choice):
        raise FormError({Block.TF_NAME_INPUT: f"{taken} Choose another name."})
    shown = await resource_view(record, services.users)
    label = requested_label(resource_of(record), form.tf_name)
    address = Target(modules=parse_module_path(form.module_path)).address(record.tf_type, label)
    await ack(response_action="update", view=render_adopt_working(shown, address, modal.record_version))
    await services.decisions.adopt(modal.resource_id, modal.record_version, slack_actor(user_id), choice)
