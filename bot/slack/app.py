"""The Slack app: a Bolt AsyncApp in Socket Mode, its middleware, the error router and every listener.

`build_tfsync` wires the engine (state repository, executors) to Slack, `build_app` puts the listeners on it and
`run_app` connects it over Socket Mode. The same app runs against Slack or the project's Slack emulator: only
`SLACK_API_URL` differs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.errors import ConfigError
from bot.slack.decisions import Decisions
from bot.slack.errors import NotAuthorized, UnknownResource, route_error
from bot.slack.execution import AdoptLauncher, Deleter
from bot.slack.notifier import SlackNotifier
from bot.slack.posting import PostingQueue
from bot.slack.routing import Router
from bot.slack.users import UserDirectory
from bot.slack.views import Previews, module_views
from bot.state import StateRepository
from renderers.slack import parse_metadata
from renderers.slack.ids import Callback
from renderers.slack.models import ModuleView

logger = logging.getLogger(__name__)

# Views whose private_metadata tfsync wrote and every listener of theirs reads.
_OUR_MODALS = frozenset({Callback.ADOPTION_SUBMIT, Callback.DELETION_SUBMIT, Callback.IGNORE_RULE_SUBMIT,
                         Callback.ADOPTION_WAIT, Callback.DELETION_REFUSE})


@dataclass
class Tfsync:
    """What every listener may use; put in each request's context as `tfsync` by middleware."""

    settings: Settings
    repo: StateRepository
    client: AsyncWebClient
    router: Router
    users: UserDirectory
    previews: Previews
    notifier: SlackNotifier
    decisions: Decisions

    @property
    def modules(self) -> list[ModuleView]:
        return module_views(self.settings.target_modules)


def build_tfsync(
    settings: Settings, repo: StateRepository, *, launcher: AdoptLauncher, deleter: Deleter,
    client: AsyncWebClient | None = None,
) -> Tfsync:
    """The Slack side of tfsync: client, posting queue, router, user directory, notifier and decisions."""
    if client is None:
        if not settings.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is not set: the Slack app needs the bot token")
        client = AsyncWebClient(token=settings.slack_bot_token.reveal(), base_url=settings.slack_api_url)
    users = UserDirectory(client, admins=settings.slack_admins, admin_group=settings.slack_admin_group)
    previews = Previews()
    router = Router.from_settings(settings)
    poster = PostingQueue(client, interval=settings.slack_post_interval_ms / 1000)
    notifier = SlackNotifier(repo, router, users, poster, previews=previews,
                             burst_threshold=settings.burst_threshold, burst_window=settings.burst_window_seconds)
    decisions = Decisions(repo, notifier, launcher, deleter)
    return Tfsync(settings, repo, client, router, users, previews, notifier, decisions)


def build_app(tfsync: Tfsync) -> AsyncApp:
    """The Bolt app with tfsync's middleware, error router and listeners."""
    from handlers import register_all

    app = AsyncApp(client=tfsync.client, logger=logging.getLogger("tfsync.bolt"))

    @app.middleware
    async def provide(context: dict[str, Any], body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
        context["tfsync"] = tfsync
        view = body.get("view") or {}
        if view.get("callback_id") in _OUR_MODALS and body.get("type") in ("view_submission", "view_closed",
                                                                           "block_actions"):
            # Parsed once here; a view tfsync did not write fails before any listener runs.
            context["modal"] = parse_metadata(view.get("private_metadata"))
        user = (body.get("user") or {}).get("id") or body.get("user_id") or (body.get("event") or {}).get("user")
        if user:
            context["user_id"] = user
        await next()

    @app.error
    async def errors(error: Exception, body: dict[str, Any], context: dict[str, Any], client: AsyncWebClient,
                     response: Any) -> Any:
        return await route_error(error, body, context, client, response)

    register_all(app)
    return app


async def require_admin(context: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
    """Listener middleware: only tfsync admins get past it (ids in the settings, or the admin user group)."""
    tfsync: Tfsync = context["tfsync"]
    user = context.get("user_id")
    if not user or not await tfsync.users.is_admin(user):
        raise NotAuthorized("Only tfsync admins can delete resources. Ask one of them, or adopt or ignore it.")
    await next()


async def load_resource(context: dict[str, Any], body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
    """Listener middleware for resource buttons: the record the button's value names, as `record`."""
    tfsync: Tfsync = context["tfsync"]
    value = ((body.get("actions") or [{}])[0]).get("value") or ""
    record = await tfsync.repo.get(value)
    if record is None:
        raise UnknownResource(value)
    context["record"] = record
    await next()


async def mark_admin(context: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
    """Listener middleware: `is_admin` in the context, for listeners that show admins more (the Delete form)."""
    tfsync: Tfsync = context["tfsync"]
    user = context.get("user_id")
    context["is_admin"] = isinstance(user, str) and await tfsync.users.is_admin(user)
    await next()


async def run_app(app: AsyncApp, settings: Settings) -> AsyncSocketModeHandler:
    """Connect the app over Socket Mode; returns the handler (close_async() to disconnect)."""
    if not settings.slack_app_token:
        raise ConfigError("SLACK_APP_TOKEN is not set: Socket Mode needs the app-level token")
    handler = AsyncSocketModeHandler(app, settings.slack_app_token.reveal())
    await handler.connect_async()
    return handler

