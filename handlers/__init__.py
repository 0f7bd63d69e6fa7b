"""Slack listeners, one per module, registered per kind: thin, they parse, call bot/, render and send."""

from __future__ import annotations

from slack_bolt.app.async_app import AsyncApp

from handlers import actions, commands, home, submissions
from handlers.middleware import provide
from slack_adapters.services import SlackServices


def register_all(app: AsyncApp, services: SlackServices) -> None:
    """The services in every request's context, then every listener."""
    app.middleware(provide(services))
    actions.register(app)
    submissions.register(app)
    commands.register(app)
    home.register(app)
