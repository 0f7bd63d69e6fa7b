"""Ignore form submitted: the rule is stored and the resource ignored."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from slack_adapters.app import Tfsync
from renderers.slack import ModalMetadata, parse_ignore_form


async def handle_ignore_submission(
    ack: AsyncAck, view: dict[str, Any], tfsync: Tfsync, modal: ModalMetadata, user_id: str,
) -> None:
    form = parse_ignore_form(view["state"]["values"])
    await ack()
    await tfsync.decisions.ignore(modal.resource_id, modal.record_version, user_id, form)
