"""Middleware for the listeners: the services and the parsed modal metadata in the context, who is an admin,
which resource a button names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.errors import UnknownResource
from renderers.slack import parse_metadata
from renderers.slack.ids import Callback
from slack_adapters.errors import NotAuthorized
from slack_adapters.services import SlackServices

Next = Callable[[], Awaitable[None]]
Middleware = Callable[..., Awaitable[None]]

# Views whose private_metadata tfsync wrote and every listener of theirs reads.
_OUR_MODALS = frozenset({Callback.ADOPTION_SUBMIT, Callback.DELETION_SUBMIT, Callback.IGNORE_RULE_SUBMIT,
                         Callback.ADOPTION_WAIT, Callback.DELETION_REFUSE})


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


async def require_admin(context: dict[str, Any], next: Next) -> None:
    """Listener middleware: only tfsync admins get past it (ids in the settings, or the admin user group)."""
    services: SlackServices = context["services"]
    user = context.get("user_id")
    if not user or not await services.users.is_admin(user):
        raise NotAuthorized("Only tfsync admins can delete resources. Ask one of them, or adopt or ignore it.")
    await next()


async def load_resource(context: dict[str, Any], body: dict[str, Any], next: Next) -> None:
    """Listener middleware for resource buttons: the record the button's value names, as `record`."""
    services: SlackServices = context["services"]
    value = ((body.get("actions") or [{}])[0]).get("value") or ""
    record = await services.repo.get(value)
    if record is None:
        raise UnknownResource(value)
    context["record"] = record
    await next()


async def mark_admin(context: dict[str, Any], next: Next) -> None:
    """Listener middleware: `is_admin` in the context, for listeners that show admins more (the Delete form)."""
    services: SlackServices = context["services"]
    user = context.get("user_id")
    context["is_admin"] = isinstance(user, str) and await services.users.is_admin(user)
    await next()
