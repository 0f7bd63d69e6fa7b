"""Posting within Slack's limits: bursts become one digest, 429s are retried in order, the module search."""

from __future__ import annotations

import asyncio

from bot.notifier import RecordChange
from bot.state import Status
from renderers.slack.ids import Action, Block, Callback
from sandbox.slack import SlackEmulator
from tests.slack.conftest import Harness, action_ids, eventually, running, texts


async def test_a_burst_of_twelve_becomes_one_digest_with_the_resources_in_its_thread(harness: Harness) -> None:
    emulator = harness.emulator
    records = [await harness.detect(f"burst-{n:02d}", notify=False) for n in range(12)]

    await asyncio.gather(*(harness.services.notifier.notify(RecordChange("created", r, None)) for r in records))
    assert await harness.services.notifier.flush()

    # One top-level message for the whole burst; the resources are listed by type in its thread.
    [digest] = emulator.messages("infra")
    assert "*12 new resources* were created outside Terraform within a minute" in texts(digest.blocks)
    [_, group] = emulator.thread("infra", digest.ts)
    assert "*S3 bucket* \u00d7 12" in texts(group.blocks)
    assert action_ids(group.blocks).count(Action.RESOURCE_ADOPT) == 12
    stored = [await harness.repo.get(r.resource_id) for r in records]
    assert {(r.slack_channel, r.slack_thread_ts, r.slack_message_ts) for r in stored} == {
        (harness.channel, digest.ts, group.ts)}

    # A decision on one of them updates the group's message in place and replies in the digest's thread.
    one = stored[3]
    await (await emulator.click("alice", "infra", group.ts, Action.RESOURCE_IGNORE,
                                block_id=f"{Block.RESOURCE_ACTIONS}-{one.resource_id}")).wait_ack()
    form = await eventually(lambda: (m := emulator.modal("alice")) is not None
                            and m.callback_id == Callback.IGNORE_RULE_SUBMIT and m)
    await (await emulator.submit_view("alice", form.id, {})).wait_ack()
    await harness.settle()
    assert (await harness.repo.get(one.resource_id)).status == Status.IGNORED
    thread = emulator.thread("infra", digest.ts)
    assert len(thread) == 3 and "ignored" in thread[2].text.lower()
    group_now = emulator.message("infra", group.ts)
    assert action_ids(group_now.blocks).count(Action.RESOURCE_ADOPT) == 11
    assert len(emulator.messages("infra")) == 1


async def test_ten_at_once_still_get_a_thread_each(harness: Harness) -> None:
    records = [await harness.detect(f"calm-{n}", notify=False) for n in range(10)]
    await asyncio.gather(*(harness.services.notifier.notify(RecordChange("created", r, None)) for r in records))
    assert await harness.services.notifier.flush()
    assert len(harness.emulator.messages("infra")) == 10


async def test_a_quiet_channel_gets_its_first_resource_at_once_and_a_burst_after_it_a_digest(
    harness: Harness,
) -> None:
    first = await harness.detect("first-of-many")
    assert first.slack_message_ts == first.slack_thread_ts is not None
    records = [await harness.detect(f"then-{n:02d}", notify=False) for n in range(15)]
    await asyncio.gather(*(harness.services.notifier.notify(RecordChange("created", r, None)) for r in records))
    assert await harness.services.notifier.flush()

    parent, digest = harness.emulator.messages("infra")
    assert parent.ts == first.slack_thread_ts
    assert "*15 new resources*" in texts(digest.blocks)


async def test_rate_limited_posts_are_retried_and_replies_keep_their_order(
    slack_env: dict[str, str], emulator: SlackEmulator,
) -> None:
    async with running({**slack_env, "TFSYNC_SLACK_POST_INTERVAL_MS": "0"}, emulator) as harness:
        harness.emulator.rate_limit = True
        records = [await harness.detect(f"busy-logs-{n}") for n in range(3)]
        record = records[0]
        adopting = await harness.repo.transition(
            record.resource_id, Status.ADOPTING.value, expected_status=record.status,
            expected_version=record.version, actor="slack:U1", changes={"tf_name": "busy"})
        failed = await harness.repo.transition(
            record.resource_id, Status.ADOPT_FAILED.value, expected_status=adopting.status,
            expected_version=adopting.version, actor="tfsync", changes={"job_error": "plan not clean"})
        await harness.services.notifier.status_changed(failed)
        assert await harness.services.notifier.flush()

        replies = harness.emulator.thread("infra", record.slack_thread_ts)[1:]
        assert [r.text.split(":")[0] for r in replies] == ["Adopting busy-logs-0", "Adoption of busy-logs-0 failed"]
        posts = harness.emulator.calls_to("chat.postMessage")
        assert any(call.status == 429 for call in posts)
        # Every 429 was followed by the same message again, and everything asked for arrived once.
        assert len([c for c in posts if c.ok]) == 5
        assert len(harness.emulator.messages("infra")) == 3


async def test_paced_posting_needs_no_retries(slack_env: dict[str, str], emulator: SlackEmulator) -> None:
    async with running({**slack_env, "TFSYNC_SLACK_POST_INTERVAL_MS": "1050"}, emulator) as harness:
        harness.emulator.rate_limit = True
        for n in range(3):
            await harness.detect(f"paced-logs-{n}")
        posts = harness.emulator.calls_to("chat.postMessage")
        assert len(posts) == 3 and all(c.ok for c in posts)


async def test_many_modules_are_searched_through_an_external_select(
    slack_env: dict[str, str], emulator: SlackEmulator,
) -> None:
    modules = ",".join(f"module.team{n:03d}" for n in range(150))
    async with running({**slack_env, "TFSYNC_TARGET_MODULES": modules}, emulator) as harness:
        record = await harness.detect("searched-logs")
        emu = harness.emulator
        await (await emu.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack()
        # The loading modal first, then the form in its place.
        modal = await eventually(lambda: (m := emu.modal("alice")) is not None
                                 and m.callback_id == Callback.ADOPTION_SUBMIT and m)
        ack = await (await emu.load_options("alice", modal.id, Action.MODULE_SELECT, "team14")).wait_ack()
        values = [o["value"] for o in ack.payload["options"]]
        assert values == [f"module.team{n}" for n in range(140, 150)]


async def test_a_burst_that_goes_on_extends_its_digest(slack_env: dict[str, str], emulator: SlackEmulator) -> None:
    async with running({**slack_env, "TFSYNC_BURST_THRESHOLD": "2"}, emulator) as harness:
        notifier = harness.services.notifier
        first = [await harness.detect(f"wave1-{n}", notify=False) for n in range(3)]
        await asyncio.gather(*(notifier.notify(RecordChange("created", r, None)) for r in first))
        assert await notifier.flush()
        later = await harness.detect("wave2-0", tf_type="aws_sqs_queue", notify=False)
        await notifier.notify(RecordChange("created", later, None))
        assert await notifier.flush()

        [digest] = harness.emulator.messages("infra")
        _, buckets, queues = harness.emulator.thread("infra", digest.ts)
        assert "*4 new resources*" in texts(digest.blocks) and digest.edited is not None
        assert "\u00d7 3" in texts(buckets.blocks) and "\u00d7 1" in texts(queues.blocks)
        stored = await harness.repo.get(later.resource_id)
        assert (stored.slack_thread_ts, stored.slack_message_ts) == (digest.ts, queues.ts)
