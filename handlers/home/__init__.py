"""The App Home tab."""

from __future__ import annotations

from slack_bolt.app.async_app import AsyncApp

from handlers.home.app_home_opened import handle_app_home_opened


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
