"""How every listener runs: ack first, then the work, with an error after the ack told where the person looks.

Slack gives an interaction three seconds to be acknowledged, and a trigger_id three seconds to open a modal. A
state read (DynamoDB) or a Slack lookup before the ack can take longer than that on a bad day, and then the person
sees an error while tfsync carries on. So a listener acks before any I/O, opens a small "loading" modal with the
trigger_id right after when it shows a form, and only then reads state and Slack:

    await ack()
    async with after_ack(body, context, client):
        loading = await LoadingModal.open(client, body["trigger_id"], context, "the Adopt form")
        record = await clicked_record(services, body)
        await loading.show(await adopt_modal(services, record))

`after_ack` catches what fails after the ack and has the error router tell the person (in the loading modal when
one is open); see slack_adapters/errors.py for why such errors must not reach Bolt's own error handler.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UnknownResource
from bot.state import ResourceRecord
from renderers.slack import render_loading_modal
from slack_adapters.errors import NotAuthorized, report_after_ack
from slack_adapters.services import SlackServices

logger = logging.getLogger(__name__)

ONLY_ADMINS_DELETE = "Only tfsync admins can delete resources. Ask one of them, or adopt or ignore it."
ONLY_ADMINS_IGNORE_BROADLY = (
    "Only tfsync admins can ignore a whole type, everything a principal creates or a name pattern, or ignore for "
    "ever. You can ignore this resource for up to 30 days."
)
ONLY_ADMINS_UNIGNORE = "Only tfsync admins can remove an ignore rule someone else made. Ask one of them."


@contextlib.asynccontextmanager
async def after_ack(body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient) -> AsyncIterator[None]:
    """Run the work after the ack; an error is told to the person (slack_adapters.errors) and goes no further."""
    try:
        yield
    except Exception as error:
        await report_after_ack(error, body, context, client)


class LoadingModal:
    """The modal a listener opens at once with its trigger_id, then fills; views.update always with its hash.

    Its view id and hash are in `context["loading_view"]`, so an error after it opened replaces it with the error.
    """

    def __init__(self, client: AsyncWebClient, context: dict[str, Any], view_id: str, view_hash: str | None) -> None:
        self.client = client
        self.context = context
        self.view_id = view_id
        self.hash = view_hash
        context["loading_view"] = (view_id, view_hash)

    @classmethod
    async def open(cls, client: AsyncWebClient, trigger_id: str, context: dict[str, Any], what: str) -> LoadingModal:
        """views.open of the loading view, which needs nothing but the trigger: the first call after the ack."""
        response = await client.views_open(trigger_id=trigger_id, view=render_loading_modal(what))
        view = response["view"]
        return cls(client, context, view["id"], view.get("hash"))

    async def show(self, view: dict[str, Any]) -> None:
        """Replace what the modal shows with `view` (the form, or a refusal); nothing when the person closed it."""
        try:
            response = await self.client.views_update(view_id=self.view_id, hash=self.hash, view=view)
        except SlackApiError as exc:
            if exc.response.get("error") != "not_found":
                raise
            logger.info("modal %s was closed before it was filled", self.view_id)
            return
        self.hash = (response.get("view") or {}).get("hash")
        self.context["loading_view"] = (self.view_id, self.hash)


async def clicked_record(services: SlackServices, body: dict[str, Any]) -> ResourceRecord:
    """The record a resource button's value names; UnknownResource when there is none (a stale message)."""
    value = str(((body.get("actions") or [{}])[0]).get("value") or "")
    record = await services.repo.get(value) if value else None
    if record is None:
        raise UnknownResource(value)
    return record


async def require_admin(services: SlackServices, user_id: str | None, refusal: str) -> None:
    """NotAuthorized (with `refusal` as its words) unless the person is a tfsync admin; may ask Slack, so only
    after the ack."""
    if not user_id or not await services.users.is_admin(user_id):
        raise NotAuthorized(refusal)
