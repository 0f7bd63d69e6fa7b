"""The publisher: store first, post after; one digest per burst across replicas; posts whose answer was lost."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

from app import build_services
from bot.classify import Classifier
from bot.config import Settings
from bot.consumer import ClassifierSource, Consumer
from bot.notifier import RecordChange
from bot.state import StateRepository
from bot.state.tables import ResourceModel
from renderers.slack import render_resource_message
from renderers.slack.ids import Action
from sandbox.slack import SlackEmulator
from slack_adapters.presenters import resource_view
from slack_adapters.publisher import METADATA_EVENT, new_token
from slack_adapters.services import SlackServices
from tests.conftest import create_queue_with_dlq
from tests.consumer_events import create_bucket_record, event_id, eventbridge
from tests.slack.conftest import Harness, RecordingRemover, RecordingRunner, eventually, running, texts


def adopt_values(blocks: list[dict[str, Any]]) -> list[str]:
    """The resource ids behind a message's Adopt buttons."""
    return [e["value"] for b in blocks if b.get("type") == "actions" for e in b.get("elements", [])
            if e.get("action_id") == Action.RESOURCE_ADOPT]


def shown_resources(emulator: SlackEmulator, channel: str) -> Counter[str]:
    """How many messages in the channel (top level and in threads) carry each resource's buttons."""
    found: Counter[str] = Counter()
    for parent in emulator.messages(channel):
        for message in emulator.thread(channel, parent.ts):
            found.update(adopt_values(message.blocks))
    return found


@contextlib.asynccontextmanager
async def replica(settings: Settings, sqs: Any, s3: Any) -> AsyncIterator[tuple[SlackServices, Consumer]]:
    """One tfsync replica: its own Slack services (client, publisher, lease owner) and its own consumer."""
    repo = StateRepository(settings)
    services = build_services(settings, repo, runner=RecordingRunner(repo), remover=RecordingRemover(repo))
    consumer = Consumer(settings, repo, sqs, s3, ClassifierSource.fixed(settings, Classifier()), services.notifier)
    try:
        yield services, consumer
    finally:
        await services.notifier.close()


async def test_two_replicas_on_one_queue_post_a_burst_of_fifty_as_one_digest(
    slack_env: dict[str, str], emulator: SlackEmulator, aws_client: Callable[..., Any],
) -> None:
    sqs = aws_client("sqs")
    queue_url, _ = create_queue_with_dlq(sqs, "tfsync-replicas", max_receive_count=5)
    settings = Settings.from_env({**slack_env, "TFSYNC_QUEUE_URL": queue_url, "TFSYNC_VISIBILITY_TIMEOUT": "5",
                                  "TFSYNC_RECEIVE_WAIT_SECONDS": "1", "TFSYNC_SHUTDOWN_SECONDS": "1",
                                  "TFSYNC_SLACK_POST_INTERVAL_MS": "1000"})
    for start in range(0, 50, 10):
        sqs.send_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(n), "MessageBody": eventbridge(create_bucket_record(f"fifty-{n:02d}", event_id(n, "fifty")))}
            for n in range(start, start + 10)])
    stop = asyncio.Event()
    async with replica(settings, sqs, aws_client("s3")) as (one, first), \
            replica(settings, sqs, aws_client("s3")) as (two, second):
        assert one.notifier.publisher.owner != two.notifier.publisher.owner
        runs = [asyncio.create_task(c.run(stop)) for c in (first, second)]
        # Stored without waiting on Slack: every record is there long before Slack has shown them all.
        await eventually(lambda: len(list(ResourceModel.scan())) == 50, seconds=20)
        await eventually(lambda: first.stats.deleted + second.stats.deleted == 50, seconds=20)
        stop.set()
        await asyncio.gather(*runs)
        assert first.stats.received and second.stats.received  # both replicas took part
        assert await one.notifier.flush(60) and await two.notifier.flush(60)

    channel = "infra"
    top = emulator.messages(channel)
    digests = [m for m in top if "new resources* were created outside Terraform" in texts(m.blocks)]
    assert len(digests) == 1 and "*" in texts(digests[0].blocks)
    # Nothing lost, nothing doubled: each resource's buttons are in exactly one message.
    assert shown_resources(emulator, channel) == Counter({r.resource_id: 1 for r in ResourceModel.scan()})
    # The burst is the digest and whatever was posted before it could be known (the first creation at most, as
    # the next post waits a second and by then the burst is there).
    assert len(top) <= 2 and top[-1] is digests[0]
    counted = int(texts(digests[0].blocks).split("*")[1].split(" ")[0])
    assert counted == 50 - (len(top) - 1)
    # Paced: never two posts into the channel within a second, whichever replica posted.
    posts = sorted(c.at for c in emulator.calls_to("chat.postMessage") if c.ok)
    assert all(b - a >= 0.95 for a, b in itertools.pairwise(posts))
    records = list(ResourceModel.scan())
    assert all(r.slack_message_ts and r.notify_pending is None for r in records)


async def test_a_post_slack_applied_but_never_answered_is_found_not_posted_again(harness: Harness) -> None:
    record = await harness.detect("answer-lost", notify=False)
    # What a crash (or a 502 after Slack applied the post) leaves: the token stored, the message in Slack, no ts.
    token = new_token()
    await harness.repo.annotate(record.resource_id, slack_channel=harness.channel, slack_post_token=token)
    view = await resource_view(record)
    metadata = {"event_type": METADATA_EVENT, "event_payload": {"token": token, "resource_id": record.resource_id}}
    posted = await harness.services.client.chat_postMessage(channel=harness.channel, **render_resource_message(view),
                                                            metadata=metadata)
    # And an orphan: a copy of the same resource's message from an earlier attempt.
    orphan = await harness.services.client.chat_postMessage(
        channel=harness.channel, **render_resource_message(view),
        metadata={"event_type": METADATA_EVENT, "event_payload": {"token": new_token(),
                                                                   "resource_id": record.resource_id}})

    harness.services.notifier.publisher.wake()
    assert await harness.services.notifier.flush()

    [parent] = harness.emulator.messages("infra")
    assert parent.ts == posted["ts"] != orphan["ts"]
    stored = await harness.repo.get(record.resource_id)
    assert (stored.slack_thread_ts, stored.slack_message_ts, stored.slack_post_token) == (posted["ts"], posted["ts"],
                                                                                           None)
    assert len([c for c in harness.emulator.calls_to("chat.postMessage") if c.ok]) == 2  # the test's own two
    assert [c.args["ts"] for c in harness.emulator.calls_to("chat.delete")] == [orphan["ts"]]


async def test_a_change_made_while_slack_was_behind_is_told_in_order_after_the_parent(harness: Harness) -> None:
    record = await harness.detect("late-news", notify=False)
    # Adopted before Slack showed anything: the parent shows it adopted, and the thread tells both steps in order.
    adopting = await harness.repo.transition(
        record.resource_id, "adopting", expected_status="detected", expected_version=record.version,
        actor="slack:U1", changes={"tf_name": "late_news"})
    await harness.repo.transition(
        record.resource_id, "adopted", expected_status="adopting", expected_version=adopting.version,
        actor="slack:U1", changes={"job_link": "https://git.example.com/c/1", "job_result": "succeeded"})
    harness.services.notifier.publisher.wake()
    assert await harness.services.notifier.flush()

    [parent] = harness.emulator.messages("infra")
    replies = harness.emulator.thread("infra", parent.ts)[1:]
    assert [r.text.split(" ")[0] for r in replies] == ["Adopting", "Adopted"]
    assert "*Adopted*" in texts(parent.blocks)
    stored = await harness.repo.get(record.resource_id)
    assert stored.slack_shown_version == stored.version and await harness.repo.pending() == []


async def test_a_group_message_slack_applied_but_never_answered_is_found_in_the_digest_thread(
    slack_env: dict[str, str], emulator: SlackEmulator,
) -> None:
    async with running({**slack_env, "TFSYNC_BURST_THRESHOLD": "2"}, emulator) as harness:
        notifier = harness.services.notifier
        first = [await harness.detect(f"lost-answer-{n}", notify=False) for n in range(3)]
        for record in first:
            await notifier.notify(RecordChange("created", record, None))
        assert await notifier.flush()
        [digest] = emulator.messages("infra")
        # The next group message in the digest's thread is posted, and its answer lost on the way back.
        emulator.apply_then_fail("chat.postMessage", times=1)
        later = [await harness.detect(f"lost-answer-{n}", notify=False) for n in range(3, 6)]
        for record in later:
            await notifier.notify(RecordChange("created", record, None))
        assert await notifier.flush()

    assert [c.fault for c in emulator.calls_to("chat.postMessage")].count("applied") == 1
    _, group_one, group_two = emulator.thread("infra", digest.ts)
    assert shown_resources(emulator, "infra") == Counter({r.resource_id: 1 for r in first + later})
    assert sorted(adopt_values(group_two.blocks)) == sorted(r.resource_id for r in later)
    assert group_one.ts != group_two.ts


async def test_a_resource_no_channel_takes_stays_pending_and_is_logged_once(
    harness: Harness, caplog: Any,
) -> None:
    publisher = harness.services.notifier.publisher
    record = await harness.detect("nowhere-bucket", notify=False)
    publisher.router = type(publisher.router)([], None)  # no routes and no default channel
    with caplog.at_level(logging.WARNING, logger="slack_adapters.publisher"):
        for _ in range(3):
            await publisher.publish_due()
    said = [r for r in caplog.records if "no routing rule matches" in r.getMessage()]
    assert len(said) == 1 and record.resource_id in said[0].getMessage()
    assert [r.resource_id for r in await harness.repo.pending()] == [record.resource_id]
    assert harness.emulator.messages("infra") == []
