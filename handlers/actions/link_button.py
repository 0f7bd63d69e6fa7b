"""Link buttons (console, thread, build log): Slack opens the URL; the app only acknowledges the click."""

from __future__ import annotations

from slack_bolt.context.ack.async_ack import AsyncAck

from renderers.slack.ids import Action

LINK_ACTIONS = (Action.CONSOLE_OPEN, Action.THREAD_OPEN, Action.JOB_OPEN)


async def handle_link_button(ack: AsyncAck) -> None:
    await ack()
