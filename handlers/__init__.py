"""Slack listeners, one per module, registered per kind: thin, they parse, call bot/, render and send."""

from __future__ import annotations

from slack_bolt.app.async_app import AsyncApp

from handlers import actions, commands, home, views


def register_all(app: AsyncApp) -> None:
    actions.register(app)
    views.register(app)
    commands.register(app)
    home.register(app)
