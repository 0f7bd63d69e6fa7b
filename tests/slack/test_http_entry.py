"""`python -m bot` with TFSYNC_SLACK_MODE=http: tfsync itself on its own HTTP port (no app-level token), answering
Slack's signed requests and its health checks until SIGTERM, then stopping cleanly with its port closed."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from sandbox import repo
from sandbox.slack import SlackEmulator, Workspace
from slack_adapters.http_mode import EVENTS_PATH, HEALTH_PATH, READY_PATH
from tests.conftest import create_queue_with_dlq
from tests.slack.conftest import eventually, texts

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def status_of(session: aiohttp.ClientSession, url: str) -> int | None:
    try:
        async with session.get(url) as response:
            return response.status
    except aiohttp.ClientError:
        return None


async def test_http_mode_runs_tfsync_on_its_port_and_stops_on_sigterm(
    state_env: dict[str, str], aws_client: Callable[..., Any], tmp_path: Path,
) -> None:
    queue_url, _dlq = create_queue_with_dlq(aws_client("sqs"), "tfsync-http-events", 3)
    workspace = Workspace()
    workspace.add_user("alice", email="alice@example.com")
    channel = workspace.add_channel("aws-changes")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with SlackEmulator(workspace) as emulator, aiohttp.ClientSession() as session:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TFSYNC_", "SLACK_"))}
        env.update(state_env)
        env.update({
            "TFSYNC_SLACK_MODE": "http", "SLACK_BOT_TOKEN": emulator.bot_token,
            "SLACK_SIGNING_SECRET": emulator.signing_secret, "TFSYNC_HTTP_HOST": "127.0.0.1",
            "TFSYNC_HTTP_PORT": str(port), "SLACK_API_URL": emulator.api_url, "TFSYNC_SLACK_CHANNEL": channel.id,
            "TFSYNC_QUEUE_URL": queue_url, "TFSYNC_RECEIVE_WAIT_SECONDS": "1", "TFSYNC_SANDBOX_PORT": "0",
            "TFSYNC_REPOSITORY_PATH": str(repo.create_example_repository(tmp_path / "infra")),
            # Where the heartbeat goes (the temporary folder, as in the container), apart from other runs'.
            "TMPDIR": str(tmp_path),
        })

        async def health_check() -> tuple[int, str]:
            checked = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "health", cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE)
            said, problem = await checked.communicate()
            return checked.returncode or 0, (said + problem).decode()

        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            async def answers() -> bool:
                return await status_of(session, base + HEALTH_PATH) == 200

            await eventually(answers, seconds=60)
            assert await status_of(session, base + READY_PATH) == 200

            async def healthy() -> str | None:
                # The first beat may come before the consumer runs ("consumer starting"); the next one says so.
                code, said = await health_check()
                return said if code == 0 and "consumer running" in said else None

            said = await eventually(healthy, seconds=30)
            assert said.startswith("healthy: beat") and "slack http" in said
            await emulator.use_request_url(base + EVENTS_PATH)
            ack = await (await emulator.slash_command("alice", "aws-changes", "/tfsync", "help")).wait_ack()
            assert (ack.status, ack.problem) == (200, None)
            [answer] = await eventually(lambda: emulator.ephemerals(user="alice"))
            assert "/tfsync list [status]" in texts(answer.blocks)

            proc.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(proc.communicate(), 20)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        assert await status_of(session, base + HEALTH_PATH) is None  # the port is closed
        code, said = await health_check()  # a stopped bot is not alive: its heartbeat went with it
        assert code == 1 and "unhealthy: no heartbeat" in said
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"sandbox ready" not in out
    assert emulator.calls_to("apps.connections.open") == []  # no Socket Mode, no app-level token
    assert b"HTTP mode" in err and b"consuming" in err and emulator.signing_secret.encode() not in out + err
