"""`python -m bot` with both Slack tokens set runs tfsync itself (consumer + Slack app), not the sandbox."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sandbox import repo
from sandbox.slack import SlackEmulator, Workspace
from tests.conftest import create_queue_with_dlq

ROOT = Path(__file__).resolve().parents[2]


async def test_tokens_set_runs_tfsync_on_slack_and_stops_on_sigterm(
    state_env: dict[str, str], aws_client: Callable[..., Any], tmp_path: Path,
) -> None:
    queue_url, _dlq = create_queue_with_dlq(aws_client("sqs"), "tfsync-events", 3)
    workspace = Workspace()
    workspace.add_user("alice", email="alice@example.com")
    channel = workspace.add_channel("aws-changes")
    async with SlackEmulator(workspace) as emulator:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TFSYNC_", "SLACK_"))}
        env.update(state_env)
        env.update({
            "SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_APP_TOKEN": emulator.app_token,
            "SLACK_API_URL": emulator.api_url, "TFSYNC_SLACK_CHANNEL": channel.id, "TFSYNC_QUEUE_URL": queue_url,
            "TFSYNC_RECEIVE_WAIT_SECONDS": "1", "TFSYNC_SANDBOX_PORT": "0",
            "TFSYNC_REPOSITORY_PATH": str(repo.create_example_repository(tmp_path / "infra")),
        })
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await emulator.wait_connected(30)
            assert emulator.calls_to("apps.connections.open")
            proc.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(proc.communicate(), 20)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"sandbox ready" not in out
    assert b"consuming" in err
