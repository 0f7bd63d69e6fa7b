"""tfsync as production runs it (`python -m bot` with Slack tokens), killed with SIGKILL twenty times while
creations arrive: with the deployed redrive policy, nothing is lost and no resource gets a second thread."""

from __future__ import annotations

import asyncio
import os
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.state.tables import ResourceModel
from sandbox.aws import MAX_RECEIVE_COUNT
from sandbox.slack import SlackEmulator
from tests.conftest import ROOT, create_queue_with_dlq
from tests.consumer_events import create_bucket_record, event_id, eventbridge, queue_depth, send_all
from tests.slack.test_publisher import shown_resources

KILLS = 20
CREATIONS = 60
VISIBILITY = 2


def top_level_per_resource(emulator: SlackEmulator, channel: str) -> Counter[str]:
    """How many messages in the channel carry each resource's post metadata (its own parent, or its group)."""
    found: Counter[str] = Counter()
    for parent in emulator.messages(channel):
        for message in emulator.thread(channel, parent.ts):
            payload = (message.metadata or {}).get("event_payload") or {}
            if payload.get("resource_id") and message.ts == parent.ts:
                found[payload["resource_id"]] += 1
    return found


async def test_sigkill_twenty_times_loses_nothing_and_posts_no_second_thread(
    slack_env: dict[str, str], emulator: SlackEmulator, aws_client: Callable[..., Any], tmp_path: Path,
) -> None:
    sqs = aws_client("sqs")
    queue_url, dlq_url = create_queue_with_dlq(sqs, "tfsync-kills", MAX_RECEIVE_COUNT)
    repository = tmp_path / "infrastructure"
    await (await asyncio.create_subprocess_exec("git", "init", "-q", str(repository))).wait()
    env = {
        **os.environ, **slack_env, "TFSYNC_QUEUE_URL": queue_url, "TFSYNC_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "TFSYNC_RECEIVE_WAIT_SECONDS": "1", "TFSYNC_SHUTDOWN_SECONDS": "1", "TFSYNC_REPOSITORY_PATH": str(repository),
        "TFSYNC_SLACK_POST_INTERVAL_MS": "300", "TFSYNC_LOG_LEVEL": "WARNING",
        # The corpus bucket's account: tfsync's own here, so its threads offer Adopt (counted below).
        "TFSYNC_ACCOUNT_ID": "999999999999",
    }
    bodies = [eventbridge(create_bucket_record(f"killed-{n:02d}", event_id(n, "kills"))) for n in range(CREATIONS)]
    rng = random.Random(12)
    log = (tmp_path / "bot.log").open("ab")

    async def start() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT, env=env, stdout=log,
                                                    stderr=log)

    per_round = CREATIONS // KILLS
    for round_ in range(KILLS):
        await asyncio.to_thread(send_all, sqs, queue_url, bodies[round_ * per_round:(round_ + 1) * per_round])
        bot = await start()
        # Anywhere from still importing to well into posting. The process takes about two seconds to start on a
        # 2-core machine, so a window of up to four left most lives a second or two of consuming: on a slower start
        # the same messages were received by five short-lived processes in a row and reached the dead-letter queue,
        # which tells how fast the machine starts Python, not whether a kill loses anything.
        await asyncio.sleep(rng.uniform(0.5, 6.0))
        bot.kill()
        await bot.wait()

    bot = await start()
    try:
        async def settled() -> bool:
            records = await asyncio.to_thread(lambda: list(ResourceModel.scan()))
            return (len(records) == CREATIONS and all(r.notify_pending is None for r in records)
                    and await asyncio.to_thread(queue_depth, sqs, queue_url) == 0)

        deadline = asyncio.get_running_loop().time() + 120
        while not await settled():
            assert asyncio.get_running_loop().time() < deadline, (tmp_path / "bot.log").read_text()[-3000:]
            await asyncio.sleep(0.5)
    finally:
        bot.terminate()
        await bot.wait()
        log.close()

    records = list(ResourceModel.scan())
    assert sorted(r.name for r in records) == sorted(f"killed-{n:02d}" for n in range(CREATIONS))
    # Every resource is in Slack once: its buttons in exactly one message, and at most one top-level post of it.
    assert shown_resources(emulator, "infra") == Counter({r.resource_id: 1 for r in records})
    assert all(count == 1 for count in top_level_per_resource(emulator, "infra").values())
    # Nothing reached the dead-letter queue: the queue's messages were stored long before Slack showed them.
    assert queue_depth(sqs, dlq_url) == 0
