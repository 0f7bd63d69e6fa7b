"""Middleware for the listeners: the services and the parsed modal metadata in the context.

It does no I/O, on purpose: middleware runs before the listener, so anything it waits for delays the ack. Who is
an admin and which resource a button names are looked up by the listeners after they ack (handlers/flow.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from renderers.slack import parse_metadata
from renderers.slack.ids import Callback
from slack_adapters.services import SlackServices

Next = Callable[[], Awaitable[None]]
Middleware = Callable[..., Awaitable[None]]

# Views whose private_metadata tfsync wrote and every listener of theirs reads.
_OUR_MODALS = frozenset({Callback.ADOPTION_SUBMIT, Callback.DELETION_SUBMIT, Callback.IGNORE_RULE_SUBMIT,
                         Callback.ADOPTION_WAIT, Callback.DELETION_REFUSE, Callback.DELETION_WAIT,
                         Callback.IGNORE_RULE_WAIT})


def provide(services: SlackServices) -> Middleware:
    """Global middleware: `services`, `user_id` and (for tfsync's own modals) the parsed `modal` in the context."""

    async def provide_services(context: dict[str, Any], body: dict[str, Any], next: Next) -> None:
        context["services"] = services
        view = body.get("view") or {}
        if view.get("callback_id") in _OUR_MODALS and body.get("type") in ("view_submission", "view_closed",
                                                                           "block_actions"):
            # Parsed once here; a view tfsync did not write fails before any listener runs.
            context["modal"] = parse_metadata(view.get("private_metadata"))
        user = (body.get("user") or {}).get("id") or body.get("user_id") or (body.get("event") or {}).get("user")
        if user:
            context["user_id"] = user
        await next()

    return provide_services
