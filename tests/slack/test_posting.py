"""Posting within Slack's limits: bursts become one digest, 429s are retried in order, the module search."""

from __future__ import annotations

import asyncio

from bot.notifier import RecordChange
from bot.state import Status
from renderers.slack.ids import Action, Block, Callback
from renderers.slack.viewdata import AdoptFailedStep
from sandbox.slack import SlackEmulator
from slack_adapters.presenters import resource_view
from tests.slack.conftest import Harness, action_ids, eventually, running, texts


async def test_a_burst_of_twelve_becomes_one_digest_with_a_thread_per_type(harness: Harness) -> None:
    emulator = harness.emulator
    records = [await harness.detect(f"burst-{n:02d}", notify=False) for n in range(12)]

    await asyncio.gather(*(harness.services.notifier.notify(RecordChange("created", r, None)) for r in records))

    digest, group = emulator.messages("infra")
    assert "*12 new resources* were created outside Terraform within a minute" in texts(digest.blocks)
    assert "*S3 bucket* \u00d7 12" in texts(group.blocks)
    assert action_ids(group.blocks).count(Action.RESOURCE_ADOPT) == 12
    stored = [await harness.repo.get(r.resource_id) for r in records]
    assert {(r.slack_channel, r.slack_thread_ts) for r in stored} == {(harness.channel, group.ts)}

    # A decision on one of them updates the group's message in place and replies in the group's thread.
    one = stored[3]
    await (await emulator.click("alice", "infra", group.ts, Action.RESOURCE_IGNORE,
                                block_id=f"{Block.RESOURCE_ACTIONS}-{one.resource_id}")).wait_ack()
    form = await eventually(lambda: emulator.modal("alice"))
    await (await emulator.submit_view("alice", form.id, {})).wait_ack()
    await eventually(lambda: len(emulator.thread("infra", group.ts)) == 2)
    await harness.settle()
    assert (await harness.repo.get(one.resource_id)).status == Status.IGNORED
    group_now = emulator.message("infra", group.ts)
    assert action_ids(group_now.blocks).count(Action.RESOURCE_ADOPT) == 11
    assert len(emulator.messages("infra")) == 2


async def test_ten_at_once_still_get_a_thread_each(harness: Harness) -> None:
    records = [await harness.detect(f"calm-{n}", notify=False) for n in range(10)]
    await asyncio.gather(*(harness.services.notifier.notify(RecordChange("created", r, None)) for r in records))
    assert len(harness.emulator.messages("infra")) == 10


async def test_rate_limited_posts_are_retried_and_replies_keep_their_order(
    slack_env: dict[str, str], emulator: SlackEmulator,
) -> None:
    async with running({**slack_env, "TFSYNC_SLACK_POST_INTERVAL_MS": "0"}, emulator) as harness:
        record = await harness.detect("busy-logs")
        harness.emulator.rate_limit = True
        view = await resource_view(record)
        notifier = harness.services.notifier
        steps = [notifier.progress(record, f"phase {n}") for n in range(3)]
        steps.append(notifier.reply(record, AdoptFailedStep(view, "plan not clean", error_id="E-TEST0001")))
        await asyncio.gather(*steps)

        replies = harness.emulator.thread("infra", record.slack_thread_ts)[1:]
        assert [r.text.split(":")[0] for r in replies] == [
            "phase 0", "phase 1", "phase 2", "Adoption of busy-logs failed"]
        posts = harness.emulator.calls_to("chat.postMessage")
        assert any(call.status == 429 for call in posts)
        assert harness.services.notifier.poster.retries >= 3
        # Every 429 was followed by the same message again, and everything asked for arrived once.
        assert len([c for c in posts if c.ok]) == 5


async def test_paced_posting_needs_no_retries(slack_env: dict[str, str], emulator: SlackEmulator) -> None:
    async with running({**slack_env, "TFSYNC_SLACK_POST_INTERVAL_MS": "1050"}, emulator) as harness:
        harness.emulator.rate_limit = True
        record = await harness.detect("paced-logs")
        await asyncio.gather(*(harness.services.notifier.progress(record, f"step {n}") for n in range(2)))
        assert harness.services.notifier.poster.retries == 0
        assert all(c.ok for c in harness.emulator.calls_to("chat.postMessage"))
        assert len(harness.emulator.thread("infra", record.slack_thread_ts)) == 3


async def test_many_modules_are_searched_through_an_external_select(
    slack_env: dict[str, str], emulator: SlackEmulator,
) -> None:
    modules = ",".join(f"module.team{n:03d}" for n in range(150))
    async with running({**slack_env, "TFSYNC_TARGET_MODULES": modules}, emulator) as harness:
        record = await harness.detect("searched-logs")
        emu = harness.emulator
        await (await emu.click("alice", "infra", record.slack_thread_ts, Action.RESOURCE_ADOPT)).wait_ack()
        modal = await eventually(lambda: emu.modal("alice"))
        assert modal.callback_id == Callback.ADOPTION_SUBMIT
        ack = await (await emu.load_options("alice", modal.id, Action.MODULE_SELECT, "team14")).wait_ack()
        values = [o["value"] for o in ack.payload["options"]]
        assert values == [f"module.team{n}" for n in range(140, 150)]


async def test_a_burst_that_goes_on_extends_its_digest(slack_env: dict[str, str], emulator: SlackEmulator) -> None:
    async with running({**slack_env, "TFSYNC_BURST_THRESHOLD": "2"}, emulator) as harness:
        notifier = harness.services.notifier
        first = [await harness.detect(f"wave1-{n}", notify=False) for n in range(3)]
        await asyncio.gather(*(notifier.notify(RecordChange("created", r, None)) for r in first))
        later = await harness.detect("wave2-0", tf_type="aws_sqs_queue", notify=False)
        await notifier.notify(RecordChange("created", later, None))

        digest, buckets, queues = harness.emulator.messages("infra")
        assert "*4 new resources*" in texts(digest.blocks) and digest.edited is not None
        assert "\u00d7 3" in texts(buckets.blocks) and "\u00d7 1" in texts(queues.blocks)
        assert (await harness.repo.get(later.resource_id)).slack_thread_ts == queues.ts
