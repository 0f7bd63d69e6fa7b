"""Slash commands: `/tfsync` and its subcommands."""

from __future__ import annotations

from slack_bolt.app.async_app import AsyncApp

from handlers.commands.tfsync_command import COMMAND, handle_tfsync_command


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(handle_tfsync_command)
