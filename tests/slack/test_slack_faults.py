"""Slack on a bad day: an outage longer than the queue's redrive, and 429s, 5xx and lost answers on every method.

Slack is a view. What happens to resources is stored without waiting on it, and what it has yet to show is shown
from the records once it answers again: every message once, every thread in order, every decision with its true
outcome.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bot.classify import Classifier
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer
from bot.decisions import AdoptChoice
from bot.state import Status
from bot.state.tables import ResourceModel
from tests.conftest import create_queue_with_dlq
from tests.consumer_events import create_bucket_record, event_id, eventbridge, queue_depth, send_all
from tests.slack.conftest import Harness, eventually
from tests.slack.test_publisher import shown_resources

MAX_RECEIVE_COUNT = 2
VISIBILITY = 2


def queue_settings(env: dict[str, str], queue_url: str) -> Settings:
    return Settings.from_env({
        **env, "TFSYNC_QUEUE_URL": queue_url, "TFSYNC_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "TFSYNC_RECEIVE_WAIT_SECONDS": "1", "TFSYNC_SHUTDOWN_SECONDS": "1",
    })


async def test_an_outage_longer_than_the_redrive_loses_nothing_and_posts_everything_once(
    harness: Harness, slack_env: dict[str, str], aws_client: Callable[..., Any],
) -> None:
    emulator = harness.emulator
    sqs = aws_client("sqs")
    queue_url, dlq_url = create_queue_with_dlq(sqs, "tfsync-outage", MAX_RECEIVE_COUNT)
    settings = queue_settings(slack_env, queue_url)
    consumer = Consumer(settings, harness.repo, sqs, aws_client("s3"),
                        ClassifierSource.fixed(settings, Classifier()), harness.services.notifier)
    emulator.outage = True
    began = time.monotonic()
    send_all(sqs, queue_url, [eventbridge(create_bucket_record(f"outage-{n:02d}", event_id(n, "outage")))
                              for n in range(20)])
    stop = asyncio.Event()
    run = asyncio.create_task(consumer.run(stop))
    try:
        await eventually(lambda: len(list(ResourceModel.scan())) == 20 and queue_depth(sqs, queue_url) == 0, 30)
        # Slack stays away for longer than it takes a message to reach the dead-letter queue, were any held back.
        await asyncio.sleep(max(0.0, MAX_RECEIVE_COUNT * VISIBILITY + 2 - (time.monotonic() - began)))
        # Every message done and deleted (a redelivery under load is deleted too), none left for the redrive.
        assert queue_depth(sqs, dlq_url) == 0 and consumer.stats.deleted >= 20
        assert not [c for c in emulator.calls_to("chat.postMessage") if c.ok]
        assert len(await harness.repo.pending()) == 20

        emulator.outage = False
        assert await harness.services.notifier.flush(90)
    finally:
        stop.set()
        await run
    assert shown_resources(emulator, "infra") == Counter({r.resource_id: 1 for r in ResourceModel.scan()})
    assert queue_depth(sqs, dlq_url) == 0


async def test_429s_5xx_and_lost_answers_on_every_method_leave_every_decision_true_and_every_thread_right(
    harness: Harness,
) -> None:
    emulator = harness.emulator
    records = [await harness.detect(f"stormy-{n}") for n in range(6)]
    # From here on, a fifth of the calls of every method are refused for a while, a tenth rate limited, and a
    # fifth of the posts and updates applied with their answer lost.
    emulator.fail(None, status=503, times=None, probability=0.2)
    emulator.fail(None, status=429, times=None, probability=0.1, retry_after=0)
    emulator.apply_then_fail(times=None, probability=0.2)
    decisions = harness.services.decisions
    for n, record in enumerate(records[:3]):
        await decisions.adopt(record.resource_id, None, "slack:U1", AdoptChoice(f"stormy_{n}"))
    for record in records[3:]:
        await decisions.delete(record.resource_id, None, "slack:U2", confirmed=False)
    await decisions.drain()
    assert await harness.services.notifier.flush(120)
    faults = Counter(c.fault for c in emulator.calls if c.fault)
    assert faults["instead"] and faults["applied"], faults  # the storm did happen
    emulator.clear_faults()
    assert await harness.services.notifier.flush(30)

    for record, steps in [(r, ["Adopting", "Adopted"]) for r in records[:3]] + \
                         [(r, ["Deleting", "Deleted"]) for r in records[3:]]:
        stored = await harness.repo.get(record.resource_id)
        assert stored.status == (Status.ADOPTED if steps[0] == "Adopting" else Status.DELETED)
        replies = emulator.thread("infra", record.slack_thread_ts)[1:]
        assert [r.text.split(" ")[0] for r in replies] == steps, record.name
    assert [m.ts for m in emulator.messages("infra")] == [r.slack_thread_ts for r in records]
