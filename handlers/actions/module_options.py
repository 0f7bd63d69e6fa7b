"""The target module's external select: the configured modules matching what the person typed."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from renderers.slack import render_module_options
from slack_adapters.services import SlackServices


async def handle_module_options(ack: AsyncAck, payload: dict[str, Any], services: SlackServices) -> None:
    await ack(**render_module_options(services.modules, str(payload.get("value") or "")))
