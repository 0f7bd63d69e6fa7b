"""What the heartbeat reports as a problem: a Socket Mode connection down too long, a consumer SQS stopped answering."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from app import SOCKET_DOWN_SECONDS, SlackConnection, vitals_of
from bot.config import Settings
from bot.consumer.loop import RECEIVE_SILENCE_SECONDS, Consumer
from bot.health import beat, check


class _Client:
    def __init__(self) -> None:
        self.up = True

    async def is_connected(self) -> bool:
        return self.up


def _consumer(wait: int = 20) -> Consumer:
    return Consumer(Settings(receive_wait_seconds=wait, queue_url="https://sqs.example/q"), Any, None, None, None,
                    None)  # type: ignore[arg-type]


async def test_a_socket_mode_connection_down_past_the_limit_is_a_problem() -> None:
    client = _Client()
    slack = SlackConnection(socket_mode=SimpleNamespace(client=client))  # type: ignore[arg-type]
    assert await slack.problem(1000.0) is None
    client.up = False
    assert await slack.problem(1000.0) is None, "the client reconnects by itself for a while"
    assert await slack.problem(1000.0 + SOCKET_DOWN_SECONDS) is None
    problem = await slack.problem(1001.0 + SOCKET_DOWN_SECONDS)
    assert problem == f"the Socket Mode connection to Slack has been down for {SOCKET_DOWN_SECONDS + 1:.0f} s"
    client.up = True
    assert await slack.problem(2000.0) is None and slack.down_since is None
    assert await SlackConnection().problem(5000.0) is None


def test_a_consumer_whose_receives_stopped_coming_back_is_a_problem() -> None:
    consumer = _consumer(wait=20)
    start = consumer._started
    assert consumer.vitals(start + RECEIVE_SILENCE_SECONDS + 20) is None
    assert consumer.vitals(start + RECEIVE_SILENCE_SECONDS + 21) == (
        f"the queue consumer has had no answer from SQS for {RECEIVE_SILENCE_SECONDS + 21} s (more than "
        f"{RECEIVE_SILENCE_SECONDS + 20} s)")
    consumer.last_receive = start + 1000
    assert consumer.vitals(start + 1010) is None


async def test_the_heartbeat_says_the_first_problem_and_the_health_check_fails_on_it(tmp_path: Path) -> None:
    client = _Client()
    client.up = False
    slack = SlackConnection(socket_mode=SimpleNamespace(client=client))  # type: ignore[arg-type]
    slack.down_since = -1e9  # down since long ago
    path = tmp_path / "beat.json"
    stop = asyncio.Event()
    task = asyncio.create_task(beat(stop, vitals_of(slack, lambda: None), path=path, every=0.05))
    for _ in range(100):
        if path.exists():
            break
        await asyncio.sleep(0.02)
    healthy, why = check(path)
    assert not healthy and why.startswith("the Socket Mode connection to Slack has been down for")
    stop.set()
    await task
    assert not path.exists()
