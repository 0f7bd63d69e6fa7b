"""Fixtures for the Slack emulator: a started emulator with people and a channel, and a real Bolt app on it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp

from sandbox.slack import SlackEmulator, Workspace


@pytest.fixture
async def emulator() -> AsyncIterator[SlackEmulator]:
    workspace = Workspace()
    workspace.add_user("alice", email="alice@example.com", real_name="Alice Adams")
    workspace.add_user("bob", email="bob@example.com", real_name="Bob Brown")
    workspace.add_channel("infra")
    async with SlackEmulator(workspace) as emu:
        yield emu


@pytest.fixture
def bolt_app(emulator: SlackEmulator) -> AsyncApp:
    """A Bolt AsyncApp whose Web API client talks to the emulator; no signing secret, as in Socket Mode."""
    return AsyncApp(client=emulator.web_client(), logger=logging.getLogger("tests.bolt"))


@contextlib.asynccontextmanager
async def connected(app: AsyncApp, emulator: SlackEmulator) -> AsyncIterator[AsyncSocketModeHandler]:
    """The app connected over Socket Mode exactly as in production: apps.connections.open, then the websocket."""
    handler = AsyncSocketModeHandler(app, emulator.app_token)
    await handler.connect_async()
    try:
        await emulator.wait_connected(5)
        yield handler
    finally:
        await handler.close_async()


async def eventually(check: Callable[[], Any], seconds: float = 3.0) -> Any:
    """Poll `check` until it returns something truthy (work the app does after ack)."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {seconds}s")
        await asyncio.sleep(0.02)
