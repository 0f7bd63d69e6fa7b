"""Adopt form submitted: errors stay in the form; otherwise the form turns into the "working" view and the adopt
starts (one winner: a person who clicked second gets the polite note).

The one read before the ack is the address check (an adoption in flight or the repository already holding the
name), so the person can still choose another name in the form. It is boxed to ADDRESS_CHECK_SECONDS: when state
answers later than that, the ack goes without it, and the job itself avoids a taken label and says so.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.codegen import Target, parse_module_path, requested_label
from bot.decisions import AdoptChoice, resource_of
from bot.errors import UnknownResource
from bot.state import ResourceRecord
from handlers.flow import after_ack
from renderers.slack import (
    AdoptForm,
    FormError,
    ModalMetadata,
    parse_adopt_form,
    render_adopt_pending,
    render_adopt_working,
)
from renderers.slack.ids import Block
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor

logger = logging.getLogger(__name__)

# Slack shows an error if the ack takes three seconds; this leaves room for a slow start and the ack itself.
ADDRESS_CHECK_SECONDS = 1.0


async def handle_adopt_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: AsyncWebClient,
    services: SlackServices, modal: ModalMetadata, user_id: str,
) -> None:
    # A FormError raised before the ack reaches the error router, which answers with the form's errors.
    form = parse_adopt_form(view["state"]["values"], services.modules)
    choice = AdoptChoice(form.tf_name, form.module_path)
    record = await checked_record(services, modal, choice)
    address = tf_address(record, form) if record is not None else None
    await ack(response_action="update", view=render_adopt_pending(modal, form.tf_name, form.module_path, address))
    async with after_ack(body, context, client):
        await services.decisions.adopt(modal.resource_id, modal.record_version, slack_actor(user_id), choice)
        await show_working(client, services, view["id"], record or await services.repo.get(modal.resource_id),
                           form, modal)


async def checked_record(services: SlackServices, modal: ModalMetadata, choice: AdoptChoice) -> ResourceRecord | None:
    """The record, its address checked: FormError when taken, UnknownResource when the record is gone; None when
    state did not answer within ADDRESS_CHECK_SECONDS."""

    async def check() -> ResourceRecord:
        record = await services.repo.get(modal.resource_id)
        if record is None:
            raise UnknownResource(modal.resource_id)
        if taken := await services.decisions.address_in_use(record, choice):
            raise FormError({Block.TF_NAME_INPUT: f"{taken} Choose another name."})
        return record

    try:
        return await asyncio.wait_for(check(), ADDRESS_CHECK_SECONDS)
    except TimeoutError:
        logger.info("address check for %s took over %ss; acking without it", modal.resource_id, ADDRESS_CHECK_SECONDS)
        return None


async def show_working(
    client: AsyncWebClient, services: SlackServices, view_id: str, record: ResourceRecord | None, form: AdoptForm,
    modal: ModalMetadata,
) -> None:
    """The fuller working view, once the adopt started: a courtesy, as the person may have closed the window."""
    if record is None:
        return
    shown = await services.view(record)
    working = render_adopt_working(shown, tf_address(record, form), modal.record_version)
    try:
        await client.views_update(view_id=view_id, view=working)
    except SlackApiError as exc:
        logger.info("working view of %s not shown: %s", modal.resource_id, exc.response.get("error"))


def tf_address(record: ResourceRecord, form: AdoptForm) -> str:
    label = requested_label(resource_of(record), form.tf_name)
    return Target(modules=parse_module_path(form.module_path)).address(record.tf_type, label)
