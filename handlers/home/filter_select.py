"""The App Home's filter menus (type, account, region, found by): narrow the open resources, back to page 1."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from handlers.flow import after_ack
from renderers.slack.home import chosen_value
from renderers.slack.ids import Action
from slack_adapters.home import publish_home
from slack_adapters.services import SlackServices

# Which filter each menu sets (a HomeFilters field).
FILTER_MENUS = {
    Action.HOME_TYPE_CHOOSE: "tf_type",
    Action.HOME_ACCOUNT_CHOOSE: "account",
    Action.HOME_REGION_CHOOSE: "region",
    Action.HOME_SOURCE_CHOOSE: "source",
}


async def handle_filter_select(
    ack: AsyncAck, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient, services: SlackServices,
    user_id: str,
) -> None:
    await ack()
    async with after_ack(body, context, client):
        action = (body.get("actions") or [{}])[0]
        which = FILTER_MENUS[Action(action["action_id"])]
        # "Any ..." (and a value no menu offers) is no filter.
        value = chosen_value((action.get("selected_option") or {}).get("value"))
        await publish_home(services, client, user_id, lambda filters: filters.narrowed(which, value))
