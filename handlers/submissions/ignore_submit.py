"""Ignore form submitted: the rule is stored and the resource ignored.

The form is parsed before the ack (its errors go back in it); a broad rule (a type, a creator, a pattern, or no
expiry) is checked after the ack to be an admin's, since the Ignore form a non-admin sees does not offer one.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.decisions import IgnoreChoice
from handlers.flow import ONLY_ADMINS_IGNORE_BROADLY, after_ack
from renderers.slack import ModalMetadata, parse_ignore_form, render_ignore_working
from slack_adapters.errors import NotAuthorized
from slack_adapters.services import SlackServices
from slack_adapters.users import slack_actor


async def handle_ignore_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any], client: AsyncWebClient,
    services: SlackServices, modal: ModalMetadata, user_id: str,
) -> None:
    form = parse_ignore_form(view["state"]["values"])
    await ack(response_action="update", view=render_ignore_working(modal, form.scope, form.expiry, form.pattern))
    async with after_ack(body, context, client):
        admin = await services.users.is_admin(user_id)
        if form.broad and not admin:
            raise NotAuthorized(ONLY_ADMINS_IGNORE_BROADLY)
        choice = IgnoreChoice(form.scope, form.expiry.duration, form.pattern)
        # The engine checks again what a non-admin may ignore (NotAllowed), so it is told who decided.
        await services.decisions.ignore(modal.resource_id, modal.record_version, slack_actor(user_id), choice,
                                        admin=admin)
