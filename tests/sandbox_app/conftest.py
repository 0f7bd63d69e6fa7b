"""One running sandbox per test module (embedded AWS, Slack emulator, tfsync, the page), driven over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from app import start_tfsync
from bot.config import Settings
from sandbox.app import Running, Sandbox

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@dataclass
class Api:
    """The sandbox's JSON API, as the page uses it."""

    url: str
    session: aiohttp.ClientSession

    async def get(self, path: str, **params: str) -> dict[str, Any]:
        async with self.session.get(self.url + path, params=params) as response:
            data = await response.json()
            assert response.status == 200, data
            return data

    async def post(self, path: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        async with self.session.post(self.url + path, json=body) as response:
            data = await response.json()
            assert response.status == status, data
            return data


async def eventually(check: Callable[[], Awaitable[Any]], seconds: float = 20.0, every: float = 0.1) -> Any:
    """Await `check` until it returns something truthy; AssertionError after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {seconds}s (last: {result!r})")
        await asyncio.sleep(every)


@pytest.fixture(scope="module")
def sandbox_env() -> dict[str, str]:
    """Extra settings for the module's sandbox; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    """Options of the module's Sandbox (member_role=False: no role for tfsync in the second account)."""
    return {}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def sandbox(tmp_path_factory: pytest.TempPathFactory, sandbox_env: dict[str, str],
                  sandbox_options: dict[str, Any]) -> AsyncIterator[Running]:
    repository = tmp_path_factory.mktemp("sandbox") / "infrastructure"
    settings = Settings.from_env({"TFSYNC_SANDBOX_PORT": "0", "TFSYNC_REPOSITORY_PATH": str(repository),
                                  **sandbox_env})
    async with Sandbox(settings, start=start_tfsync, **sandbox_options) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def api(sandbox: Running) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield Api(sandbox.url, session)
