"""Ignore form submitted: the rule is stored and the resource ignored."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.decisions import IgnoreChoice
from renderers.slack import ModalMetadata, parse_ignore_form
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor


async def handle_ignore_submission(
    ack: AsyncAck, view: dict[str, Any], services: SlackServices, modal: ModalMetadata, user_id: str,
) -> None:
    form = parse_ignore_form(view["state"]["values"])
    await ack()
    choice = IgnoreChoice(form.scope, form.expiry.duration, form.pattern)
    await services.decisions.ignore(modal.resource_id, modal.record_version, slack_actor(user_id), choice)
