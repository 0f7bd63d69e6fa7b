"""`/tfsync <subcommand> [argument]`: acknowledged at once, before anything is read; answered ephemerally (or with a
modal); unknown input gets the help."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from handlers.commands.subcommands import NEEDS_ARGUMENT, SUBCOMMANDS, Invocation
from handlers.flow import after_ack
from renderers.slack import render_help
from slack_adapters.services import SlackServices

COMMAND = "/tfsync"


async def handle_tfsync_command(
    ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any], command: dict[str, Any], context: dict[str, Any],
    client: AsyncWebClient, services: SlackServices,
) -> None:
    await ack()
    async with after_ack(body, context, client):
        text = str(command.get("text") or "").strip()
        word, _, rest = text.partition(" ")
        subcommand = SUBCOMMANDS.get(word.lower())
        if subcommand is None or (word.lower() in NEEDS_ARGUMENT and not rest.strip()):
            await respond(**render_help(text or None))
            return
        invocation = Invocation(services, client, command["user_id"], command["trigger_id"], rest.strip(), context)
        answer = await subcommand(invocation)
        if answer is not None:
            await respond(**answer)
